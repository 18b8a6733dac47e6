/**
 * `window.__ferTrain`: training for the e2e tests and the headless runner's `experiment`
 * command. It calls the same store actions as the Train tab, so a scripted run is a UI run.
 */
import { getDb } from '../storage/db';
import { getCheckpoint, getRun, listRuns } from '../storage/runs';
import { parseTrainConfig } from '../train/config';
import type { TrainProgress } from '../train/run/engine';
import type { RunRecord } from '../train/run/record';
import { useTrainStore } from '../ui/train/trainStore';
import { setTrainWorkerFactory } from '../train/client';
import type { AutomationTrainMessage } from './train/worker';

export interface TrainDebugApi {
  /** Starts a run from a config (preset + overrides, see parseTrainConfig); resolves its id. */
  start: (config: unknown, datasetId: string, name?: string) => Promise<string>;
  /** Resolves when the run is no longer running (done, paused, failed, interrupted). */
  wait: (runId: string) => Promise<RunRecord>;
  progress: () => TrainProgress | null;
  /** The run training in this tab (e.g. one resumed after a reload), or null. */
  active: () => string | null;
  /** The store's error line (what the Train tab shows), or null. */
  error: () => string | null;
  pause: () => void;
  /** Kills the training worker (a crash) / destroys its WebGPU device. */
  killWorker: () => void;
  loseDevice: () => void;
  /**
   * The disk fills up: the training worker's checkpoint writes fail with QuotaExceededError
   * once `afterPuts` more have succeeded. `next: true` arms the next worker started (the
   * next run or resume) instead of the current one, so a test need not race a fast epoch.
   */
  fillStorage: (options?: { afterPuts?: number; next?: boolean }) => void;
  /** Resumes a stopped run, optionally with another learning rate (see trainStore.resume). */
  resume: (runId: string, options?: { learningRate?: number }) => Promise<void>;
  getRun: (runId: string) => Promise<RunRecord | undefined>;
  /** Where the run's latest stored checkpoint stands (no weights), or null without one. */
  checkpoint: (runId: string) => Promise<{
    phase: number;
    epoch: number;
    finite: boolean;
    savedAt: number;
    /** Bytes of its tensors (weights, optimiser state, best weights). */
    bytes: number;
  } | null>;
  listRuns: () => Promise<RunRecord[]>;
}

declare global {
  interface Window {
    /** Installed by installTrainDebugHook (src/automation/train.ts). */
    __ferTrain?: TrainDebugApi;
  }
}

export function installTrainDebugHook(): void {
  // The latest worker is the active run's (one run trains at a time per tab).
  let worker: Worker | null = null;
  // A fault armed for the next worker: sent before anything else, so before the run starts.
  let armed: number | null = null;
  setTrainWorkerFactory(() => {
    worker = new Worker(new URL('./train/worker.ts', import.meta.url), {
      type: 'module',
      name: 'train',
    });
    if (armed !== null) {
      worker.postMessage({
        type: 'fill-storage',
        afterPuts: armed,
      } satisfies AutomationTrainMessage);
      armed = null;
    }
    return worker;
  });
  const post = (msg: AutomationTrainMessage): void => {
    if (useTrainStore.getState().handle) worker?.postMessage(msg);
  };
  window.__ferTrain = {
    start: async (json, datasetId, name) => {
      const config = parseTrainConfig(json, datasetId);
      const id = await useTrainStore.getState().start(config, name);
      if (id === null) throw new Error(useTrainStore.getState().error ?? 'the run did not start');
      return id;
    },
    wait: (runId) =>
      new Promise<RunRecord>((resolve, reject) => {
        const check = async (): Promise<boolean> => {
          const s = useTrainStore.getState();
          if (s.activeId === runId) return false;
          const run = await getRun(await getDb(), runId);
          if (!run) {
            reject(new Error(`No run ${runId}`));
            return true;
          }
          if (run.status === 'running' || run.status === 'queued') return false;
          resolve(run);
          return true;
        };
        const tick = (): void => {
          void check().then((finished) => {
            if (!finished) setTimeout(tick, 500);
          }, reject);
        };
        tick();
      }),
    progress: () => useTrainStore.getState().progress,
    active: () => useTrainStore.getState().activeId,
    error: () => useTrainStore.getState().error,
    pause: () => useTrainStore.getState().pause(),
    killWorker: () => useTrainStore.getState().handle?.terminate(),
    loseDevice: () => {
      post({ type: 'lose-device' });
    },
    fillStorage: ({ afterPuts = 0, next = false } = {}) => {
      if (next) armed = afterPuts;
      else post({ type: 'fill-storage', afterPuts });
    },
    resume: (runId, options) => useTrainStore.getState().resume(runId, options),
    getRun: async (runId) => getRun(await getDb(), runId),
    checkpoint: async (runId) => {
      const c = await getCheckpoint(await getDb(), runId);
      if (!c) return null;
      const finite = c.weights.every((w) => Array.from(w.values).every((v) => Number.isFinite(v)));
      const bytes = [...c.weights, ...c.optimizer, ...(c.best ?? [])].reduce(
        (n, t) => n + t.values.byteLength,
        0,
      );
      return { phase: c.phase, epoch: c.epoch, finite, savedAt: c.savedAt, bytes };
    },
    listRuns: async () => listRuns(await getDb()),
  };
}
