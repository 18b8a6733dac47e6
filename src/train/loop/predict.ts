/**
 * Prediction without noise (eval mode: batch-norm moving statistics, no dropout, no
 * augmentation): per clip, the class distribution and the attention the views draw. Used for
 * validation every epoch, for the final evaluation and for the teacher's pseudo-labels.
 */
import * as tf from '@tensorflow/tfjs';
import { evaluate } from '../../evaluate/metrics';
import { disposeForwardOutput, type FerModel, forward } from '../../model/model';
import type { ClipLoader } from '../data/loader';
import type { ClipPrediction, EvaluationRecord } from '../run/record';

export interface PredictOptions {
  /** Which label a clip is scored against: its label, or (pool) its hidden label. */
  labelOf?: (clip: { label: number | null; hiddenLabel: number | null }) => number | null;
  signal?: AbortSignal;
}

function rows(values: Float32Array | Int32Array | Uint8Array, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += cols) out.push(Array.from(values.subarray(i, i + cols)));
  return out;
}

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
      const fwd = forward(model, batch.x, { training: false, frameMask: batch.mask });
      const [b, t] = batch.mask.shape;
      const probsT = tf.softmax(fwd.logits);
      const [probs, frameW, regionW, mask] = await Promise.all([
        probsT.data(),
        fwd.attention.frameWeights.data(),
        fwd.attention.regionWeights ? fwd.attention.regionWeights.data() : null,
        batch.mask.data(),
      ]);
      probsT.dispose();
      disposeForwardOutput(fwd);
      const k = model.config.numClasses;
      const probRows = rows(probs, k);
      const regions = model.config.backbone.regions;
      for (let i = 0; i < b; i++) {
        const clip = batch.clips[i];
        if (!clip) continue;
        const p = probRows[i] ?? [];
        const real: number[] = [];
        for (let j = 0; j < t; j++) if ((mask[i * t + j] ?? 0) > 0) real.push(j);
        out.push({
          itemId: clip.itemId,
          key: clip.key,
          label: labelOf(clip),
          predicted: p.indexOf(Math.max(...p)),
          probs: p,
          frames: real.map((j) => batch.frameIndices[i]?.[j] ?? -1),
          frameWeights: real.map((j) => frameW[i * t + j] ?? 0),
          regionWeights: regionW
            ? real.map((j) =>
                Array.from(regionW.subarray((i * t + j) * regions, (i * t + j + 1) * regions)),
              )
            : [],
        });
      }
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
