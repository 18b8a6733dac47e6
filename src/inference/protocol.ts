/**
 * The one message protocol between the UI side (src/inference/client.ts) and
 * workers/inference.worker.ts. A discriminated union on `type`; every request carries an `id`
 * that its reply repeats:
 *
 *   UI -> worker  {type:'load-stored', id, backend, kernels, runId, phase}   a run's phase model
 *                 (every request that names a backend also names the kernel mode, `kernels`)
 *                 {type:'import', id, backend, files}                 exported weights (bytes transferred)
 *                 {type:'predict-stored', id, clip}                   a stored clip, the loaded model
 *                 {type:'predict-media', id, frames}                  a dropped file's chosen crops
 *                 {type:'spatial', id, backend, runId, phase, itemId, clipKey} a phase's maps on one clip
 *                 {type:'evaluate', id, backend, stored, request}    a model on a dataset split
 *   worker -> UI  {type:'loaded', id, model}                          what is loaded now
 *                 {type:'prediction', id, result}
 *                 {type:'spatial', id, result}                        maps' buffers transferred
 *                 {type:'progress', id, done, total}                  clips evaluated so far (then 'evaluated')
 *                 {type:'evaluated', id, record}                      the stored evaluation record
 *                 {type:'error', id, message}                         the request failed; state kept
 *
 * Crops travel as Blobs (a handle: the bytes are not copied). The worker imports nothing from
 * the UI; it runs every forward pass the Inference and Results tabs need, so the main thread
 * never runs the full-size model.
 */
import type { BackendName } from '../compute/backend';
import type { KernelMode } from '../model/kernelModes';
import type { ModelConfig } from '../model/config';
import type { Region } from '../preprocess/types';
import type { CrossEvalRequest, CrossEvaluationRecord } from '../evaluate/crossCorpus';
import type { ClipStageMaps } from './core';

/** A loaded model, as the UI shows it. */
export interface LoadedModelInfo {
  source: string;
  /** The run it came from (a stored model), else null. */
  runId: string | null;
  /** The phase of that run it is (a stored model), else null (imported weights). */
  phase: number | null;
  config: ModelConfig;
  params: number;
}

export interface InferenceResult {
  probs: number[];
  predicted: number;
  /** Per fed frame: the frame-attention weight (Eq. 6) and the region weights (Eq. 4). */
  frameWeights: number[];
  regionWeights: number[][];
  /** What each fed frame was: a stored frame index, or the sampled frame of the media. */
  frames: number[];
  ms: number;
  backend: string;
}

/** A stored clip as its prediction names it: the frames that were fed, in order. */
export interface StoredClipInput {
  itemId: string;
  key: string;
  frames: number[];
}

/** One chosen frame of a dropped file: its index in the media and its encoded crops. */
export interface MediaFrameInput {
  frameIndex: number;
  crops: Record<Region, Blob>;
}

export interface ClipAttention {
  itemId: string;
  /** Stored frame indices fed (real frames first; padding repeats are marked by mask 0). */
  frames: number[];
  mask: number[];
  regions: number;
  hops: number;
  maps: ClipStageMaps[];
  probs: number[];
  /** Over the real frames only, as ClipPrediction stores them. */
  frameWeights: number[];
  regionWeights: number[][];
  /** The worker's tf.memory().numTensors before and after (equal when nothing leaked). */
  tensorsBefore: number;
  tensorsAfter: number;
}

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export type ToInferenceWorker =
  | {
      type: 'load-stored';
      id: number;
      backend: BackendName | null;
      kernels: KernelMode;
      runId: string;
      phase: number;
    }
  | {
      type: 'import';
      id: number;
      backend: BackendName | null;
      kernels: KernelMode;
      files: NamedBytes[];
      /** The run whose class names and stored clips go with the weights, if any. */
      runId: string | null;
    }
  | { type: 'predict-stored'; id: number; clip: StoredClipInput }
  | { type: 'predict-media'; id: number; frames: MediaFrameInput[] }
  | {
      type: 'evaluate';
      id: number;
      backend: BackendName | null;
      kernels: KernelMode;
      /** A stored phase model (loaded for this request only), or null: the loaded model. */
      stored: { runId: string; phase: number } | null;
      request: CrossEvalRequest;
    }
  | {
      type: 'spatial';
      id: number;
      backend: BackendName | null;
      kernels: KernelMode;
      runId: string;
      phase: number;
      itemId: string;
      /** Which of the item's mined clips (ClipPrediction.key). */
      clipKey: string;
    };

export type FromInferenceWorker =
  | { type: 'loaded'; id: number; model: LoadedModelInfo }
  | { type: 'prediction'; id: number; result: InferenceResult }
  | { type: 'spatial'; id: number; result: ClipAttention }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'evaluated'; id: number; record: CrossEvaluationRecord }
  /** `name`: the error's class name ('CrossEvalError': a bad request, not a failure). */
  | { type: 'error'; id: number; message: string; name?: string };

/** The buffers a reply hands over instead of copying. */
export function replyTransferables(m: FromInferenceWorker): Transferable[] {
  return m.type === 'spatial' ? m.result.maps.map((s) => s.values.buffer as ArrayBuffer) : [];
}

/** The buffers a request hands over instead of copying. */
export function requestTransferables(m: ToInferenceWorker): Transferable[] {
  return m.type === 'import' ? m.files.map((f) => f.bytes.buffer as ArrayBuffer) : [];
}
