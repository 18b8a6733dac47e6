/// <reference lib="webworker" />
/**
 * Training worker: runs one training run (src/train/run/engine.ts) off the UI thread, on the
 * backend src/compute/backend.ts picks (WebGPU on real hardware, else WASM, ...). Posts progress
 * and every saved run record; 'pause' stops after the current batch, leaving the last
 * checkpoint to resume from. A lost WebGPU device stops the run with a clear message.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type BackendName,
  describeBackend,
  explainBackend,
  inheritedReason,
  initBackend,
} from '../src/compute/backend';
import { setWasmThreadsOverride, trainingWasmThreads } from '../src/compute/wasmThreads';
import { modelFlops } from '../src/model/flops';
import { setKernelMode } from '../src/model/kernels';
import { type FerDatabase, getDb } from '../src/storage/db';
import { getRun } from '../src/storage/runs';
import { writeRunChange } from '../src/runs/writer';
import { StorageError } from '../src/storage/errors';
import { idbFrameSource } from '../src/train/data/source';
import type { FromTrainWorker, ToTrainWorker } from '../src/train/protocol';
import { runTraining } from '../src/train/run/engine';
import { measureStep, type StepTimingRequest } from '../src/train/run/measure';
import { RunDataError } from '../src/train/run/data';
import { runEnvironment } from '../src/train/run/environment';
import type { RunRecord } from '../src/train/run/record';

declare const self: DedicatedWorkerGlobalScope;

class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

const post = (m: FromTrainWorker): void => self.postMessage(m);
let controller: AbortController | null = null;

interface LostDevice {
  device?: { lost?: Promise<{ message: string; reason?: string }> };
}

/**
 * WASM threads for this run: one per core for networks big enough to gain from them, one for
 * small ones (below 0.2 GFLOP per frame, e.g. the tiny preset), where threads only cost.
 */
function trainingThreads(run: {
  phases: Pick<RunRecord['phases'][number], 'modelConfig'>[];
}): { threads: number; reason: string } | null {
  return trainingWasmThreads(
    Math.max(...run.phases.map((p) => modelFlops(p.modelConfig, 1).perFrame)),
  );
}

/** Warm-up steps for the duration estimate, on the backend and threads a run would get. */
async function measure(requests: StepTimingRequest[], backend: BackendName | null): Promise<void> {
  try {
    const threads = trainingThreads({ phases: requests.map((r) => ({ modelConfig: r.model })) });
    setWasmThreadsOverride(threads?.threads ?? null, threads?.reason);
    const info = await initBackend(backend ?? undefined);
    const timings = [];
    for (const r of requests) timings.push(await measureStep(r));
    post({ type: 'measured', backend: info.name, timings });
  } catch (e) {
    post({
      type: 'error',
      runId: '',
      message: e instanceof Error ? e.message : String(e),
      kind: 'other',
    });
  }
}

/** The stored run says the GPU device was lost (not the GPU read that failed because of it). */
async function recordDeviceLoss(db: FerDatabase, runId: string, message: string): Promise<void> {
  const run = await writeRunChange(db, { type: 'device-lost', runId, message });
  if (run) post({ type: 'saved', run });
}

async function start(runId: string, backend: ToTrainWorker & { type: 'start' }): Promise<void> {
  controller = new AbortController();
  const signal = controller.signal;
  try {
    const db = await getDb();
    const stored = await getRun(db, runId);
    if (!stored) throw new Error(`No run ${runId} is stored.`);
    const threads = trainingThreads(stored);
    setWasmThreadsOverride(threads?.threads ?? null, threads?.reason);
    // The page's backend, with the page's reason: not "requested by the setting" when no
    // setting was changed (issue 17 item 12).
    const info = await initBackend(backend.backend ?? undefined, {
      preferredReason: backend.backendReason ? inheritedReason(backend.backendReason) : undefined,
    });
    const why = explainBackend(info);
    const environment = runEnvironment(
      { ...info, reason: why },
      describeBackend(info),
      self.navigator.userAgent,
    );
    post({ type: 'backend', backend: info.name, reason: why, device: environment.device });
    let lost: Promise<unknown> | null = null;
    if (info.name === 'webgpu') {
      const deviceLost = (tf.backend() as unknown as LostDevice).device?.lost;
      lost = deviceLost ?? null;
      void deviceLost?.then((l) => {
        const why = [l.reason, l.message].filter(Boolean).join(': ') || 'no reason given';
        controller?.abort(
          new DeviceLostError(
            `The GPU device was lost (${why}). Training stopped at its last checkpoint; reload the page and resume the run.`,
          ),
        );
      });
    }
    const run = await runTraining(runId, {
      db,
      source: idbFrameSource(db, { cacheBytes: undefined }),
      environment,
      signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onSaved: (r) => post({ type: 'saved', run: r }),
    }).catch(async (e: unknown) => {
      // A lost device may surface first as a failed GPU read, before device.lost resolves:
      // give it a moment, and if it was the loss, say so in the run record too.
      if (lost) await Promise.race([lost, new Promise((r) => setTimeout(r, 2000))]);
      const reason: unknown = signal.reason;
      if (!(reason instanceof DeviceLostError)) throw e;
      await recordDeviceLoss(db, runId, reason.message);
      throw reason;
    });
    post({ type: 'finished', run });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const kind =
      e instanceof DeviceLostError
        ? 'device-lost'
        : e instanceof StorageError
          ? 'storage'
          : e instanceof RunDataError
            ? 'data'
            : 'other';
    post({ type: 'error', runId, message, kind });
  } finally {
    controller = null;
  }
}

/** The worker's messages; the automation build's wrapper (src/automation/train/worker.ts) calls it too. */
export function handleTrainMessage(msg: ToTrainWorker): void {
  // Before the backend starts: the run's environment reads the mode ('auto' resolved by backend).
  if (msg.type === 'start' || msg.type === 'measure') setKernelMode(msg.kernels);
  if (msg.type === 'start') void start(msg.runId, msg);
  else if (msg.type === 'measure') void measure(msg.requests, msg.backend);
  else controller?.abort('pause'); // 'pause': stop after the current batch
}

self.onmessage = (ev: MessageEvent<ToTrainWorker>) => {
  handleTrainMessage(ev.data);
};
