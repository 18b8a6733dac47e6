/**
 * Preprocessed frames and per-item outcomes (schema v2). An item's frames and its outcome
 * are written in ONE transaction, replacing whatever the item had: after a crash or a reload
 * an item has either all of its new frames and its record or its previous state, never a
 * mix, so a resumed run can redo half-done items without duplicates.
 */
import type { DropReason, FrameRecord, Region } from '../preprocess/types';
import type { FerDatabase } from './db';
import { abortQuietly, toStorageError } from './errors';
import type { PreprocessedRecord, PreprocessedStatus, StoredFrame } from './schema';

export interface FrameWrite {
  record: FrameRecord;
  crops: Record<Region, Blob>;
}

export type ProcessedItemWrite = Omit<PreprocessedRecord, 'itemId' | 'datasetId'>;

export function frameKey(itemId: string, frameIndex: number): string {
  return `${itemId}/${frameIndex}`;
}

/** Replaces an item's frames and outcome atomically. */
export async function putProcessedItem(
  db: FerDatabase,
  itemId: string,
  datasetId: string,
  frames: readonly FrameWrite[],
  outcome: ProcessedItemWrite,
): Promise<void> {
  const tx = db.transaction(['frames', 'preprocessed'], 'readwrite');
  const ops: Promise<unknown>[] = [];
  try {
    const store = tx.objectStore('frames');
    let cursor = await store.index('byItem').openKeyCursor(itemId);
    while (cursor) {
      ops.push(store.delete(cursor.primaryKey));
      cursor = await cursor.continue();
    }
    for (const f of frames) {
      const rec: StoredFrame = {
        id: frameKey(itemId, f.record.frameIndex),
        datasetId,
        itemId,
        frameIndex: f.record.frameIndex,
        record: f.record,
        crops: f.crops,
      };
      ops.push(store.put(rec));
    }
    ops.push(tx.objectStore('preprocessed').put({ ...outcome, itemId, datasetId }));
    await Promise.all([...ops, tx.done]);
  } catch (e) {
    // A put that throws at once must not let the writes already queued commit without it.
    abortQuietly(tx, ops);
    throw toStorageError(e, 'preprocess');
  }
}

/** An item's frames in frame order. */
export async function listFrames(db: FerDatabase, itemId: string): Promise<StoredFrame[]> {
  const frames = await db.getAllFromIndex('frames', 'byItem', itemId);
  return frames.sort((a, b) => a.frameIndex - b.frameIndex);
}

/**
 * Per item of a dataset, the frame indices of its stored frames (ascending), read from the keys
 * only (no records or crops are loaded): what the training data loader needs to list clips.
 */
