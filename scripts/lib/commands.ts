/**
 * The small app-driving commands: `datasets`, `delete` and `generate-demo`, and the result
 * type every command hands back (`ingest`: ./ingest.ts).
 */
import { readdir } from 'node:fs/promises';
import { survivalWarnings } from '../../src/ingest/demo/survival';
import path from 'node:path';
import type { CliWindow, DatasetSummary, StorageEstimate } from './api';
import { TEST_INPUT_IDS } from './api';
import type { DemoDebugApi, DemoStoreResult } from '../../src/automation/demo';
import { EXIT, usageError, type ExitCode, type GenerateDemoOptions } from './args';
import type { AppSession } from './browser';
import { formatBytes, formatDuration, indent, table } from './format';

/** What a command hands back to scripts/cli.ts: its JSON body, its text, its exit code. */
export interface CommandOutcome<J> {
  exitCode: ExitCode;
  json: J;
  text: string;
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
