import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { putItems } from '../storage/datasets';
import { openFerDb, type FerDatabase } from '../storage/db';
import { cropBytes, listFrames, listPreprocessed, preprocessStatus } from '../storage/frames';
import type { MediaItemRecord, PreprocessedRecord } from '../storage/schema';
import { WorkerPool, type PoolReply, type PoolRequest, type WorkerPort } from '../workers/pool';
import { failPutsInto } from '../automation/storage/quota';
import { emptyDropCounts } from './protocol';
import type {
  ItemResult,
  PreprocessJob,
  PreprocessProgress,
  SampledFrame,
  WorkerStatus,
} from './protocol';
import { runPreprocess, type PreprocessPool, type RunProgress } from './runner';
import type { FrameRecord } from './types';

/**
 * A fake preprocessing worker. Item keys say what it finds: `faceN` -> N sampled frames each
 * with one large face; `twoN` -> N frames with two faces; `bad` -> a job error; `crash` ->
 * the worker dies every time; `slowN` -> like faceN, after 300 ms.
 */
const jobsSeen: string[] = [];

function record(frameIndex: number): FrameRecord {
  return {
    frameIndex,
    timestampSec: frameIndex / 10,
    sourceWidth: 100,
    sourceHeight: 100,
    faces: [{ x: 10, y: 10, width: 50, height: 50 }],
    scores: [0.9],
    chosen: 0,
    keypoints: {
      rightEye: { x: 20, y: 30 },
      leftEye: { x: 40, y: 30 },
      noseTip: { x: 30, y: 40 },
      mouthRight: null,
      mouthLeft: null,
      mouthCenter: { x: 30, y: 50 },
    },
    angleDeg: 0,
    affines: { face: [1, 0, 0, 0, 1, 0], eyes: [1, 0, 0, 0, 1, 0], mouth: [1, 0, 0, 0, 1, 0] },
    lightnessBefore: 0.5,
    lightnessAfter: 0.5,
  };
}

function resultFor(job: PreprocessJob): ItemResult {
  const key = job.itemId.split(':')[1] ?? '';
  const n = Number(/\d+/.exec(key)?.[0] ?? 0);
  const two = key.startsWith('two');
  const box = { x: 10, y: 10, width: 50, height: 50 };
  const samples: SampledFrame[] = Array.from({ length: n }, (_, i) => ({
    frameIndex: i,
    timestampSec: i / 10,
    width: 100,
    height: 100,
    faces: two
      ? [
          { box, score: 0.9 },
          { box: { ...box, x: 60 }, score: 0.9 },
        ]
      : [{ box, score: 0.9 }],
    dropped: null,
  }));
  const blob = () => new Blob([new Uint8Array(5)], { type: 'image/webp' });
  return {
    itemId: job.itemId,
    frames: samples.map((s) => ({
      record: record(s.frameIndex),
      crops: { face: blob(), eyes: blob(), mouth: blob() },
    })),
    samples,
    dropped: emptyDropCounts(),
    sampleFps: 10,
    sourceWidth: 100,
    sourceHeight: 100,
    timings: { decodeMs: 1, detectMs: 1, cropMs: 1, encodeMs: 1, totalMs: 4 },
  };
}

type Out = PoolReply<ItemResult, PreprocessProgress, WorkerStatus>;

class FakeWorker implements WorkerPort<PoolRequest<PreprocessJob>, Out> {
  private onMessage: (m: Out) => void = () => undefined;
  private onCrash: (r: string) => void = () => undefined;
  private dead = false;
  listen(onMessage: (m: Out) => void, onCrash: (r: string) => void): void {
    this.onMessage = onMessage;
    this.onCrash = onCrash;
  }
  post(m: PoolRequest<PreprocessJob>): void {
    if (m.type === 'cancel') {
      this.later(() => {
        this.onMessage({ type: 'error', jobId: m.jobId, message: 'cancelled' });
      });
      return;
    }
    const { jobId, request } = m;
    jobsSeen.push(request.itemId);
    this.later(() => {
      this.onMessage({
        type: 'progress',
        jobId,
        progress: { itemId: request.itemId, framesDone: 1, framesTotal: 2 },
      });
    });
    this.later(
      () => {
        if (request.itemId.endsWith(':bad')) {
          this.onMessage({ type: 'error', jobId, message: 'could not decode' });
        } else if (request.itemId.endsWith(':crash')) {
          this.onCrash('out of memory');
        } else {
          this.onMessage({ type: 'result', jobId, result: resultFor(request) });
        }
      },
      request.itemId.includes(':slow') ? 300 : 10,
    );
  }
  terminate(): void {
    this.dead = true;
  }
  private later(f: () => void, ms = 2): void {
    setTimeout(() => {
      if (!this.dead) f();
    }, ms);
  }
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
    width: 100,
    height: 100,
    durationSec: 3,
    blobCount: 1,
  };
}

