/// <reference lib="webworker" />
/**
 * Inference worker: loads a stored or imported model and runs every prediction the Inference
 * and Results tabs ask for (a stored clip, a dropped file's crops, spatial maps), off the UI
 * thread, on the backend the app chose (src/compute/backend.ts). One request at a time, in
 * order; a failed request answers with its error and leaves the loaded model as it was.
 * Protocol: src/inference/protocol.ts.
 */
import { type BackendName, initBackend } from '../src/compute/backend';
import { InferenceEngine } from '../src/inference/engine';
import { setKernelMode } from '../src/model/kernels';
import {
  type FromInferenceWorker,
  replyTransferables,
  type ToInferenceWorker,
} from '../src/inference/protocol';
import { clipAttentionChecked } from '../src/inference/spatial';
import { getDb } from '../src/storage/db';

declare const self: DedicatedWorkerGlobalScope;

let backend: Promise<unknown> | null = null;
const startBackend = async (preferred: BackendName | null): Promise<void> => {
  backend ??= initBackend(preferred ?? undefined).catch((e: unknown) => {
    backend = null;
    throw e;
  });
  await backend;
};

const engine = new InferenceEngine({ db: getDb, initBackend: startBackend });

async function handle(m: ToInferenceWorker): Promise<FromInferenceWorker> {
  const post = (reply: FromInferenceWorker): void => self.postMessage(reply);
  // The page's kernel mode (process-wide here): a request that names a backend names it too.
  if ('kernels' in m) setKernelMode(m.kernels);
  switch (m.type) {
    case 'load-stored':
      return {
        type: 'loaded',
        id: m.id,
        model: await engine.loadStored(m.backend, m.runId, m.phase),
      };
    case 'import':
      return {
        type: 'loaded',
        id: m.id,
        model: await engine.importFiles(m.backend, m.files, m.runId),
      };
    case 'predict-stored':
      return { type: 'prediction', id: m.id, result: await engine.predictStored(m.clip) };
    case 'predict-media':
      return { type: 'prediction', id: m.id, result: await engine.predictMedia(m.frames) };
    case 'evaluate':
      return {
        type: 'evaluated',
        id: m.id,
        record: await engine.evaluate(m.backend, m.stored, m.request, (done, total) =>
          post({ type: 'progress', id: m.id, done, total }),
        ),
      };
    case 'spatial':
      await startBackend(m.backend);
      return {
        type: 'spatial',
        id: m.id,
        result: await clipAttentionChecked(await getDb(), m.runId, m.phase, m.itemId, m.clipKey),
      };
  }
}

let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<ToInferenceWorker>) => {
  const m = ev.data;
  queue = queue.then(async () => {
    let reply: FromInferenceWorker;
    try {
      reply = await handle(m);
    } catch (e) {
      reply =
        e instanceof Error
          ? { type: 'error', id: m.id, message: e.message, name: e.name }
          : { type: 'error', id: m.id, message: String(e) };
    }
    self.postMessage(reply, replyTransferables(reply));
  });
};
