/**
 * Preprocesses a stored dataset: finds the items that still need it, feeds them to the worker
 * pool, and writes each item's frames and outcome ATOMICALLY (src/storage/frames.ts), so a
 * reload mid-run resumes without duplicate frames (an item half-done when the tab died has
 * no record and is simply redone; one whose worker crashed on every try is recorded as failed
 * with the flag 'worker-crashed' and redone by the next run). A full disk stops the run: the
 * item being written is not stored at all, the run says why, and the next run continues.
 * Reports progress (frames/s, ETA), can pause, resume and cancel, and for unlabelled datasets
 * mines each video for its clip (./mining.ts).
 *
 * Runs on the UI thread but does no decoding or detection there: it only reads Blobs from
 * IndexedDB, posts them to workers and stores what comes back.
 */
import { getDataset, getItemBlobs, listItems } from '../storage/datasets';
import type { FerDatabase } from '../storage/db';
import { StorageError, toStorageError } from '../storage/errors';
import { listPreprocessed, putProcessedItem, type ProcessedItemWrite } from '../storage/frames';
import type { MediaItemRecord, PreprocessedStatus } from '../storage/schema';
import { isAbortError, PoolJobError } from '../workers/pool';
import { configHash, validatePreprocessConfig } from './config';
import { failedOutcome, itemOutcome, sourceOf } from './itemOutcome';
import { validateMiningConfig, type MiningConfig } from './mining';
import {
  emptyDropCounts,
  jobTransferables,
  type ItemResult,
  type PreprocessJob,
  type PreprocessProgress,
} from './protocol';
import type {
  ItemOutcome,
  PreprocessHandle,
  PreprocessPool,
  PreprocessSummary,
  RunOptions,
  RunPhase,
  RunProgress,
} from './runTypes';
import type { DropReason } from './types';

export type {
  ItemOutcome,
  PreprocessHandle,
  PreprocessPool,
  PreprocessSummary,
  RunOptions,
  RunPhase,
  RunProgress,
} from './runTypes';
export { itemOutcome } from './itemOutcome';

