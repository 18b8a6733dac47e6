import { readdir, stat } from 'node:fs/promises';
import { survivalWarnings } from '../../src/ingest/demo/survival';
import path from 'node:path';
import type {
  CliWindow,
  DatasetSummary,
  ImportResult,
  ImportSummary,
  LayoutKind,
  StorageEstimate,
  TestInputKind,
} from './api';
import { TEST_INPUT_IDS } from './api';
import type { DemoDebugApi, DemoStoreResult } from '../../src/automation/demo';
import {
  EXIT,
  usageError,
  type ExitCode,
  type GenerateDemoOptions,
  type IngestOptions,
} from './args';
import type { AppSession } from './browser';
import { pageErrorMessage } from './browser';
import { classTable, formatBytes, formatDuration, indent, problemLines, table } from './format';

/** What a command hands back to scripts/cli.ts: its JSON body, its text, its exit code. */
export interface CommandOutcome<J> {
  exitCode: ExitCode;
  json: J;
  text: string;
}

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

export interface DatasetsJson {
  datasets: DatasetSummary[];
  storage: StorageEstimate | null;
}

export function datasetsText(
  datasets: readonly DatasetSummary[],
  storage: StorageEstimate | null,
): string {
  const lines: string[] = [];
  if (datasets.length === 0) lines.push('No datasets stored yet.');
  else
    lines.push(
      table(
        [
          'id',
          'name',
          'layout',
          'status',
          'items',
          'classes',
          'size',
          'video',
          'problems',
          'created',
        ],
        datasets.map((d) => [
          d.id,
          d.name,
          d.layout,
          d.status,
          String(d.itemCount),
          String(d.classes.length),
          formatBytes(d.totalBytes),
          formatDuration(d.totalDurationSec),
          String(d.problems.length),
          new Date(d.createdAt).toISOString().slice(0, 16).replace('T', ' '),
        ]),
      ),
    );
  if (storage !== null)
    lines.push(
      `Storage: ${formatBytes(storage.usageBytes)} used of ${formatBytes(storage.quotaBytes)}` +
        (storage.persisted === null
          ? ''
          : storage.persisted
            ? ' (persistent)'
            : ' (may be evicted)'),
    );
  return lines.join('\n');
}

export async function runDatasets(session: AppSession): Promise<CommandOutcome<DatasetsJson>> {
  const [datasets, storage] = await session.page.evaluate(async () => {
    const api = (window as CliWindow).__fer;
    if (!api?.listDatasets) throw new Error('window.__fer.listDatasets is missing');
    const list = await api.listDatasets();
    const est = api.storage ? await api.storage() : null;
    return [list, est] as const;
  });
  return {
    exitCode: EXIT.ok,
    json: { datasets, storage },
    text: datasetsText(datasets, storage),
  };
}

export interface DeleteJson {
  deleted: string[];
}

export async function runDelete(
  session: AppSession,
  ids: readonly string[],
): Promise<CommandOutcome<DeleteJson>> {
  const known = await session.page.evaluate(async () => {
    const api = (window as CliWindow).__fer;
    if (!api?.listDatasets) throw new Error('window.__fer.listDatasets is missing');
    return (await api.listDatasets()).map((d) => d.id);
  });
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw usageError(`No dataset with id ${unknown.join(', ')} in this profile (see 'datasets').`);
  const deleted: string[] = [];
  for (const id of ids) {
    await session.page.evaluate(async (i) => {
      const api = (window as CliWindow).__fer;
      if (!api?.deleteDataset) throw new Error('window.__fer.deleteDataset is missing');
      await api.deleteDataset(i);
    }, id);
    deleted.push(id);
  }
  return {
    exitCode: EXIT.ok,
    json: { deleted },
    text: deleted.map((id) => `Deleted ${id}`).join('\n'),
  };
}

/** `window` with the demo generator's hook (src/automation/demo.ts). */
interface DemoWindow {
  __ferDemo?: Partial<DemoDebugApi>;
}

