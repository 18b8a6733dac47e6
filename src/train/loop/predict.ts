/**
 * Prediction without noise (eval mode: batch-norm moving statistics, no dropout, no
 * augmentation): per clip, the class distribution and the attention the views draw. Used for
 * validation every epoch, for the final evaluation and for the teacher's pseudo-labels.
 */
import * as tf from '@tensorflow/tfjs';
import { evaluate } from '../../evaluate/metrics';
import { forwardBatch } from '../../inference/core';
import type { FerModel } from '../../model/model';
import type { ClipLoader } from '../data/loader';
import type { ClipPrediction, EvaluationRecord } from '../run/record';

export interface PredictOptions {
  /** Which label a clip is scored against: its label, or (pool) its hidden label. */
  labelOf?: (clip: { label: number | null; hiddenLabel: number | null }) => number | null;
  signal?: AbortSignal;
  /** Called after each batch with the clips predicted so far (cross-corpus evaluation). */
  onProgress?: (done: number) => void;
}

/** Every clip of the loader through the shared forward pass (src/inference/core.ts). */
export async function predictClips(
  model: FerModel,
  loader: ClipLoader,
  opts: PredictOptions = {},
): Promise<ClipPrediction[]> {
  const labelOf = opts.labelOf ?? ((c) => c.label);
  const out: ClipPrediction[] = [];
  for await (const batch of loader.epoch(0)) {
    try {
      opts.signal?.throwIfAborted();
      const outputs = await forwardBatch(model, batch);
      outputs.forEach((o, i) => {
        const clip = batch.clips[i];
        if (!clip) return;
        out.push({
          itemId: clip.itemId,
          key: clip.key,
          label: labelOf(clip),
          predicted: o.predicted,
          probs: o.probs,
          frames: o.real.map((j) => o.fed[j] ?? -1),
          frameWeights: o.frameWeights,
          regionWeights: o.regionWeights,
        });
      });
      opts.onProgress?.(out.length);
    } finally {
      tf.dispose([batch.x, batch.mask]);
    }
  }
  return out;
}

/** Metrics of the labelled predictions, with the mean unweighted cross-entropy as the loss. */
export function evaluatePredictions(
  predictions: readonly ClipPrediction[],
  classes: number,
): EvaluationRecord {
  const scored = predictions.filter((p) => p.label !== null);
  const actual = scored.map((p) => p.label ?? 0);
  const ev = evaluate(
    actual,
    scored.map((p) => p.predicted),
    classes,
  );
  const loss =
    scored.length === 0
      ? Number.NaN
      : scored.reduce((s, p) => s - Math.log(Math.max(p.probs[p.label ?? 0] ?? 0, 1e-12)), 0) /
        scored.length;
  return { ...ev, loss, predictions: [...predictions] };
}