let db: FerDatabase;
let pool: PreprocessPool;

async function dataset(id: string, keys: string[], labelled = false): Promise<void> {
  await db.put('datasets', {
    id,
    name: id,
    layout: 'unlabelled-video',
    labelled,
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
    id,
    keys.map((k) => ({
      item: item(id, k),
      blobs: [{ index: 0, name: `${k}.mp4`, blob: new Blob([new Uint8Array(3)]) }],
    })),
  );
}

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
  jobsSeen.length = 0;
  pool = new WorkerPool<PreprocessJob, ItemResult, PreprocessProgress, WorkerStatus>({
    size: 2,
    create: () => new FakeWorker(),
  });
});

afterEach(() => {
  pool.destroy();
  db.close();
});

const mining = { minRunFrames: 30 };

describe('runPreprocess', () => {
  it('processes every item, stores frames and outcomes, mines unlabelled clips, reports failures', async () => {
    await dataset('d', ['face40', 'face10', 'two40', 'bad', 'crash']);
    const progress: RunProgress[] = [];
    const summary = await runPreprocess(db, pool, 'd', {
      config: { minFramesPerVideo: 20 },
      mining,
      onProgress: (p) => progress.push(p),
    }).done;
    expect(summary).toMatchObject({
      phase: 'done',
      itemsTotal: 5,
      processed: 5,
      skipped: 0,
      byStatus: { done: 1, flagged: 2, failed: 2 },
      keptFrames: 90,
      mining: { accepted: 1, rejected: { 'too-short': 1, 'multiple-faces': 1 } },
    });
    const byKey: Record<string, PreprocessedRecord | undefined> = Object.fromEntries(
      (await listPreprocessed(db, 'd')).map((r) => [r.itemId.split(':')[1] ?? '', r] as const),
    );
    expect(byKey.face40).toMatchObject({ status: 'done', flags: [], kept: 40 });
    expect(byKey.face40?.mining).toMatchObject({ accepted: true, clip: { frameCount: 40 } });
    expect(byKey.face10).toMatchObject({
      status: 'flagged',
      flags: ['too-few-frames', 'mining-rejected'],
    });
    expect(byKey.two40?.flags).toEqual(['mining-rejected']);
    expect(byKey.bad).toMatchObject({ status: 'failed', error: 'could not decode', kept: 0 });
    expect(byKey.crash).toMatchObject({ status: 'failed', error: 'out of memory' });
    // The crashing item was tried twice (one retry), the others once.
    expect(jobsSeen.filter((j) => j === 'd:crash')).toHaveLength(2);
    expect(jobsSeen.filter((j) => j === 'd:face40')).toHaveLength(1);
    expect((await listFrames(db, 'd:face40')).map((f) => f.frameIndex)).toHaveLength(40);
    expect((await cropBytes(db, 'd')).frames).toBe(90);
    const last = progress.at(-1);
    expect(last).toMatchObject({ phase: 'done', itemsDone: 5, framesDone: 90 });
    expect(progress.some((p) => p.etaSec !== null && p.framesPerSec > 0)).toBe(true);
  });

  it('resumes: items already done with this config are skipped; a config change redoes them', async () => {
    await dataset('d', ['face40', 'face31', 'bad'], true);
    await runPreprocess(db, pool, 'd').done;
    jobsSeen.length = 0;
    const again = await runPreprocess(db, pool, 'd').done;
    expect(again).toMatchObject({ processed: 0, skipped: 3, mining: null });
    expect(jobsSeen).toEqual([]);
    const failedToo = await runPreprocess(db, pool, 'd', { redo: 'failed' }).done;
    expect(failedToo).toMatchObject({ processed: 1, skipped: 2 });
    const changed = await runPreprocess(db, pool, 'd', { config: { fps: 5 } }).done;
    expect(changed).toMatchObject({ processed: 3, skipped: 0 });
    // Redone items replaced their frames: still 71, not 142.
    expect((await cropBytes(db, 'd')).frames).toBe(71);
    const s = await preprocessStatus(db, 'd');
    expect(Object.keys(s.byConfig)).toHaveLength(1);
  });

  it('a run paused after its last item was handed out ends and leaves the pool running', async () => {
    await dataset('d', ['face31'], true);
    const run = runPreprocess(db, pool, 'd');
    await expect.poll(() => jobsSeen.length).toBe(1);
    run.pause();
    expect((await run.done).phase).toBe('done');
    expect(pool.stats.paused).toBe(false);
  });

  it('fails an item without stored media and goes on with the rest', async () => {
    await dataset('d', ['face31'], true);
    await putItems(db, 'd', [{ item: item('d', 'empty'), blobs: [] }]);
    const summary = await runPreprocess(db, pool, 'd').done;
    expect(summary).toMatchObject({
      phase: 'done',
      processed: 2,
      byStatus: { done: 1, failed: 1 },
    });
    expect(summary.outcomes.find((o) => o.key === 'empty')?.error).toMatch(/no stored media/);
  });

  it('a full disk stops the run with its message; stored items are whole; the next run finishes without duplicates', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => `face3${i}`);
    await dataset('d', keys, true);
    // Two items fit, the third item's frames do not.
    const restore = failPutsInto('frames', 2 * 30 + 5);
    const stopped = await runPreprocess(db, pool, 'd').done;
    restore();
    expect(stopped.phase).toBe('stopped');
    expect(stopped.stopReason).toMatch(/storage is full.*Preprocessing stopped/s);
    expect(stopped.stopReason).not.toMatch(/import/);
    const stored = await listPreprocessed(db, 'd');
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(stored.length).toBeLessThan(6);
    for (const r of stored) expect((await listFrames(db, r.itemId)).length).toBe(r.kept);
    expect((await cropBytes(db, 'd')).frames).toBe(stored.reduce((n, r) => n + r.kept, 0));
    // Space again: only the rest is done, and every item's frames are there exactly once.
    jobsSeen.length = 0;
    const rest = await runPreprocess(db, pool, 'd').done;
    expect(rest).toMatchObject({ phase: 'done', skipped: stored.length });
    expect(rest.processed).toBe(6 - stored.length);
    expect(new Set(jobsSeen).size).toBe(jobsSeen.length);
    expect(jobsSeen.some((j) => stored.some((r) => r.itemId === j))).toBe(false);
    const all = await listPreprocessed(db, 'd');
    expect(all).toHaveLength(6);
    expect((await cropBytes(db, 'd')).frames).toBe(all.reduce((n, r) => n + r.kept, 0));
  });

  it('a killed worker: its item is retried in a fresh one; killed on every try it is flagged and redone next run', async () => {
    await dataset('d', ['slow30', 'slow31', 'slow32'], true);
    const first = runPreprocess(db, pool, 'd');
    await expect.poll(() => jobsSeen.length).toBeGreaterThanOrEqual(1);
    expect(pool.killBusyWorker()).toBe(true);
    const summary = await first.done;
    expect(summary).toMatchObject({ phase: 'done', workerCrashes: 1, byStatus: { done: 3 } });
    expect((await cropBytes(db, 'd')).frames).toBe(30 + 31 + 32);

    await dataset('e', ['slow40'], true);
    const second = runPreprocess(db, pool, 'e');
    await expect.poll(() => jobsSeen.filter((j) => j === 'e:slow40').length).toBe(1);
    pool.killBusyWorker();
    await expect.poll(() => jobsSeen.filter((j) => j === 'e:slow40').length).toBe(2);
    pool.killBusyWorker();
    const killed = await second.done;
    expect(killed).toMatchObject({ workerCrashes: 2, byStatus: { failed: 1 } });
    expect(killed.outcomes[0]?.flags).toEqual(['worker-crashed']);
    expect(killed.outcomes[0]?.error).toMatch(/terminated/);
    // The next run (default settings) redoes it: all its frames, once.
    const again = await runPreprocess(db, pool, 'e').done;
    expect(again).toMatchObject({ processed: 1, skipped: 0, byStatus: { done: 1 } });
    expect((await listFrames(db, 'e:slow40')).map((f) => f.frameIndex)).toEqual([
      ...Array(40).keys(),
    ]);
  });

  it('pauses (nothing new starts), resumes, and cancels keeping what was stored', async () => {
    await dataset(
      'd',
      Array.from({ length: 8 }, (_, i) => `face3${i}`),
    );
    const run = runPreprocess(db, pool, 'd', { mining });
    run.pause();
    await new Promise((r) => setTimeout(r, 60));
    expect(run.progress().phase).toBe('paused');
    expect(jobsSeen).toEqual([]);
    run.resume();
    await expect.poll(() => run.progress().itemsDone, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
    run.cancel();
    const summary = await run.done;
    expect(summary.phase).toBe('cancelled');
    expect(summary.processed).toBeLessThan(8);
    const stored = await listPreprocessed(db, 'd');
    expect(stored).toHaveLength(summary.processed);
    // Every stored item has all its frames; nothing half-written.
    for (const r of stored) expect((await listFrames(db, r.itemId)).length).toBe(r.kept);
    // The next run does only the rest.
    const rest = await runPreprocess(db, pool, 'd', { mining }).done;
    expect(rest.processed).toBe(8 - summary.processed);
    expect(rest.skipped).toBe(summary.processed);
  });
});
