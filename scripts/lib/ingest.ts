/**
 * `ingest <path...>`: datasets imported through the app's file inputs (its test inputs) and
 * its import hook `window.__fer.planFromTestInput` / `commitPlan`, one dataset per folder and
 * one for the loose files together; the plan (and, unless --dry-run, what was stored) reported.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CliWindow, ImportResult, ImportSummary, LayoutKind, TestInputKind } from './api';
import { TEST_INPUT_IDS } from './api';
import { EXIT, usageError, type IngestOptions } from './args';
import type { AppSession } from './browser';
import { pageErrorMessage } from './browser';
import type { CommandOutcome } from './commands';
import { classTable, formatBytes, formatDuration, indent, problemLines } from './format';

/** One import: the paths that went into one dataset, and through which input. */
export interface IngestGroup {
  input: TestInputKind;
  /** Absolute paths: one folder, or one or more files. */
  paths: string[];
}

/**
 * Each folder becomes its own dataset; all the files given (not folders) together make one
 * more (so fer2013.csv and fer2013new.csv travel together). `--name` names one dataset, so
 * it is refused when the paths make several. Paths must exist.
 */
export async function groupIngestPaths(
  paths: readonly string[],
  name: string | null,
  cwd: string = process.cwd(),
): Promise<IngestGroup[]> {
  const groups: IngestGroup[] = [];
  let files: IngestGroup | null = null;
  const seen = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (seen.has(abs)) continue;
    seen.add(abs);
    let s;
    try {
      s = await stat(abs);
    } catch {
      throw usageError(`No such file or folder: ${p}`);
    }
    if (s.isDirectory()) groups.push({ input: 'folder', paths: [abs] });
    else if (s.isFile()) {
      if (files === null) {
        files = { input: 'files', paths: [] };
        groups.push(files);
      }
      files.paths.push(abs);
    } else throw usageError(`Not a file or folder: ${p}`);
  }
  if (name !== null && groups.length > 1)
    throw usageError(
      `--name names one dataset, but these paths make ${groups.length} (each folder is a ` +
        `dataset of its own; the files together make one). Put the folders in one parent ` +
        `folder and ingest that, or leave out --name.`,
    );
  return groups;
}

/** The part of an ImportResult that says how storing went. */
export type StoredInfo = Pick<
  ImportResult,
  'datasetId' | 'status' | 'stopReason' | 'storedItems' | 'seconds'
>;

export interface IngestEntryJson {
  input: TestInputKind;
  paths: string[];
  ok: boolean;
  /** Why ok is false; null when ok. */
  error: string | null;
  /** The plan; null when planning failed. */
  summary: ImportSummary | null;
  /** How storing went; null for --dry-run or when nothing was stored. */
  stored: StoredInfo | null;
}

export interface IngestJson {
  dryRun: boolean;
  datasets: IngestEntryJson[];
}

function splitStored(r: ImportResult): { summary: ImportSummary; stored: StoredInfo } {
  const { datasetId, status, stopReason, storedItems, seconds, ...summary } = r;
  const stored: StoredInfo = { datasetId, status, storedItems, seconds };
  if (stopReason !== undefined) stored.stopReason = stopReason;
  return { summary, stored };
}

