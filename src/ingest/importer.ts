import type { FerDatabase } from '../storage/db';
import {
  createDataset,
  finishImport,
  getDataset,
  putItems,
  storedKeys,
  type ItemWrite,
} from '../storage/datasets';
import { StorageError, toStorageError } from '../storage/errors';
import type { DatasetStatus, MediaItemRecord } from '../storage/schema';
import type { FileProblem, ImportPlan, PlannedItem, ProblemCode } from './types';

/** What probing a media file tells the importer (see src/ingest/media/probe.ts). */
export interface ProbeResult {
  mime: string;
  width: number;
  height: number;
  durationSec: number | null;
}

export type Prober = (file: Blob, name: string, kind: 'video' | 'image') => Promise<ProbeResult>;

/** A decode failure with the problem code it maps to. */
export interface ProbeFailure {
  code: ProblemCode;
  message: string;
}

function probeFailure(e: unknown): ProbeFailure {
  if (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string') {
    const message = e instanceof Error ? e.message : 'could not decode the file';
    return { code: e.code as ProblemCode, message };
  }
  return { code: 'corrupt', message: e instanceof Error ? e.message : String(e) };
}

export interface ProgressReport {
  phase: 'probing' | 'storing';
  done: number;
  total: number;
  bytesDone: number;
}

async function mapBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
}

/**
 * Decodes what the cheap header checks cannot judge: a video's duration and size, an
 * image's size. Items that fail to decode move to the plan's problems; the rest proceed.
 * For an image sequence only the first and last frames are decoded (the cost of a full
 * check is paid later, by preprocessing, which reports any other bad frame).
 */
export async function probePlan(
  plan: ImportPlan,
  probe: Prober,
  opts: {
    concurrency?: number;
    onProgress?: (p: ProgressReport) => void;
    signal?: AbortSignal;
  } = {},
): Promise<ImportPlan> {
  const keep: (PlannedItem | null)[] = new Array<PlannedItem | null>(plan.items.length).fill(null);
  const problems: FileProblem[] = [];
  let done = 0;
  await mapBounded(plan.items, opts.concurrency ?? 4, async (item, i) => {
    opts.signal?.throwIfAborted();
    if (item.kind === 'pixels') {
      keep[i] = item;
    } else {
      const toCheck =
        item.kind === 'image-sequence'
          ? [item.sources[0], item.sources[item.sources.length - 1]]
          : [item.sources[0]];
      let probed: PlannedItem | null = { ...item };
      for (const src of toCheck) {
        if (!src || !probed) continue;
        try {
          const r = await probe(src.file, src.path, item.kind === 'video' ? 'video' : 'image');
          if (src === item.sources[0]) {
            probed = { ...probed, width: r.width, height: r.height, mime: r.mime };
            if (r.durationSec != null) probed.durationSec = r.durationSec;
          }
        } catch (e) {
          const f = probeFailure(e);
          problems.push({ path: src.path, code: f.code, message: f.message });
          probed = null;
        }
      }
      keep[i] = probed;
    }
    done++;
    opts.onProgress?.({ phase: 'probing', done, total: plan.items.length, bytesDone: 0 });
  });
  return {
    ...plan,
    items: keep.filter((x): x is PlannedItem => x !== null),
    problems: [...plan.problems, ...problems],
  };
}

export function itemBytes(item: PlannedItem): number {
  if (item.kind === 'pixels') return item.pixels?.byteLength ?? 0;
  return item.sources.reduce((n, s) => n + s.file.size, 0);
}

export function itemId(datasetId: string, key: string): string {
  return `${datasetId}:${key}`;
}

