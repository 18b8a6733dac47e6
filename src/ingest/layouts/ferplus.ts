/**
 * FER2013 / FERPlus: `fer2013.csv` (columns emotion, pixels, Usage; 48x48 grey pixels as 2304
 * space-separated numbers) and, optionally, FERPlus's `fer2013new.csv` (Usage, Image name,
 * and vote counts for neutral, happiness, surprise, sadness, anger, disgust, fear, contempt,
 * unknown, NF), matched to fer2013.csv row by row.
 *
 * Each data row becomes a 'pixels' item keyed `fer2013.csv#<row>` (row = 0-based, header
 * excluded). The split comes from Usage: Training -> train, PublicTest -> val,
 * PrivateTest -> test. With votes the label is the vote winner (see `ferplusVote`), else the
 * FER2013 code as text, read by the class map with `fer2013CodeToClass`.
 */
import { canonicalSplit } from '../aliases';
import { CsvError, csvRecords } from '../csv';
import { basename, isJunkPath } from '../detect';
import type { FileProblem, LayoutPlan, PlannedItem, SourceFile } from '../types';

export const FER_SIZE = 48;
export const FER_PIXELS = FER_SIZE * FER_SIZE;

/** The eight emotion vote columns of fer2013new.csv, in file order. */
export const FERPLUS_EMOTIONS = [
  'neutral',
  'happiness',
  'surprise',
  'sadness',
  'anger',
  'disgust',
  'fear',
  'contempt',
] as const;
/** The two non-emotion vote columns. */
export const FERPLUS_OTHER = ['unknown', 'NF'] as const;

/**
 * How a row's votes become a label.
 * - 'plurality' (default): the emotion with the most votes. Skipped when unknown or NF has at
 *   least as many votes as the best emotion, when two or more emotions tie for first, or when
 *   there are no votes.
 * - 'strict-majority' (FERPlus's own "majority" mode): single votes are dropped as outliers,
 *   then the top column must hold more than half of the remaining votes and be an emotion.
 */
export type FerplusVoteRule = 'plurality' | 'strict-majority';

export type VoteOutcome =
  | { label: (typeof FERPLUS_EMOTIONS)[number] }
  | { label: null; why: 'not-face' | 'unknown' | 'tie' | 'no-votes' | 'no-majority' };

/**
 * Picks the label of one row from its ten vote counts, in fer2013new.csv's column order
 * (8 emotions, unknown, NF).
 */
export function ferplusVote(
  votes: readonly number[],
  rule: FerplusVoteRule = 'plurality',
): VoteOutcome {
  const v = FERPLUS_EMOTIONS.map((_, i) => votes[i] ?? 0);
  let unknown = votes[8] ?? 0;
  let nf = votes[9] ?? 0;
  if (rule === 'strict-majority') {
    for (let i = 0; i < v.length; i++) if ((v[i] ?? 0) <= 1) v[i] = 0;
    if (unknown <= 1) unknown = 0;
    if (nf <= 1) nf = 0;
  }
  const best = Math.max(...v);
  const other = Math.max(unknown, nf);
  const total = v.reduce((a, b) => a + b, 0) + unknown + nf;
  if (total === 0) return { label: null, why: 'no-votes' };
  if (other >= best) return { label: null, why: nf >= unknown ? 'not-face' : 'unknown' };
  const winners = v.flatMap((n, i) => (n === best ? [i] : []));
  if (rule === 'strict-majority') {
    if (best <= total / 2) return { label: null, why: 'no-majority' };
  } else if (winners.length > 1) {
    return { label: null, why: 'tie' };
  }
  const label = FERPLUS_EMOTIONS[winners[0] ?? 0] ?? 'neutral';
  return { label };
}

const WHY_TEXT: Record<Exclude<VoteOutcome, { label: string }>['why'], string> = {
  'not-face': 'FERPlus voters marked it "not a face" (NF)',
  unknown: 'FERPlus voters could not tell the emotion (unknown)',
  tie: 'two or more emotions tie for the most FERPlus votes',
  'no-votes': 'the row has no FERPlus votes',
  'no-majority': 'no emotion has more than half of the FERPlus votes',
};

/**
 * Parses FER2013's space-separated pixel text into bytes. Returns an error message instead
 * when a value is not an integer 0..255 or the count is not `expected`.
 */
export function parsePixels(text: string, expected = FER_PIXELS): Uint8Array | string {
  const out = new Uint8Array(expected);
  let count = 0;
  let value = -1;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    if (c >= 48 && c <= 57) {
      value = (value < 0 ? 0 : value * 10) + (c - 48);
      if (value > 255) return `pixel ${count + 1} is larger than 255`;
    } else if (c === 32 || c === 9 || c === 10 || c === 13) {
      if (value >= 0) {
        if (count < expected) out[count] = value;
        count++;
        value = -1;
      }
    } else {
      return `pixel ${count + 1} is not a whole number (found "${text[i] ?? ''}")`;
    }
  }
  if (count !== expected) return `expected ${expected} pixels, found ${count}`;
  return out;
}

