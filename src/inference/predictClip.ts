/**
 * One clip through a model for the Inference tab: the given frames (all fed, in order) read from
 * a frame source by the training loader in eval mode, then the shared forward pass (core.ts).
 * With a stored prediction's frames this reproduces the stored prediction (validation fed
 * exactly those frames through the same code).
 */
import * as tf from '@tensorflow/tfjs';
import type { FerModel } from '../model/model';
import type { ClipRef } from '../train/data/clips';
import type { FrameSource } from '../train/data/source';
import { makeLoader } from '../train/run/data';
import { forwardBatch } from './core';
import type { InferenceResult } from './protocol';

/** A clip of `frames` for the loader (no label: inference). */
export function clipRef(itemId: string, key: string, frames: readonly number[]): ClipRef {
  return {
    itemId,
    datasetId: '',
    key,
    label: null,
    hiddenLabel: null,
    subject: null,
    split: null,
    frames: [...frames],
  };
}

export async function predictClip(
  model: FerModel,
  source: FrameSource,
  clip: ClipRef,
): Promise<InferenceResult> {
  if (clip.frames.length === 0) throw new Error('No frame to predict from.');
  const t0 = performance.now();
  const loader = makeLoader([clip], source, {
    seed: 0,
    streamName: 'inference',
    batchSize: 1,
    // T = the clip's frames: eval sampling then feeds each of them once, in order.
    framesPerClip: clip.frames.length,
    inputSize: model.config.backbone.inputSize,
    mode: 'eval',
    augment: false,
  });
  for await (const batch of loader.epoch(0)) {
    try {
      const [o] = await forwardBatch(model, batch);
      if (!o) break;
      return {
        probs: o.probs,
        predicted: o.predicted,
        frameWeights: o.frameWeights,
        regionWeights: o.regionWeights,
        frames: o.real.map((j) => o.fed[j] ?? -1),
        ms: performance.now() - t0,
        backend: tf.getBackend(),
      };
    } finally {
      tf.dispose([batch.x, batch.mask]);
    }
  }
  throw new Error('No frame to predict from.');
}
