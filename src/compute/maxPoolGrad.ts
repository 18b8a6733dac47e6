/**
 * Max-pooling's gradient from forward kernels only, for backends whose MaxPoolGrad is missing or
 * wrong (wasm 4.22: 28-33% relative error against CPU for a 3x3/2 pool; src/compute/wasmGrads.test.ts
 * keeps checking). For each window tap, dy goes to the tap holding the window's first maximum
 * (row-major, as tfjs's CPU kernel picks it).
 *
 * Strided taps without StridedSlice (./strided.ts). Going back, the taps with the same
 * (ky mod s, kx mod s) land on one [N, Hq, Wq, C] grid (shifted by the quotients, by padding);
 * the s x s grids are interleaved into the padded input's shape with concat + reshape.
 */
import * as tf from '@tensorflow/tfjs';
import { stridedTaps } from './strided';

/** dx of y = maxPool(x, k, s, symmetric pad p) (square windows and strides). */
export function maxPoolGradByTaps(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  k: number,
  s: number,
  p: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const [, ho, wo] = y.shape;
    const { tap: tapOf, hq, wq } = stridedTaps(x, s, p, ho, wo, -3.4e38);
    let taken: tf.Tensor4D = tf.zerosLike(y); // 1 where a window's maximum has been assigned
    // grids[b][d]: gradient at padded rows b + s * i, columns d + s * j, as [N, Hq, Wq, C].
    const grids: (tf.Tensor4D | null)[][] = Array.from({ length: s }, () =>
      Array.from({ length: s }, () => null),
    );
    for (let ky = 0; ky < k; ky++)
      for (let kx = 0; kx < k; kx++) {
        const isMax: tf.Tensor4D = tf.cast(tf.equal<tf.Tensor4D>(tapOf(ky, kx), y), 'float32');
        const first: tf.Tensor4D = ky === 0 && kx === 0 ? isMax : tf.mul(isMax, tf.sub(1, taken));
        taken = tf.add(taken, first);
        const qy = Math.floor(ky / s);
        const qx = Math.floor(kx / s);
        const g = tf.pad(tf.mul<tf.Tensor4D>(first, dy), [
          [0, 0],
          [qy, hq - ho - qy],
          [qx, wq - wo - qx],
          [0, 0],
        ]); // [N, Hq, Wq, C]
        const row = grids[ky % s] ?? [];
        const prev = row[kx % s] ?? null;
        row[kx % s] = prev === null ? g : tf.add<tf.Tensor4D>(prev, g);
      }
    const zeros = (): tf.Tensor4D => tf.zeros<tf.Rank.R4>([n, hq, wq, c]);
    const rowsBack = grids.map((row) =>
      tf
        .stack(
          row.map((g) => g ?? zeros()),
          3,
        ) // [N, Hq, Wq, s, C]
        .reshape<tf.Tensor4D>([n, hq, 1, wq * s * c]),
    );
    const dxp = tf
      .concat(rowsBack, 2) // [N, Hq, s, Wq * s * C]
      .reshape<tf.Tensor4D>([n, hq * s, wq * s, c]);
    return dxp.slice([0, p, p, 0], [n, h, w, c]); // [N, H, W, C]
  });
}