export interface FerplusOptions {
  vote?: FerplusVoteRule;
  /** Progress over fer2013.csv in bytes. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

function columnIndex(header: readonly string[], name: string): number {
  const want = name.toLowerCase();
  return header.findIndex((h) => h.trim().toLowerCase() === want);
}

interface Votes {
  outcomes: VoteOutcome[];
  problems: FileProblem[];
}

async function readVotes(src: SourceFile, rule: FerplusVoteRule): Promise<Votes> {
  const outcomes: VoteOutcome[] = [];
  const problems: FileProblem[] = [];
  let cols: number[] | null = null;
  let row = 0;
  try {
    for await (const rec of csvRecords(src.file)) {
      if (!cols) {
        const idx = [...FERPLUS_EMOTIONS, ...FERPLUS_OTHER].map((c) => columnIndex(rec, c));
        if (idx.some((i) => i < 0)) {
          problems.push({
            path: src.path,
            code: 'parse-error',
            message: `the header lacks vote columns (${[...FERPLUS_EMOTIONS, ...FERPLUS_OTHER].filter((_, i) => (idx[i] ?? -1) < 0).join(', ')}); votes are not used`,
          });
          return { outcomes: [], problems };
        }
        cols = idx;
        continue;
      }
      const votes = cols.map((i) => Number(rec[i] ?? ''));
      if (votes.some((x) => !Number.isFinite(x) || x < 0)) {
        problems.push({
          path: `${src.path}#${row}`,
          code: 'parse-error',
          message: `line ${row + 2}: vote counts must be numbers`,
        });
        outcomes.push({ label: null, why: 'no-votes' });
      } else {
        outcomes.push(ferplusVote(votes, rule));
      }
      row++;
    }
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    problems.push({ path: src.path, code: 'parse-error', message: e.message });
  }
  return { outcomes, problems };
}

/** Plans fer2013.csv (+ fer2013new.csv), streaming the big CSV. */
export async function planFerplus(
  files: SourceFile[],
  opts: FerplusOptions = {},
): Promise<LayoutPlan> {
  const items: PlannedItem[] = [];
  const problems: FileProblem[] = [];
  const byName = (n: string): SourceFile | undefined =>
    files.find((f) => basename(f.path).toLowerCase() === n);
  const fer = byName('fer2013.csv');
  const ferNew = byName('fer2013new.csv');
  for (const f of files) {
    if (f === fer || f === ferNew || isJunkPath(f.path)) continue;
    problems.push({ path: f.path, code: 'ignored', message: 'not part of FER2013/FERPlus' });
  }
  if (!fer) {
    problems.push({
      path: 'fer2013.csv',
      code: 'missing-file',
      message: 'fer2013.csv was not dropped',
    });
    return { items, problems };
  }

  if (fer.file.size === 0) {
    problems.push({ path: fer.path, code: 'zero-byte', message: 'fer2013.csv is empty (0 bytes)' });
    return { items, problems };
  }

  let votes: Votes | null = null;
  if (ferNew) {
    votes = await readVotes(ferNew, opts.vote ?? 'plurality');
    problems.push(...votes.problems);
    if (votes.outcomes.length === 0) votes = null;
  }

  const keyBase = basename(fer.path);
  let header: { emotion: number; pixels: number; usage: number } | null = null;
  let row = 0;
  try {
    for await (const rec of csvRecords(fer.file, { onProgress: opts.onProgress })) {
      opts.signal?.throwIfAborted();
      if (!header) {
        header = {
          emotion: columnIndex(rec, 'emotion'),
          pixels: columnIndex(rec, 'pixels'),
          usage: columnIndex(rec, 'usage'),
        };
        if (header.pixels < 0 || (header.emotion < 0 && !votes)) {
          problems.push({
            path: fer.path,
            code: 'parse-error',
            message: `the header must name the columns emotion and pixels (found: ${rec.join(', ')})`,
          });
          return { items, problems };
        }
        continue;
      }
      const r = row++;
      const where = `${fer.path}#${r}`;
      const line = `line ${r + 2}`;
      const px = parsePixels(rec[header.pixels] ?? '');
      if (typeof px === 'string') {
        problems.push({ path: where, code: 'parse-error', message: `${line}: ${px}` });
        continue;
      }
      let rawLabel: string;
      if (votes) {
        const outcome = votes.outcomes[r];
        if (!outcome) {
          problems.push({
            path: where,
            code: 'parse-error',
            message: `${line}: fer2013new.csv has no row ${r} (it has ${votes.outcomes.length})`,
          });
          continue;
        }
        if (outcome.label === null) {
          problems.push({
            path: where,
            code: 'unknown-class',
            message: `${line}: ${WHY_TEXT[outcome.why]}`,
          });
          continue;
        }
        rawLabel = outcome.label;
      } else {
        const code = (rec[header.emotion] ?? '').trim();
        if (!/^[0-6]$/.test(code)) {
          problems.push({
            path: where,
            code: 'parse-error',
            message: `${line}: emotion must be a code 0..6, found "${code}"`,
          });
          continue;
        }
        rawLabel = code;
      }
      const item: PlannedItem = {
        key: `${keyBase}#${r}`,
        kind: 'pixels',
        sources: [],
        pixels: px,
        width: FER_SIZE,
        height: FER_SIZE,
        rawLabel,
        mime: 'application/x-gray8',
      };
      const split = header.usage >= 0 ? canonicalSplit(rec[header.usage] ?? '') : null;
      if (split) item.split = split;
      items.push(item);
    }
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    problems.push({
      path: fer.path,
      code: 'parse-error',
      message: `${e.message}; rows after it are lost`,
    });
  }
  if (!header) {
    problems.push({
      path: fer.path,
      code: 'parse-error',
      message: 'fer2013.csv has no header row',
    });
  }
  if (votes && header && votes.outcomes.length !== row) {
    problems.push({
      path: ferNew?.path ?? 'fer2013new.csv',
      code: 'parse-error',
      message: `fer2013new.csv has ${votes.outcomes.length} rows but fer2013.csv has ${row}; rows are matched by position`,
    });
  }
  return { items, problems };
}