const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);

/** The photos (by extension) directly in `dir`, sorted by name so runs are reproducible. */
export async function listFacePhotos(dir: string, cwd: string = process.cwd()): Promise<string[]> {
  const abs = path.resolve(cwd, dir);
  let names: string[];
  try {
    names = await readdir(abs);
  } catch {
    throw usageError(`No such folder: ${dir}`);
  }
  const photos = names
    .filter((n) => PHOTO_EXTENSIONS.has(path.extname(n).toLowerCase()))
    .sort()
    .map((n) => path.join(abs, n));
  if (photos.length === 0) throw usageError(`No .jpg, .png or .webp photos in ${dir}.`);
  return photos;
}

export interface GenerateDemoJson {
  dataset: Omit<DemoStoreResult, 'items'> & {
    itemCount: number;
    /** Clips per split and class; the pool's classes are its hidden labels. */
    clips: Record<string, Record<string, number>>;
  };
}

export async function runGenerateDemo(
  session: AppSession,
  opts: GenerateDemoOptions,
  progress: (line: string) => void,
): Promise<CommandOutcome<GenerateDemoJson>> {
  const { page } = session;
  const faces = opts.faces === null ? null : await listFacePhotos(opts.faces);
  if (faces !== null) {
    await page.getByTestId(TEST_INPUT_IDS.files).setInputFiles(faces, { timeout: 60_000 });
  }
  progress(
    `Generating the demo dataset (seed ${opts.seed ?? 1}${faces ? `, ${faces.length} base photo(s)` : ''}) ...`,
  );
  const request = {
    ...(opts.seed !== null ? { seed: opts.seed } : {}),
    ...(opts.name !== null ? { name: opts.name } : {}),
    counts: opts.counts,
    facesFromTestInput: faces !== null,
  };
  const result = await page.evaluate(async (r) => {
    const api = (window as DemoWindow).__ferDemo;
    if (!api?.store) throw new Error('window.__ferDemo.store is missing: rebuild the app');
    return api.store(r);
  }, request);
  const clips: Record<string, Record<string, number>> = {};
  for (const item of result.items) {
    const split = item.split ?? 'unlabelled';
    const cls = item.rawLabel ?? item.hiddenLabel ?? '?';
    const row = (clips[split] ??= {});
    row[cls] = (row[cls] ?? 0) + 1;
  }
  const { items, ...rest } = result;
  const ok = result.status === 'ready';
  const text = [
    `Demo dataset "${result.name}" (${result.datasetId}): ${result.status}, ${items.length} clips ` +
      `of ${result.counts.frames} frames at ${result.counts.size}x${result.counts.size}, ` +
      `generated in ${formatDuration(result.seconds)}, stored in ${formatDuration(result.storeSeconds)}`,
    indent(
      Object.entries(clips)
        .map(
          ([split, row]) =>
            `${split}: ${Object.entries(row)
              .map(([c, n]) => `${c} ${n}`)
              .join(', ')}${split === 'unlabelled' ? ' (hidden labels)' : ''}`,
        )
        .join('\n'),
    ),
    `  base photos: ${result.faces.map((f) => f.name).join(', ')}`,
    ...result.survival.map(
      (s) =>
        `  ${s.photo}: ${s.clips - s.failed} of ${s.clips} clips pass the face check` +
        ` (${s.retried} re-rendered; ${s.framesWithFace} of ${s.framesChecked} frames checked had a face)`,
    ),
    ...survivalWarnings(result.survival).map((w) => `  WARNING: ${w}`),
    ...(ok ? [] : [`  FAILED: ${result.stopReason ?? 'storing stopped'}`]),
  ].join('\n');
  return {
    exitCode: ok ? EXIT.ok : EXIT.appFailure,
    json: { dataset: { ...rest, itemCount: items.length, clips } },
    text,
  };
}