function toWrite(datasetId: string, item: PlannedItem): ItemWrite {
  const bytes = itemBytes(item);
  const record: MediaItemRecord = {
    id: itemId(datasetId, item.key),
    datasetId,
    key: item.key,
    kind: item.kind,
    rawLabel: item.rawLabel,
    subject: item.subject ?? null,
    split: item.split ?? null,
    bytes,
    mime:
      item.mime ??
      (item.kind === 'pixels' ? 'application/x-gray8' : (item.sources[0]?.file.type ?? '')),
    width: item.width ?? null,
    height: item.height ?? null,
    durationSec: item.durationSec ?? null,
    blobCount: item.kind === 'pixels' ? 1 : item.sources.length,
  };
  if (item.hiddenLabel !== undefined) record.hiddenLabel = item.hiddenLabel;
  const blobs =
    item.kind === 'pixels'
      ? [
          {
            index: 0,
            name: item.key,
            blob: new Blob([new Uint8Array(item.pixels ?? [])], { type: 'application/x-gray8' }),
          },
        ]
      : item.sources.map((s, index) => ({ index, name: s.path, blob: s.file }));
  return { item: record, blobs };
}

export interface CommitOptions {
  /** Resume into this dataset (its stored keys are skipped); otherwise a new one is created. */
  datasetId?: string;
  /** Largest batch written in one transaction. */
  batchBytes?: number;
  batchItems?: number;
  onProgress?: (p: ProgressReport) => void;
  signal?: AbortSignal;
  newId?: () => string;
}

export interface CommitResult {
  datasetId: string;
  status: DatasetStatus;
  stopReason?: string;
  storedItems: number;
  skippedAlreadyStored: number;
  bytes: number;
  seconds: number;
}

/**
 * Stores a plan: creates the dataset (or resumes one), then writes items in batches, each
 * batch one transaction with the journal, so a failure or a closed tab leaves only whole
 * items behind. Storage running out stops the import with a clear reason and status
 * 'partial'; everything stored before stays.
 */
export async function commitPlan(
  db: FerDatabase,
  plan: ImportPlan,
  opts: CommitOptions = {},
): Promise<CommitResult> {
  const started = performance.now();
  const datasetId = opts.datasetId ?? (opts.newId ?? (() => crypto.randomUUID()))();
  const existing = opts.datasetId ? await getDataset(db, opts.datasetId) : undefined;
  if (opts.datasetId && !existing)
    throw new StorageError('not-found', 'The import to resume no longer exists.');
  if (!existing) {
    await createDataset(db, {
      id: datasetId,
      name: plan.name,
      layout: plan.layout,
      labelled: plan.labelled,
      classMap: plan.classMap,
      problems: plan.problems,
      totalItems: plan.items.length,
    });
  }
  const already = await storedKeys(db, datasetId);
  const todo = plan.items.filter((i) => !already.has(i.key));
  const batchBytes = opts.batchBytes ?? 4 * 1024 * 1024;
  const batchItems = opts.batchItems ?? 250;
  let stored = 0;
  let bytes = 0;
  let batch: ItemWrite[] = [];
  let batchSize = 0;
  let stopReason: string | undefined;

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await putItems(db, datasetId, batch);
    stored += batch.length;
    bytes += batchSize;
    batch = [];
    batchSize = 0;
    opts.onProgress?.({ phase: 'storing', done: stored, total: todo.length, bytesDone: bytes });
  };

  try {
    for (const item of todo) {
      opts.signal?.throwIfAborted();
      const w = toWrite(datasetId, item);
      batch.push(w);
      batchSize += w.item.bytes;
      if (batchSize >= batchBytes || batch.length >= batchItems) await flush();
    }
    await flush();
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') {
      stopReason =
        'The import was cancelled. Items stored so far are kept; drop the same files again to resume.';
    } else {
      const err = toStorageError(e, 'import');
      if (err.kind !== 'quota') throw err;
      stopReason = err.message;
    }
  }
  const status: DatasetStatus = stopReason ? 'partial' : 'ready';
  try {
    await finishImport(db, datasetId, status, stopReason);
  } catch (e) {
    // Storage may be too full even for the status update; the journal still says 'running',
    // so the dataset is offered for resuming after a reload.
    if (toStorageError(e).kind !== 'quota') throw e;
  }
  const result: CommitResult = {
    datasetId,
    status,
    storedItems: stored,
    skippedAlreadyStored: plan.items.length - todo.length,
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
  if (stopReason) result.stopReason = stopReason;
  return result;
}