async function ingestOne(
  session: AppSession,
  group: IngestGroup,
  opts: IngestOptions,
): Promise<IngestEntryJson> {
  const entry: IngestEntryJson = { ...group, ok: false, error: null, summary: null, stored: null };
  const { page } = session;
  try {
    const input = page.getByTestId(TEST_INPUT_IDS[group.input]);
    await input.setInputFiles(group.input === 'folder' ? (group.paths[0] ?? '') : group.paths, {
      timeout: 60_000,
    });
  } catch (e) {
    entry.error = `Could not hand the ${group.input} to the app: ${pageErrorMessage(e)}`;
    return entry;
  }
  const planOpts: { layout?: LayoutKind; name?: string } = {};
  if (opts.layout !== null) planOpts.layout = opts.layout;
  if (opts.name !== null) planOpts.name = opts.name;
  try {
    entry.summary = await page.evaluate(
      ([which, o]) => {
        const api = (window as CliWindow).__fer;
        if (!api?.planFromTestInput) throw new Error('window.__fer.planFromTestInput is missing');
        return api.planFromTestInput(which, o);
      },
      [group.input, planOpts] as const,
    );
  } catch (e) {
    entry.error = `The app could not plan the import: ${pageErrorMessage(e)}`;
    return entry;
  }
  if (entry.summary.itemCount === 0) {
    entry.error =
      entry.summary.problems.length > 0
        ? `Nothing to import: every file was rejected (${entry.summary.problems.length} problems).`
        : 'Nothing to import: no usable files were found.';
    return entry;
  }
  if (opts.dryRun) {
    entry.ok = true;
    return entry;
  }
  try {
    const result = await page.evaluate(() => {
      const api = (window as CliWindow).__fer;
      if (!api?.commitPlan) throw new Error('window.__fer.commitPlan is missing');
      return api.commitPlan();
    });
    const { summary, stored } = splitStored(result);
    entry.summary = summary;
    entry.stored = stored;
  } catch (e) {
    entry.error = `The app could not store the import: ${pageErrorMessage(e)}`;
    return entry;
  }
  if (entry.stored.status !== 'ready') {
    entry.error = `The import stopped after ${entry.stored.storedItems} of ${entry.summary.itemCount} items: ${entry.stored.stopReason ?? 'no reason given'}`;
    return entry;
  }
  entry.ok = true;
  return entry;
}

function splitsText(splits: Record<string, number>): string {
  const parts = Object.entries(splits).map(([k, v]) => `${k} ${v}`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

export function ingestEntryText(e: IngestEntryJson, dryRun: boolean): string {
  const what = e.input === 'folder' ? (e.paths[0] ?? '') : e.paths.join(', ');
  const lines: string[] = [];
  const s = e.summary;
  if (s === null) {
    lines.push(`${what}: FAILED: ${e.error ?? 'unknown error'}`);
    return lines.join('\n');
  }
  const head = e.stored
    ? `${what} -> dataset "${s.name}" (${e.stored.datasetId}): ${e.stored.status}, ` +
      `stored ${e.stored.storedItems} items in ${formatDuration(e.stored.seconds)}`
    : `${what} -> dataset "${s.name}"${dryRun ? ' (dry run: nothing stored)' : ''}`;
  lines.push(head);
  lines.push(
    indent(
      [
        `layout ${s.layout}, ${s.labelled ? 'labelled' : 'unlabelled'}, ${s.itemCount} items ` +
          `from ${s.fileCount} files, ${formatBytes(s.totalBytes)}` +
          (s.totalDurationSec === null ? '' : `, ${formatDuration(s.totalDurationSec)} of video`),
        `splits: ${splitsText(s.splits)}`,
        ...(s.classes.length > 0 ? [classTable(s.classes)] : []),
        ...(s.problems.length > 0
          ? [
              `${s.problems.length} ${s.problems.length === 1 ? 'problem' : 'problems'} (files skipped):`,
              indent(problemLines(s.problems).join('\n')),
            ]
          : []),
      ].join('\n'),
    ),
  );
  if (!e.ok) lines.push(`  FAILED: ${e.error ?? 'unknown error'}`);
  return lines.join('\n');
}

export async function runIngest(
  session: AppSession,
  groups: readonly IngestGroup[],
  opts: IngestOptions,
  progress: (line: string) => void,
): Promise<CommandOutcome<IngestJson>> {
  const datasets: IngestEntryJson[] = [];
  for (const group of groups) {
    const what =
      group.input === 'folder' ? (group.paths[0] ?? '') : `${group.paths.length} file(s)`;
    progress(`${opts.dryRun ? 'Planning' : 'Importing'} ${what} ...`);
    datasets.push(await ingestOne(session, group, opts));
  }
  const ok = datasets.every((d) => d.ok);
  return {
    exitCode: ok ? EXIT.ok : EXIT.appFailure,
    json: { dryRun: opts.dryRun, datasets },
    text: datasets.map((d) => ingestEntryText(d, opts.dryRun)).join('\n\n'),
  };
}
