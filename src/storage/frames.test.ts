import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FrameRecord } from '../preprocess/types';
import { deleteDataset, putItems } from './datasets';
import { openFerDb, type FerDatabase } from './db';
import {
  cropBytes,
  deletePreprocessed,
  getPreprocessed,
  listFrames,
  preprocessStatus,
  putMiningResults,
  putProcessedItem,
  type FrameWrite,
  type ProcessedItemWrite,
} from './frames';
import { migrations } from './migrations';
import { DB_VERSION, type MediaItemRecord } from './schema';

function frame(frameIndex: number, bytes = 10): FrameWrite {
  const record: FrameRecord = {
    frameIndex,
    timestampSec: frameIndex / 10,
    sourceWidth: 64,
    sourceHeight: 48,
    faces: [{ x: 1, y: 2, width: 30, height: 30 }],
    scores: [0.9],
    chosen: 0,
    keypoints: {
      rightEye: { x: 10, y: 10 },
      leftEye: { x: 20, y: 10 },
      noseTip: { x: 15, y: 15 },
      mouthRight: null,
      mouthLeft: null,
      mouthCenter: { x: 15, y: 20 },
    },
    angleDeg: 0,
    affines: { face: [1, 0, 0, 0, 1, 0], eyes: [2, 0, 0, 0, 2, 0], mouth: [3, 0, 0, 0, 3, 0] },
    lightnessBefore: 0.4,
    lightnessAfter: 0.5,
  };
  const blob = (n: number) => new Blob([new Uint8Array(n)], { type: 'image/webp' });
  return { record, crops: { face: blob(bytes), eyes: blob(bytes + 1), mouth: blob(bytes + 2) } };
}

function outcome(kept: number, extra: Partial<ProcessedItemWrite> = {}): ProcessedItemWrite {
  return {
    status: 'done',
    flags: [],
    configHash: 'abc',
    processedAt: 1,
    sampled: kept + 1,
    kept,
    dropped: { 'no-face': 1, 'no-landmarks': 0, 'decode-error': 0 },
    sampleFps: 10,
    sourceWidth: 64,
    sourceHeight: 48,
    mining: null,
    faceLog: [],
    error: null,
    timings: { decodeMs: 0, detectMs: 0, cropMs: 0, encodeMs: 0, totalMs: 0 },
    ...extra,
  };
}

function item(datasetId: string, key: string): MediaItemRecord {
  return {
    id: `${datasetId}:${key}`,
    datasetId,
    key,
    kind: 'video',
    rawLabel: null,
    subject: null,
    split: null,
    bytes: 1,
    mime: 'video/mp4',
    width: 64,
    height: 48,
    durationSec: 1,
    blobCount: 1,
  };
}

let db: FerDatabase;

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
  await db.put('datasets', {
    id: 'd1',
    name: 'd1',
    layout: 'unlabelled-video',
    labelled: false,
    createdAt: 0,
    status: 'ready',
    classMap: {},
    itemCount: 0,
    totalBytes: 0,
    totalDurationSec: null,
    problems: [],
  });
  await putItems(
    db,
    'd1',
    ['a', 'b', 'c'].map((k) => ({ item: item('d1', k), blobs: [] })),
  );
});

afterEach(() => {
  db.close();
});

