/**
 * Strided windows of a padded map from contiguous Slices only. wasm's StridedSlice is a generic
 * per-element loop (~0.3 s for one tap of a [2, 114, 114, 96] map here), its Slice is a copy of
 * runs. The padded input, extended to multiples of the stride s, is viewed as
 * [N, Hq, s, Wq * s * C]: rows ky + s * oy are the contiguous Slice at (ky div s, ky mod s), and
 * within them columns kx + s * ox are one Slice of the [Wq, s * C] view.
 */
import * as tf from '@tensorflow/tfjs';

export interface StridedTaps {
  /** xp[:, ky + s * oy, kx + s * ox, :] for oy < ho, ox < wo: [N, ho, wo, C]. */
  tap: (ky: number, kx: number) => tf.Tensor4D;
  /** The padded map's rows and columns divided by s (rounded up). */
  hq: number;
  wq: number;
}

/** Taps of x [N, H, W, C] padded by p on every side with `value`, stride s, output ho x wo. */
export function stridedTaps(
  x: tf.Tensor4D,
  s: number,
  p: number,
  ho: number,
  wo: number,
  value = 0,
): StridedTaps {
  const [n, h, w, c] = x.shape;
  const hq = Math.ceil((h + 2 * p) / s);
  const wq = Math.ceil((w + 2 * p) / s);
  const padH = hq * s - h - p;
  const padW = wq * s - w - p;
  const xp =
    p === 0 && padH === 0 && padW === 0
      ? x
      : tf.pad(
          x,
          [
            [0, 0],
            [p, padH],
            [p, padW],
            [0, 0],
          ],
          value,
        ); // [N, Hq * s, Wq * s, C]
  if (s === 1) return { hq, wq, tap: (ky, kx) => xp.slice([0, ky, kx, 0], [n, ho, wo, c]) };
  const rows = xp.reshape<tf.Tensor4D>([n, hq, s, wq * s * c]);
  return {
    hq,
    wq,
    tap: (ky, kx) =>
      rows
        .slice([0, Math.floor(ky / s), ky % s, 0], [n, ho, 1, wq * s * c])
        .reshape<tf.Tensor3D>([n * ho, wq, s * c])
        .slice([0, Math.floor(kx / s), (kx % s) * c], [n * ho, wo, c])
        .reshape<tf.Tensor4D>([n, ho, wo, c]),
  };
}