export async function listFrameIndices(
  db: FerDatabase,
  datasetId: string,
): Promise<Map<string, number[]>> {
  const keys = await db.getAllKeysFromIndex('frames', 'byDataset', datasetId);
  const out = new Map<string, number[]>();
  for (const key of keys) {
    // Item ids contain '/' (dataset keys are paths), the frame index is after the last one.
    const cut = key.lastIndexOf('/');
    const itemId = key.slice(0, cut);
    const list = out.get(itemId) ?? [];
    list.push(Number(key.slice(cut + 1)));
    out.set(itemId, list);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

export async function getFrame(
  db: FerDatabase,
  itemId: string,
  frameIndex: number,
): Promise<StoredFrame | undefined> {
  return db.get('frames', frameKey(itemId, frameIndex));
}

export async function getPreprocessed(
  db: FerDatabase,
  itemId: string,
): Promise<PreprocessedRecord | undefined> {
  return db.get('preprocessed', itemId);
}

export async function listPreprocessed(
  db: FerDatabase,
  datasetId: string,
): Promise<PreprocessedRecord[]> {
  const all = await db.getAllFromIndex('preprocessed', 'byDataset', datasetId);
  return all.sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
}

/** Where a dataset's preprocessing stands. */
export interface PreprocessStatus {
  datasetId: string;
  items: number;
  /** Items with a record, by status (whatever config made them). */
  byStatus: Record<PreprocessedStatus, number>;
  /** Items without a record. */
  pending: number;
  /** Kept frames stored, sampled frames and dropped frames by reason (over recorded items). */
  keptFrames: number;
  sampledFrames: number;
  dropped: Record<DropReason, number>;
  /** Items per config hash (more than one key: settings changed between runs). */
  byConfig: Record<string, number>;
  /** Unlabelled datasets: accepted clips and rejections by reason. */
  mining: { accepted: number; rejected: Record<string, number> };
}

export async function preprocessStatus(
  db: FerDatabase,
  datasetId: string,
): Promise<PreprocessStatus> {
  const tx = db.transaction(['items', 'preprocessed']);
  const [items, records] = await Promise.all([
    tx.objectStore('items').index('byDataset').count(datasetId),
    tx.objectStore('preprocessed').index('byDataset').getAll(datasetId),
  ]);
  const s: PreprocessStatus = {
    datasetId,
    items,
    byStatus: { done: 0, flagged: 0, failed: 0 },
    pending: Math.max(0, items - records.length),
    keptFrames: 0,
    sampledFrames: 0,
    dropped: { 'no-face': 0, 'no-landmarks': 0, 'decode-error': 0 },
    byConfig: {},
    mining: { accepted: 0, rejected: {} },
  };
  for (const r of records) {
    s.byStatus[r.status]++;
    s.keptFrames += r.kept;
    s.sampledFrames += r.sampled;
    for (const [reason, n] of Object.entries(r.dropped) as [DropReason, number][]) {
      s.dropped[reason] += n;
    }
    s.byConfig[r.configHash] = (s.byConfig[r.configHash] ?? 0) + 1;
    if (r.mining?.accepted) s.mining.accepted++;
    else if (r.mining) {
      s.mining.rejected[r.mining.reason] = (s.mining.rejected[r.mining.reason] ?? 0) + 1;
    }
  }
  return s;
}

/** Updates only the mining decision of recorded items (re-mining with other settings). */
export async function putMiningResults(
  db: FerDatabase,
  updates: readonly Pick<PreprocessedRecord, 'itemId' | 'mining' | 'status' | 'flags'>[],
): Promise<void> {
  try {
    const tx = db.transaction('preprocessed', 'readwrite');
    const ops: Promise<unknown>[] = [];
    for (const u of updates) {
      const r = await tx.store.get(u.itemId);
      if (r) ops.push(tx.store.put({ ...r, mining: u.mining, status: u.status, flags: u.flags }));
    }
    await Promise.all([...ops, tx.done]);
  } catch (e) {
    throw toStorageError(e);
  }
}

/** Deletes a dataset's frames and outcomes in one transaction. */
export async function deletePreprocessed(db: FerDatabase, datasetId: string): Promise<void> {
  try {
    const tx = db.transaction(['frames', 'preprocessed'], 'readwrite');
    const ops: Promise<unknown>[] = [];
    for (const name of ['frames', 'preprocessed'] as const) {
      const store = tx.objectStore(name);
      let cursor = await store.index('byDataset').openKeyCursor(datasetId);
      while (cursor) {
        ops.push(store.delete(cursor.primaryKey));
        cursor = await cursor.continue();
      }
    }
    await Promise.all([...ops, tx.done]);
  } catch (e) {
    throw toStorageError(e);
  }
}

/** Stored crop bytes of a dataset, per region (for the storage report). */
export async function cropBytes(
  db: FerDatabase,
  datasetId: string,
): Promise<{ frames: number; bytes: Record<Region, number> }> {
  const out = { frames: 0, bytes: { face: 0, eyes: 0, mouth: 0 } };
  let cursor = await db.transaction('frames').store.index('byDataset').openCursor(datasetId);
  while (cursor) {
    out.frames++;
    for (const region of ['face', 'eyes', 'mouth'] as const) {
      out.bytes[region] += cursor.value.crops[region].size;
    }
    cursor = await cursor.continue();
  }
  return out;
}
