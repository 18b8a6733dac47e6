/**
 * Turns a drop (relative paths + blobs) into an `ImportPlan`: detect the layout, run its
 * planner, pass every media file through the cheap header gate, and build the class map.
 * Nothing is decoded or stored here; see importer.ts for probing and storing.
 */
import { buildClassMap, type NumericCodeScheme } from './aliases';
import { CsvError, csvHeader } from './csv';
import { detectLayout, isCsvPath, isJunkPath, naturalCompare, segments } from './detect';
import { planAfew } from './layouts/afew';
import { planCkplus } from './layouts/ckplus';
import { planFerplus, type FerplusVoteRule } from './layouts/ferplus';
import { planImageFolders } from './layouts/imageFolders';
import { planManifest } from './layouts/manifest';
import { planUnlabelledVideo } from './layouts/unlabelledVideo';
import { CANONICAL_CLASSES } from './labels';
import { DEFAULT_MAX_FILE_BYTES, probeHeader } from './sniff';
import type {
  ClassCount,
  FileProblem,
  ImportPlan,
  LayoutKind,
  LayoutPlan,
  PlannedItem,
  ProblemCode,
  SourceFile,
  Split,
} from './types';

/** Thrown by `planImport` when no layout fits the drop and none was given. */
export class LayoutNotDetectedError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`Could not tell what kind of dataset this is: ${reason}.`);
    this.name = 'LayoutNotDetectedError';
    this.reason = reason;
  }
}

export interface PlanProgress {
  phase: 'reading' | 'checking';
  done: number;
  total: number;
}

export interface PlanOptions {
  /** Skip detection and use this layout. */
  layout?: LayoutKind;
  /** Dataset name; default: the dropped folder's name. */
  name?: string;
  /** Files above this size are refused ('too-large'); default 4 GiB. */
  maxFileBytes?: number;
  /** Header checks run at once (default 8). */
  concurrency?: number;
  /** FERPlus vote rule (default 'plurality'). */
  ferplusVote?: FerplusVoteRule;
  onProgress?: (p: PlanProgress) => void;
  signal?: AbortSignal;
}

export const DEFAULT_PLAN_CONCURRENCY = 8;

/**
 * The dataset's default name: the top folder all paths share ("AFEW" for AFEW/Train_AFEW/...),
 * else a single file's name without its extension, else "Imported dataset".
 */
export function defaultDatasetName(paths: readonly string[]): string {
  const kept = paths.filter((p) => !isJunkPath(p));
  const first = kept.map((p) => segments(p));
  const top = first[0]?.[0];
  if (top !== undefined && first.every((s) => s.length > 1 && s[0] === top)) return top;
  if (kept.length === 1) {
    const name = first[0]?.[first[0].length - 1] ?? '';
    const dot = name.lastIndexOf('.');
    return dot > 0 ? name.slice(0, dot) : name;
  }
  return 'Imported dataset';
}

async function readCsvHeaders(files: SourceFile[]): Promise<Record<string, string[] | null>> {
  const csvs = files.filter((f) => isCsvPath(f.path) && !isJunkPath(f.path)).slice(0, 16);
  const out: Record<string, string[] | null> = {};
  await Promise.all(
    csvs.map(async (f) => {
      try {
        out[f.path] = await csvHeader(f.file);
      } catch (e) {
        if (!(e instanceof CsvError)) throw e;
        out[f.path] = null;
      }
    }),
  );
  return out;
}

