/**
 * Storage faults (issue #7): a full disk while preprocessing and while checkpointing leaves
 * nothing half-written and says so in words that fit; another tab holding an older schema
 * blocks the upgrade with a clear message and the open completes once it lets go; our own
 * connection steps aside for a newer version.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FrameRecord } from '../preprocess/types';
import { failPutsInto } from '../automation/storage/quota';
import type { CheckpointRecord, RunRecord } from '../train/run/record';
import { openFerDb, type FerDatabase } from './db';
import { quotaMessage, StorageError, toStorageError } from './errors';
import {
  getPreprocessed,
  listFrames,
  putProcessedItem,
  type FrameWrite,
  type ProcessedItemWrite,
} from './frames';
import { getCheckpoint, getRun, saveCheckpoint } from './runs';
import { DB_VERSION } from './schema';

function frame(frameIndex: number): FrameWrite {
  const record = { frameIndex } as FrameRecord;
  const blob = new Blob([new Uint8Array(4)], { type: 'image/webp' });
  return { record, crops: { face: blob, eyes: blob, mouth: blob } };
}

const outcome = (kept: number, configHash: string): ProcessedItemWrite => ({
  status: 'done',
  flags: [],
  configHash,
  processedAt: 1,
  sampled: kept,
  kept,
  dropped: { 'no-face': 0, 'no-landmarks': 0, 'decode-error': 0 },
  sampleFps: 10,
  sourceWidth: 64,
  sourceHeight: 48,
  mining: null,
  faceLog: [],
  error: null,
  timings: { decodeMs: 0, detectMs: 0, cropMs: 0, encodeMs: 0, totalMs: 0 },
});

let db: FerDatabase;
let restore: (() => void) | null = null;

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
});
afterEach(() => {
  restore?.();
  restore = null;
  db.close();
});

describe('quota messages', () => {
  it('say what stopped: the import, preprocessing, the checkpoint, or a single change', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(toStorageError(quota, 'import').message).toMatch(/The import stopped/);
    expect(toStorageError(quota, 'preprocess').message).toMatch(/Preprocessing stopped/);
    expect(toStorageError(quota, 'checkpoint').message).toMatch(/could not be checkpointed/);
    const plain = toStorageError(quota);
    expect(plain.kind).toBe('quota');
    expect(plain.message).not.toMatch(/import/);
    // A generic quota error raised below gets the caller's context on the way up.
    expect(toStorageError(plain, 'preprocess').message).toBe(quotaMessage('preprocess'));
    expect(toStorageError(new DOMException('v', 'VersionError')).message).toMatch(/newer version/);
  });
});

describe('full disk while preprocessing', () => {
  it("an item's frames and outcome are stored whole or not at all; its earlier state stays", async () => {
    await putProcessedItem(db, 'd:a', 'd', [frame(0), frame(1)], outcome(2, 'old'));
    // The third frame of the redo does not fit: nothing of the redo may remain.
    restore = failPutsInto('frames', 2);
    const e: unknown = await putProcessedItem(
      db,
      'd:a',
      'd',
      [frame(0), frame(1), frame(2), frame(3)],
      outcome(4, 'new'),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StorageError);
    expect(e).toMatchObject({ kind: 'quota' });
    expect((e as Error).message).toMatch(/Preprocessing stopped/);
    restore();
    restore = null;
    expect((await listFrames(db, 'd:a')).map((f) => f.frameIndex)).toEqual([0, 1]);
    expect((await getPreprocessed(db, 'd:a'))?.configHash).toBe('old');
    // A first write that fails leaves the item without a record (pending: the next run does it).
    restore = failPutsInto('preprocessed');
    await expect(putProcessedItem(db, 'd:b', 'd', [frame(0)], outcome(1, 'x'))).rejects.toThrow(
      /storage is full/,
    );
    expect(await listFrames(db, 'd:b')).toEqual([]);
    expect(await getPreprocessed(db, 'd:b')).toBeUndefined();
  });
});

describe('full disk while checkpointing', () => {
  const run = (epoch: number) =>
    ({ id: 'r', position: { phase: 0, epoch }, status: 'running' }) as unknown as RunRecord;
  const checkpoint = (epoch: number) =>
    ({
      kind: 'checkpoint',
      id: 'r/latest',
      runId: 'r',
      phase: 0,
      epoch,
      savedAt: epoch,
      weights: [],
      optimizer: null,
      best: null,
      bestScore: epoch,
    }) as unknown as CheckpointRecord;

  it('the record and checkpoint of the previous epoch stay the latest valid pair', async () => {
    await saveCheckpoint(db, run(1), checkpoint(1));
    restore = failPutsInto('checkpoints');
    const e: unknown = await saveCheckpoint(db, run(2), checkpoint(2)).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'quota' });
    expect((e as Error).message).toMatch(/could not be checkpointed.*previous checkpoint/s);
    restore();
    restore = null;
    // The run record was queued first in the same transaction: it did not commit alone.
    expect((await getRun(db, 'r'))?.position.epoch).toBe(1);
    expect((await getCheckpoint(db, 'r'))?.epoch).toBe(1);
  });
});

describe('another tab with an older schema', () => {
  it('blocks the upgrade with a message to close it; the open completes once it lets go', async () => {
    db.close();
    globalThis.indexedDB = new IDBFactory();
    // The other tab: an older version (schema 1) that ignores versionchange.
    const old = await openDB('fer-workbench', 1, {
      upgrade(d) {
        d.createObjectStore('datasets', { keyPath: 'id' });
      },
    });
    let late: FerDatabase | null = null;
    const e: unknown = await openFerDb(undefined, undefined, {
      onUnblocked: (d) => {
        late = d;
      },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StorageError);
    expect(e).toMatchObject({ kind: 'blocked' });
    expect((e as Error).message).toMatch(/Close the other tabs/);
    old.close();
    await expect.poll(() => late, { timeout: 5000 }).not.toBeNull();
    db = late as unknown as FerDatabase;
    expect(db.version).toBe(DB_VERSION);
    expect(db.objectStoreNames.contains('preprocessed')).toBe(true);
    expect(db.objectStoreNames.contains('evaluations')).toBe(true);
  });

  it('our own connection closes for a newer version instead of blocking it', async () => {
    let told = 0;
    const ours = await openFerDb('other-db', 1, { onVersionChange: () => told++ });
    const newer = await openFerDb('other-db', 2);
    expect(newer.version).toBe(2);
    expect(told).toBe(1);
    // Closed: using it fails instead of holding the data at the old schema.
    expect(() => ours.transaction('datasets')).toThrow();
    newer.close();
  });
});
