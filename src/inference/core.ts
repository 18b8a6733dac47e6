/**
 * The one forward pass for prediction (eval mode: batch-norm moving statistics, no dropout):
 * a loader's batch in, per clip the class distribution and the attention the views draw out.
 * Used by validation and pseudo-labelling during training (src/train/loop/predict.ts, so also
 * by the CLI's experiments), by the Inference tab (a stored clip or a dropped file) and by the
 * spatial-attention view (src/inference/spatial.ts): a prediction made anywhere is made here.
 * Every tensor it makes is disposed; the batch's tensors stay the caller's.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeForwardOutput, type FerModel, forward } from '../model/model';
import type { ClipBatch } from '../train/data/loader';

/** One stage's spatial maps (Eq. 1-2) for one clip. */
export interface ClipStageMaps {
  stage: number;
  height: number;
  width: number;
  /** M of the clip: [n, regions, hops, R] flattened row-major; each hop's row sums to 1. */
  values: Float32Array;
}

export interface ClipOutput {
  /** softmax(logits): [classes]. */
  probs: number[];
  predicted: number;
  /** Stored frame index of each of the T fed frames (padding repeats included). */
  fed: number[];
  /** [T] 1 = real frame, 0 = padding. */
  mask: number[];
  /** Positions (0..T-1) of the real frames. */
  real: number[];
  /** Over the real frames: frame weights (Eq. 6) and region weights (Eq. 4, [T_real][regions]). */
  frameWeights: number[];
  regionWeights: number[][];
  /** Per used stage, when asked for (`spatial`); else empty. */
  maps: ClipStageMaps[];
}

export interface ForwardBatchOptions {
  /** Read back the spatial attention maps too (the spatial view; costs a GPU read per stage). */
  spatial?: boolean;
}

/** [B, ...] row i of a flat array, of `size` values per row. */
const row = <T extends Float32Array | Int32Array | Uint8Array>(v: T, i: number, size: number): T =>
  v.subarray(i * size, (i + 1) * size) as T;

export async function forwardBatch(
  model: FerModel,
  batch: Pick<ClipBatch, 'x' | 'mask' | 'frameIndices'>,
  opts: ForwardBatchOptions = {},
): Promise<ClipOutput[]> {
  const fwd = forward(model, batch.x, { training: false, frameMask: batch.mask });
  try {
    const [b, t] = batch.mask.shape;
    const probsT = tf.softmax(fwd.logits);
    const spatial = opts.spatial ? fwd.attention.spatial : [];
    const [probs, frameW, regionW, mask, ...maps] = await Promise.all([
      probsT.data(),
      fwd.attention.frameWeights.data(),
      fwd.attention.regionWeights ? fwd.attention.regionWeights.data() : null,
      batch.mask.data(),
      ...spatial.map((s) => s.m.data()),
    ]).finally(() => probsT.dispose());
    const k = model.config.numClasses;
    const regions = model.config.backbone.regions;
    return Array.from({ length: b }, (_, i) => {
      const p = Array.from(row(probs as Float32Array, i, k));
      const m = Array.from(row(mask as Float32Array, i, t));
      const real = m.flatMap((v, j) => (v > 0 ? [j] : []));
      return {
        probs: p,
        predicted: p.indexOf(Math.max(...p)),
        fed: [...(batch.frameIndices[i] ?? [])],
        mask: m,
        real,
        frameWeights: real.map((j) => frameW[i * t + j] ?? 0),
        regionWeights: regionW
          ? real.map((j) =>
              Array.from(regionW.subarray((i * t + j) * regions, (i * t + j + 1) * regions)),
            )
          : [],
        maps: spatial.map((s, si) => {
          // M: [B, n, regions, hops, R] -> this clip's [n, regions, hops, R].
          const all = maps[si] as Float32Array;
          const size = all.length / b;
          return {
            stage: s.stage,
            height: s.height,
            width: s.width,
            values: Float32Array.from(row(all, i, size)),
          };
        }),
      };
    });
  } finally {
    disposeForwardOutput(fwd);
  }
}
