/**
 * The UI side of training: creates runs, starts or resumes them in the training worker, and
 * reports what the worker says. One run trains at a time per tab.
 */
import type { ComputeChoice } from '../compute/choice';
import { getDb } from '../storage/db';
import { changeRun } from '../runs/writer';
import { getRun, listRuns } from '../storage/runs';
import { validateTrainConfig, type TrainConfig } from './config';
import type { FromTrainWorker, ToTrainWorker } from './protocol';
import type { TrainProgress } from './run/engine';
import type { StepTiming, StepTimingRequest } from './run/measure';
import { newRunRecord } from './run/plan';
import type { RunRecord } from './run/record';

export interface TrainCallbacks {
  onBackend?: (m: Extract<FromTrainWorker, { type: 'backend' }>) => void;
  onProgress?: (p: TrainProgress) => void;
  onSaved?: (run: RunRecord) => void;
}

export interface TrainHandle {
  runId: string;
  pause: () => void;
  /** Ends the worker at once, as a crash would (tests). */
  terminate: () => void;
  /** Resolves with the final record (done or paused); rejects with the worker's error. */
  done: Promise<RunRecord>;
}

export class TrainError extends Error {
  constructor(
    message: string,
    readonly kind: Extract<FromTrainWorker, { type: 'error' }>['kind'],
  ) {
    super(message);
    this.name = 'TrainError';
  }
}

function newId(): string {
  return `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Stores a new run (status 'queued'); start it with `startRun`. */
export async function createRun(config: TrainConfig, name?: string): Promise<RunRecord> {
  validateTrainConfig(config);
  const now = Date.now();
  const run = newRunRecord(
    config,
    newId(),
    name ?? `Run ${new Date(now).toISOString().slice(0, 19).replace('T', ' ')}`,
    now,
  );
  await changeRun({ type: 'created', run });
  return run;
}

export async function storedRuns(): Promise<RunRecord[]> {
  return listRuns(await getDb());
}

export async function storedRun(id: string): Promise<RunRecord | undefined> {
  return getRun(await getDb(), id);
}

/** Makes a training worker (one per run). */
export type TrainWorkerFactory = () => Worker;

let makeTrainWorker: TrainWorkerFactory = () =>
  new Worker(new URL('../../workers/train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'train',
  });

/**
 * Replaces the training worker: the automation build (src/automation/train.ts) runs a wrapper
 * of the same worker that also answers test-only messages.
 */
export function setTrainWorkerFactory(factory: TrainWorkerFactory): void {
  makeTrainWorker = factory;
}

/** Starts (or resumes from its checkpoint) a run in a fresh worker. */
export function startRun(
  runId: string,
  compute: ComputeChoice,
  callbacks: TrainCallbacks = {},
  backendReason: string | null = null,
): TrainHandle {
  const worker = makeTrainWorker();
  let crashed: (message: string) => void = () => undefined;
  const done = new Promise<RunRecord>((resolve, reject) => {
    crashed = (message) =>
      reject(
        new TrainError(`${message} The run can be resumed from its last checkpoint.`, 'other'),
      );
    worker.onmessage = (ev: MessageEvent<FromTrainWorker>) => {
      const m = ev.data;
      switch (m.type) {
        case 'backend':
          callbacks.onBackend?.(m);
          break;
        case 'progress':
          callbacks.onProgress?.(m.progress);
          break;
        case 'saved':
          callbacks.onSaved?.(m.run);
          break;
        case 'finished':
          worker.terminate();
          resolve(m.run);
          break;
        case 'error':
          worker.terminate();
          reject(new TrainError(m.message, m.kind));
          break;
      }
    };
    worker.onerror = (ev) => {
      worker.terminate();
      crashed(`The training worker crashed (${ev.message || 'no message'}).`);
    };
  });
  const start: ToTrainWorker = { type: 'start', runId, ...compute, backendReason };
  worker.postMessage(start);
  return {
    runId,
    pause: () => worker.postMessage({ type: 'pause' } satisfies ToTrainWorker),
    terminate: () => {
      worker.terminate();
      crashed('The training worker stopped unexpectedly.');
    },
    done,
  };
}

/**
 * Times one warm-up step of each network in a fresh training worker (on the backend a run
 * would get), for the Train form's duration estimate; resolves with the backend's name.
 */
export function measureSteps(
  requests: StepTimingRequest[],
  compute: ComputeChoice,
): Promise<{ backend: string; timings: StepTiming[] }> {
  const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'train-measure',
  });
  return new Promise<{ backend: string; timings: StepTiming[] }>((resolve, reject) => {
    worker.onmessage = (ev: MessageEvent<FromTrainWorker>) => {
      const m = ev.data;
      if (m.type === 'measured') resolve({ backend: m.backend, timings: m.timings });
      else if (m.type === 'error') reject(new TrainError(m.message, m.kind));
    };
    worker.onerror = (ev) => reject(new Error(`The warm-up step failed (${ev.message})`));
    worker.postMessage({ type: 'measure', requests, ...compute } satisfies ToTrainWorker);
  }).finally(() => worker.terminate());
}