/** Starts preprocessing `datasetId` on `pool`. */
export function runPreprocess(
  db: FerDatabase,
  pool: PreprocessPool,
  datasetId: string,
  options: RunOptions = {},
): PreprocessHandle {
  const config = validatePreprocessConfig(options.config);
  const hash = configHash(config);
  const controller = new AbortController();
  let phase: RunPhase = 'planning';
  let paused = false;
  let wake: (() => void) | null = null;
  const started = performance.now();
  const crashesBefore = pool.stats.crashes;
  let pausedMs = 0;
  let pausedAt = 0;
  let itemsTotal = 0;
  let itemsDone = 0;
  let itemsSkipped = 0;
  let framesDone = 0;
  const current = new Map<string, PreprocessProgress>();
  const outcomes: ItemOutcome[] = [];

  const activeSec = (): number =>
    (performance.now() - started - pausedMs - (paused ? performance.now() - pausedAt : 0)) / 1000;

  const progress = (): RunProgress => {
    const elapsedSec = activeSec();
    const todo = itemsTotal - itemsSkipped;
    const partial = [...current.values()].reduce(
      (n, p) => n + (p.framesTotal ? Math.min(1, p.framesDone / p.framesTotal) : 0),
      0,
    );
    const doneEquivalent = itemsDone + partial;
    return {
      phase,
      itemsTotal,
      itemsDone,
      itemsSkipped,
      framesDone,
      framesPerSec: elapsedSec > 0 ? framesDone / elapsedSec : 0,
      etaSec: doneEquivalent > 0 ? ((todo - doneEquivalent) * elapsedSec) / doneEquivalent : null,
      elapsedSec,
      current: [...current.values()],
    };
  };
  const report = (): void => {
    options.onProgress?.(progress());
  };
  const waitWhilePaused = async (): Promise<void> => {
    while (paused && !controller.signal.aborted) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };

  const processItem = async (item: MediaItemRecord, mining: MiningConfig | null): Promise<void> => {
    const blobs = await getItemBlobs(db, item.id);
    const files = blobs.map((b) => ({ name: b.name, blob: b.blob }));
    let before = 0;
    current.set(item.id, { itemId: item.id, framesDone: 0, framesTotal: null });
    let write: ProcessedItemWrite;
    let frames: ItemResult['frames'] = [];
    try {
      const job: PreprocessJob = {
        itemId: item.id,
        source: sourceOf(item, files),
        config,
        detail: false,
      };
      const result = await pool.run(job, {
        signal: controller.signal,
        transfer: jobTransferables,
        onProgress: (p) => {
          // A retried job (after a crash) starts counting again from 0.
          if (p.framesDone < before) {
            framesDone -= before;
            before = 0;
          }
          framesDone += p.framesDone - before;
          before = p.framesDone;
          current.set(item.id, p);
          report();
        },
      });
      framesDone += result.samples.length - before;
      frames = result.frames;
      write = itemOutcome(item, result, config, hash, mining);
    } catch (e) {
      current.delete(item.id);
      // Frames of an item that failed or was cancelled are not counted as done.
      framesDone -= before;
      if (isAbortError(e) || controller.signal.aborted) return;
      // A crash (after the pool's retry) is the worker's fault, not the item's: flagged so
      // the next run redoes it.
      const crashed = e instanceof PoolJobError && e.kind !== 'error';
      write = failedOutcome(hash, e instanceof Error ? e.message : String(e), crashed);
    }
    current.delete(item.id);
    await putProcessedItem(db, item.id, datasetId, frames, write);
    itemsDone++;
    const outcome: ItemOutcome = {
      itemId: item.id,
      key: item.key,
      status: write.status,
      flags: write.flags,
      sampled: write.sampled,
      kept: write.kept,
      dropped: write.dropped,
      mining: write.mining,
      error: write.error,
    };
    outcomes.push(outcome);
    options.onItem?.(outcome);
    report();
  };

  const run = async (): Promise<PreprocessSummary> => {
    const dataset = await getDataset(db, datasetId);
    if (!dataset) throw new StorageError('not-found', `Dataset ${datasetId} does not exist.`);
    const mine = options.mine ?? !dataset.labelled;
    const mining = mine ? validateMiningConfig(options.mining) : null;
    let items = await listItems(db, datasetId);
    if (options.itemIds) {
      const wanted = new Set(options.itemIds);
      items = items.filter((i) => wanted.has(i.id));
    }
    const records = new Map((await listPreprocessed(db, datasetId)).map((r) => [r.itemId, r]));
    const redo = options.redo ?? 'changed';
    const todo = items.filter((i) => {
      const r = records.get(i.id);
      if (!r || redo === 'all' || r.configHash !== hash) return true;
      if (r.flags.includes('worker-crashed')) return true;
      return redo === 'failed' && r.status === 'failed';
    });
    itemsTotal = items.length;
    itemsSkipped = items.length - todo.length;
    phase = paused ? 'paused' : 'running';
    report();

    let stopReason: string | undefined;
    const inFlight = new Set<Promise<void>>();
    const limit = (): number => pool.stats.size + 1;
    for (const item of todo) {
      await waitWhilePaused();
      while (inFlight.size >= limit() && !controller.signal.aborted) await Promise.race(inFlight);
      if (controller.signal.aborted || stopReason) break;
      const p: Promise<void> = processItem(item, mining)
        .catch((e: unknown) => {
          const err = toStorageError(e);
          stopReason = err.message;
          controller.abort();
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    // Paused after the last item was handed out: leave the shared pool running.
    if (paused) {
      paused = false;
      pausedMs += performance.now() - pausedAt;
      pool.resume();
    }
    return summarise(stopReason);
  };

  const summarise = async (stopReason: string | undefined): Promise<PreprocessSummary> => {
    const records = (await listPreprocessed(db, datasetId)).filter(
      (r) => !options.itemIds || options.itemIds.includes(r.itemId),
    );
    const mine = records.some((r) => r.mining !== null);
    const byStatus: Record<PreprocessedStatus, number> = { done: 0, flagged: 0, failed: 0 };
    const dropped = emptyDropCounts();
    const miningCounts = { accepted: 0, rejected: {} as Record<string, number> };
    let keptFrames = 0;
    let sampledFrames = 0;
    for (const r of records.filter((x) => x.configHash === hash)) {
      byStatus[r.status]++;
      keptFrames += r.kept;
      sampledFrames += r.sampled;
      for (const k of Object.keys(dropped) as DropReason[]) dropped[k] += r.dropped[k];
      if (r.mining?.accepted) miningCounts.accepted++;
      else if (r.mining) {
        miningCounts.rejected[r.mining.reason] = (miningCounts.rejected[r.mining.reason] ?? 0) + 1;
      }
    }
    const seconds = activeSec();
    phase = stopReason ? 'stopped' : controller.signal.aborted ? 'cancelled' : 'done';
    report();
    return {
      datasetId,
      configHash: hash,
      config,
      itemsTotal,
      processed: itemsDone,
      skipped: itemsSkipped,
      byStatus,
      keptFrames,
      sampledFrames,
      dropped,
      mining: mine ? miningCounts : null,
      seconds,
      framesPerSec: seconds > 0 ? framesDone / seconds : 0,
      phase,
      workerCrashes: pool.stats.crashes - crashesBefore,
      ...(stopReason ? { stopReason } : {}),
      outcomes,
    };
  };

  const done = run();
  return {
    pause: () => {
      if (paused || phase === 'done' || phase === 'cancelled') return;
      paused = true;
      pausedAt = performance.now();
      pool.pause();
      if (phase === 'running') phase = 'paused';
      report();
    },
    resume: () => {
      if (!paused) return;
      paused = false;
      pausedMs += performance.now() - pausedAt;
      pool.resume();
      if (phase === 'paused') phase = 'running';
      wake?.();
      report();
    },
    cancel: () => {
      controller.abort();
      if (paused) {
        paused = false;
        pausedMs += performance.now() - pausedAt;
        pool.resume();
      }
      wake?.();
    },
    done,
    progress,
  };
}
