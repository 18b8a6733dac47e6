/**
 * The UI side of inference: a small typed client of workers/inference.worker.ts. Each call
 * posts one request and resolves with its reply (or rejects with the worker's message). The
 * worker starts on the first call; if it crashes, every pending call rejects, the loaded model
 * is gone, and the next call starts a fresh worker.
 */
import type { ComputeChoice } from '../compute/choice';
import type { CrossEvalRequest, CrossEvaluationRecord } from '../evaluate/crossCorpus';
import {
  type ClipAttention,
  type FromInferenceWorker,
  type InferenceResult,
  type LoadedModelInfo,
  type MediaFrameInput,
  type NamedBytes,
  requestTransferables,
  type StoredClipInput,
  type ToInferenceWorker,
} from './protocol';

type Request = ToInferenceWorker extends infer M
  ? M extends { id: number }
    ? Omit<M, 'id'>
    : never
  : never;

interface Pending {
  resolve: (m: FromInferenceWorker) => void;
  reject: (e: Error) => void;
  /** Interim 'progress' replies (the request stays pending). */
  progress?: (done: number, total: number) => void;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();
const crashListeners = new Set<(message: string) => void>();

/** `listener` runs when the worker crashed (the loaded model is lost). Returns unsubscribe. */
export function onInferenceCrash(listener: (message: string) => void): () => void {
  crashListeners.add(listener);
  return () => crashListeners.delete(listener);
}

function crash(message: string): void {
  worker?.terminate();
  worker = null;
  const waiting = [...pending.values()];
  pending.clear();
  for (const p of waiting) p.reject(new Error(message));
  for (const l of crashListeners) l(message);
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../../workers/inference.worker.ts', import.meta.url), {
    type: 'module',
    name: 'inference',
  });
  w.onmessage = (ev: MessageEvent<FromInferenceWorker>) => {
    const m = ev.data;
    const p = pending.get(m.id);
    if (m.type === 'progress') {
      p?.progress?.(m.done, m.total);
      return;
    }
    pending.delete(m.id);
    if (!p) return;
    if (m.type === 'error') {
      const e = new Error(m.message);
      if (m.name) e.name = m.name;
      p.reject(e);
    } else p.resolve(m);
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    crash(`The inference worker crashed (${ev.message || 'no message'}); load the model again.`);
  };
  w.onmessageerror = () => crash('A message from the inference worker could not be read.');
  worker = w;
  return w;
}

function request<T extends FromInferenceWorker['type']>(
  req: Request,
  expect: T,
  progress?: (done: number, total: number) => void,
): Promise<Extract<FromInferenceWorker, { type: T }>> {
  const id = nextId++;
  const message: ToInferenceWorker = { ...req, id };
  const w = getWorker();
  return new Promise((resolve, reject) => {
    pending.set(id, {
      resolve: (m) => {
        if (m.type === expect) resolve(m as Extract<FromInferenceWorker, { type: T }>);
        else reject(new Error(`The inference worker answered '${m.type}' to '${req.type}'.`));
      },
      reject,
      ...(progress ? { progress } : {}),
    });
    w.postMessage(message, requestTransferables(message));
  });
}

export async function loadStoredModel(
  compute: ComputeChoice,
  runId: string,
  phase: number,
): Promise<LoadedModelInfo> {
  return (await request({ type: 'load-stored', ...compute, runId, phase }, 'loaded')).model;
}

/** Exported weights (the .zip, or model.json with its shards); the bytes are handed over. */
export async function importModel(
  compute: ComputeChoice,
  files: NamedBytes[],
  runId: string | null,
): Promise<LoadedModelInfo> {
  return (await request({ type: 'import', ...compute, files, runId }, 'loaded')).model;
}

export async function predictStoredClip(clip: StoredClipInput): Promise<InferenceResult> {
  return (await request({ type: 'predict-stored', clip }, 'prediction')).result;
}

export async function predictMediaFrames(frames: MediaFrameInput[]): Promise<InferenceResult> {
  return (await request({ type: 'predict-media', frames }, 'prediction')).result;
}

/**
 * A stored phase model (`stored`; the loaded model stays loaded) or else the loaded model on a
 * stored dataset's split (cross-corpus evaluation); the worker stores the record and hands it
 * back. `progress` gets the clips done so far.
 */
export async function evaluateOnDataset(
  compute: ComputeChoice,
  stored: { runId: string; phase: number } | null,
  req: CrossEvalRequest,
  progress?: (done: number, total: number) => void,
): Promise<CrossEvaluationRecord> {
  return (
    await request({ type: 'evaluate', ...compute, stored, request: req }, 'evaluated', progress)
  ).record;
}

/** A phase's stored best model on one clip of its run, with every used stage's maps. */
export async function spatialAttention(
  compute: ComputeChoice,
  runId: string,
  phase: number,
  itemId: string,
  clipKey: string,
): Promise<ClipAttention> {
  return (await request({ type: 'spatial', ...compute, runId, phase, itemId, clipKey }, 'spatial'))
    .result;
}