function runPlanner(
  layout: LayoutKind,
  files: SourceFile[],
  opts: PlanOptions,
): Promise<LayoutPlan> {
  switch (layout) {
    case 'afew':
      return planAfew(files);
    case 'ckplus':
      return planCkplus(files);
    case 'ferplus-csv':
      return planFerplus(files, {
        vote: opts.ferplusVote ?? 'plurality',
        onProgress: (done, total) => opts.onProgress?.({ phase: 'reading', done, total }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    case 'image-folders':
      return planImageFolders(files);
    case 'unlabelled-video':
      return planUnlabelledVideo(files);
    case 'manifest':
      return planManifest(files);
    case 'demo':
      return Promise.reject(
        new Error(
          'The demo dataset is generated (Datasets > Generate demo), not imported from files.',
        ),
      );
  }
}

async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

interface Checked {
  problem: FileProblem | null;
  mime: string | null;
}

/**
 * Runs the header gate on every media source. Failing videos and images leave the plan; an
 * image sequence loses its failing frames, and leaves the plan if none is left.
 */
async function checkSources(
  items: PlannedItem[],
  opts: PlanOptions,
): Promise<{ items: PlannedItem[]; problems: FileProblem[] }> {
  const jobs: { item: number; src: SourceFile; expected: 'video' | 'image' }[] = [];
  items.forEach((item, i) => {
    if (item.kind === 'pixels') return;
    const expected = item.kind === 'video' ? 'video' : 'image';
    for (const src of item.sources) jobs.push({ item: i, src, expected });
  });
  let done = 0;
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const results = await mapBounded(
    jobs,
    opts.concurrency ?? DEFAULT_PLAN_CONCURRENCY,
    async (job): Promise<Checked> => {
      opts.signal?.throwIfAborted();
      const r = await probeHeader(job.src, job.expected, { maxBytes });
      opts.onProgress?.({ phase: 'checking', done: ++done, total: jobs.length });
      return { problem: r.problem, mime: r.sniff?.mime ?? null };
    },
  );

  const failed = new Map<SourceFile, FileProblem>();
  const mimes = new Map<SourceFile, string>();
  jobs.forEach((job, k) => {
    const r = results[k];
    if (r?.problem) failed.set(job.src, r.problem);
    else if (r?.mime) mimes.set(job.src, r.mime);
  });

  const kept: PlannedItem[] = [];
  const problems: FileProblem[] = [];
  for (const item of items) {
    if (item.kind === 'pixels') {
      kept.push(item);
      continue;
    }
    const bad = item.sources.filter((s) => failed.has(s));
    for (const s of bad) {
      const p = failed.get(s);
      if (p) problems.push(p);
    }
    const good = item.sources.filter((s) => !failed.has(s));
    if (good.length === 0) {
      const firstBad = item.sources[0];
      if (item.kind === 'image-sequence') {
        problems.push({
          path: item.key,
          code: (firstBad && failed.get(firstBad)?.code) ?? 'corrupt',
          message: `every frame of sequence ${item.key} failed its check; the sequence is skipped`,
        });
      }
      continue;
    }
    const first = good[0];
    const mime = first ? mimes.get(first) : undefined;
    const next: PlannedItem = { ...item, sources: good };
    if (mime) next.mime = mime;
    kept.push(next);
  }
  return { items: kept, problems };
}

/** Lets the event loop run other tasks (a macrotask, so input and rendering get a turn). */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Plans an import: detects the layout (unless `opts.layout` is given), runs its planner,
 * checks every media file's header, and builds the class map. Throws
 * `LayoutNotDetectedError` when no layout fits.
 */
export async function planImport(files: SourceFile[], opts: PlanOptions = {}): Promise<ImportPlan> {
  let layout = opts.layout;
  let layoutReason = 'chosen by the user';
  if (!layout) {
    // The drop event itself took every file (it must, synchronously): detection comes next turn.
    await yieldToPage();
    const csvHeaders = await readCsvHeaders(files);
    const detected = detectLayout(
      files.map((f) => f.path),
      { csvHeaders },
    );
    if (!detected.layout) throw new LayoutNotDetectedError(detected.reason);
    layout = detected.layout;
    layoutReason = detected.reason;
  }
  opts.signal?.throwIfAborted();
  // Each step walks every path at once; between them the page gets to handle input and paint
  // (on 5,000 files the three together held the main thread ~100 ms).
  await yieldToPage();
  const planned = await runPlanner(layout, files, opts);
  await yieldToPage();
  const checked = await checkSources(planned.items, opts);

  const rawLabels = [
    ...new Set(checked.items.flatMap((i) => (i.rawLabel === null ? [] : [i.rawLabel]))),
  ].sort(naturalCompare);
  const numericCodes: NumericCodeScheme | undefined =
    layout === 'ckplus' ? 'ckplus' : layout === 'ferplus-csv' ? 'fer2013' : undefined;
  const classMap = buildClassMap(rawLabels, numericCodes ? { numericCodes } : {});

  return {
    name: opts.name?.trim() || defaultDatasetName(files.map((f) => f.path)),
    layout,
    labelled: checked.items.some((i) => i.rawLabel !== null),
    items: checked.items,
    classMap,
    problems: [...planned.problems, ...checked.problems],
    layoutReason,
  };
}

export interface PlanSummary {
  /** One entry per raw label (canonical class order, unmapped labels last). */
  classes: ClassCount[];
  /** Items with no label. */
  unlabelledCount: number;
  itemCount: number;
  /** Distinct source files the items use (pixel rows count none). */
  fileCount: number;
  /** Bytes the items will store: their files, or their pixels. */
  totalBytes: number;
  splits: Partial<Record<Split | 'none', number>>;
  problemCounts: Partial<Record<ProblemCode, number>>;
}

/** The numbers an import plan shows before anything is stored. */
export function summarisePlan(plan: ImportPlan): PlanSummary {
  const perLabel = new Map<string, number>();
  const splits: Partial<Record<Split | 'none', number>> = {};
  const files = new Set<Blob>();
  let unlabelledCount = 0;
  let totalBytes = 0;
  for (const item of plan.items) {
    if (item.rawLabel === null) unlabelledCount++;
    else perLabel.set(item.rawLabel, (perLabel.get(item.rawLabel) ?? 0) + 1);
    const split = item.split ?? 'none';
    splits[split] = (splits[split] ?? 0) + 1;
    if (item.kind === 'pixels') totalBytes += item.pixels?.byteLength ?? 0;
    for (const s of item.sources) {
      if (files.has(s.file)) continue;
      files.add(s.file);
      totalBytes += s.file.size;
    }
  }
  const order = (c: ClassCount): number =>
    c.canonical === null ? CANONICAL_CLASSES.length : CANONICAL_CLASSES.indexOf(c.canonical);
  const classes = [...perLabel.entries()]
    .map(([rawLabel, count]): ClassCount => ({
      rawLabel,
      canonical: plan.classMap[rawLabel] ?? null,
      count,
    }))
    .sort((a, b) => order(a) - order(b) || naturalCompare(a.rawLabel, b.rawLabel));
  const problemCounts: Partial<Record<ProblemCode, number>> = {};
  for (const p of plan.problems) problemCounts[p.code] = (problemCounts[p.code] ?? 0) + 1;
  return {
    classes,
    unlabelledCount,
    itemCount: plan.items.length,
    fileCount: files.size,
    totalBytes,
    splits,
    problemCounts,
  };
}