describe('preprocessed frames', () => {
  it('go with their dataset when it is deleted', async () => {
    await putProcessedItem(db, 'd1:a', 'd1', [frame(0), frame(1)], outcome(2));
    await deleteDataset(db, 'd1');
    expect(await db.count('frames')).toBe(0);
    expect(await db.count('preprocessed')).toBe(0);
  });

  it('stores an item with its frames, listed in frame order', async () => {
    await putProcessedItem(db, 'd1:a', 'd1', [frame(2), frame(0), frame(1)], outcome(3));
    const frames = await listFrames(db, 'd1:a');
    expect(frames.map((f) => f.id)).toEqual(['d1:a/0', 'd1:a/1', 'd1:a/2']);
    expect(frames[0]?.record.affines.eyes).toEqual([2, 0, 0, 0, 2, 0]);
    expect(frames[0]?.crops.mouth.size).toBe(12);
    expect(await getPreprocessed(db, 'd1:a')).toMatchObject({ datasetId: 'd1', kept: 3 });
  });

  it('redoing an item replaces its frames: no duplicates, no leftovers', async () => {
    await putProcessedItem(
      db,
      'd1:a',
      'd1',
      [0, 1, 2, 3].map((i) => frame(i)),
      outcome(4),
    );
    await putProcessedItem(db, 'd1:a', 'd1', [frame(0), frame(1)], outcome(2));
    expect((await listFrames(db, 'd1:a')).map((f) => f.frameIndex)).toEqual([0, 1]);
    expect(await db.count('frames')).toBe(2);
    expect((await getPreprocessed(db, 'd1:a'))?.kept).toBe(2);
  });

  it('writes nothing of an item when its transaction fails', async () => {
    await putProcessedItem(db, 'd1:a', 'd1', [frame(0)], outcome(1));
    // A record that cannot be cloned (a function) aborts the whole transaction.
    const bad = {
      ...frame(1),
      record: { ...frame(1).record, angleDeg: (() => 0) as unknown as number },
    };
    await expect(
      putProcessedItem(db, 'd1:a', 'd1', [frame(0), bad, frame(2)], outcome(3)),
    ).rejects.toThrow();
    expect((await listFrames(db, 'd1:a')).map((f) => f.frameIndex)).toEqual([0]);
    expect((await getPreprocessed(db, 'd1:a'))?.kept).toBe(1);
  });

  it('summarises a dataset, updates mining, measures crop bytes and deletes it all', async () => {
    await putProcessedItem(db, 'd1:a', 'd1', [frame(0), frame(1)], outcome(2));
    await putProcessedItem(
      db,
      'd1:b',
      'd1',
      [],
      outcome(0, {
        status: 'flagged',
        flags: ['too-few-frames', 'mining-rejected'],
        mining: { accepted: false, reason: 'no-face', longestRun: 0 },
        configHash: 'def',
      }),
    );
    const s = await preprocessStatus(db, 'd1');
    expect(s).toMatchObject({
      items: 3,
      pending: 1,
      byStatus: { done: 1, flagged: 1, failed: 0 },
      keptFrames: 2,
      sampledFrames: 4,
      dropped: { 'no-face': 2 },
      byConfig: { abc: 1, def: 1 },
      mining: { accepted: 0, rejected: { 'no-face': 1 } },
    });
    await putMiningResults(db, [
      {
        itemId: 'd1:b',
        status: 'flagged',
        flags: ['too-few-frames'],
        mining: {
          accepted: true,
          clip: {
            startFrame: 0,
            endFrame: 1,
            startSec: 0,
            endSec: 1,
            frameCount: 2,
            largeFaceFrames: 2,
          },
        },
      },
    ]);
    expect((await preprocessStatus(db, 'd1')).mining).toEqual({ accepted: 1, rejected: {} });
    expect(await cropBytes(db, 'd1')).toEqual({
      frames: 2,
      bytes: { face: 20, eyes: 22, mouth: 24 },
    });
    await deletePreprocessed(db, 'd1');
    expect(await db.count('frames')).toBe(0);
    expect(await db.count('preprocessed')).toBe(0);
    expect((await preprocessStatus(db, 'd1')).pending).toBe(3);
  });
});

describe('schema v2', () => {
  it('upgrades a version-1 database, keeping its data and adding the preprocessed store', async () => {
    db.close();
    globalThis.indexedDB = new IDBFactory();
    const v1 = await openDB('fer-workbench', 1, {
      upgrade(d, _old, _new, tx) {
        migrations[0]?.(d as never, tx as never);
      },
    });
    await v1.put('journal', {
      datasetId: 'x',
      startedAt: 0,
      totalItems: 0,
      doneKeys: [],
      state: 'done',
    });
    expect([...v1.objectStoreNames]).not.toContain('preprocessed');
    v1.close();
    db = await openFerDb();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames]).toContain('preprocessed');
    expect(db.transaction('preprocessed').store.indexNames.contains('byDataset')).toBe(true);
    expect(await db.count('journal')).toBe(1);
  });
});
