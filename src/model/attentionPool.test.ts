import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attentionPool, averagePool } from './attentionPool';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

describe('channel / frame attention (Eq. 3-6)', () => {
  // Three items f_i of length 2, W = [[1],[0]] (r = 1) and w = [1]:
  // alpha_i = sigmoid(1 * ReLU(f_i[0])): sigmoid(1), sigmoid(0) = 0.5 (ReLU clips -2), sigmoid(0.5).
  const items = [
    [1, 5],
    [-2, 3],
    [0.5, 1],
  ];
  const alphas = [sigmoid(1), 0.5, sigmoid(0.5)];

  it('computes alpha = sigmoid(wᵀ ReLU(Wᵀ f)) and the alpha-normalised average', () => {
    const f = tf.tensor3d([items]);
    const bigW = tf.tensor2d([[1], [0]]);
    const w = tf.tensor1d([1]);
    const out = attentionPool(f, bigW, w, null);
    const s = alphas.reduce((a, b) => a + b, 0);
    const expected = [0, 1].map(
      (k) => items.reduce((a, it, i) => a + (alphas[i] ?? 0) * (it[k] ?? 0), 0) / s,
    );
    Array.from(out.alpha.dataSync()).forEach((a, i) => {
      expect(a).toBeCloseTo(alphas[i] ?? NaN, 6);
    });
    Array.from(out.weights.dataSync()).forEach((a, i) => {
      expect(a).toBeCloseTo((alphas[i] ?? NaN) / s, 6);
    });
    Array.from(out.pooled.dataSync()).forEach((v, k) => {
      expect(v).toBeCloseTo(expected[k] ?? NaN, 6);
    });
    tf.dispose([f, bigW, w, out.alpha, out.weights, out.pooled]);
  });

  it('drops masked items from both sums', () => {
    const f = tf.tensor3d([items]);
    const bigW = tf.tensor2d([[1], [0]]);
    const w = tf.tensor1d([1]);
    const mask = tf.tensor2d([[1, 0, 1]]);
    const out = attentionPool(f, bigW, w, mask);
    const a0 = alphas[0] ?? NaN;
    const a2 = alphas[2] ?? NaN;
    const expected = [(a0 * 1 + a2 * 0.5) / (a0 + a2), (a0 * 5 + a2 * 1) / (a0 + a2)];
    Array.from(out.pooled.dataSync()).forEach((v, k) => {
      expect(v).toBeCloseTo(expected[k] ?? NaN, 6);
    });
    expect(out.weights.dataSync()[1]).toBe(0);
    const avg = averagePool(f, mask);
    expect(Array.from(avg.dataSync())).toEqual([0.75, 3]);
    tf.dispose([f, bigW, w, mask, out.alpha, out.weights, out.pooled, avg]);
  });
});

/** The paper's ratio as written, Σ σ(s) f / Σ σ(s): the reference where it is defined. */
function paperPool(
  f: tf.Tensor3D,
  bigW: tf.Tensor2D,
  w: tf.Tensor1D,
  mask: tf.Tensor2D | null,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, k, l] = f.shape;
    const hidden = tf.relu(tf.matMul(f.reshape([b * k, l]), bigW)); // (B K, r)
    const s = tf.matMul(hidden, w.reshape([-1, 1])).reshape<tf.Tensor2D>([b, k]); // (B, K)
    const alpha = mask ? tf.mul(tf.sigmoid(s), mask) : tf.sigmoid(s); // (B, K)
    const weights = tf.div(alpha, tf.sum(alpha, 1, true)); // (B, K)
    return tf.sum<tf.Tensor2D>(tf.mul(f, weights.expandDims(2)), 1); // (B, l)
  });
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN);

const allFinite = (t: tf.Tensor): boolean => Array.from(t.dataSync()).every(Number.isFinite);

describe('Eq. 4 / Eq. 6 stay finite when every sigmoid underflows', () => {
  // Every item has f[0] = 1, so with W = [[1],[0]] and w = [-200] every score is -200:
  // sigmoid(-200) is 0 in float32 and the paper's ratio is 0 / 0.
  const saturated = (): { f: tf.Tensor3D; bigW: tf.Tensor2D; w: tf.Tensor1D } => ({
    f: tf.tensor3d([
      [
        [1, 5],
        [1, -3],
        [1, 10],
      ],
      [
        [1, 2],
        [1, 4],
        [1, 1000], // masked below
      ],
    ]),
    bigW: tf.tensor2d([[1], [0]]),
    w: tf.tensor1d([-200]),
  });

  it('gives the plain mean of the real items (the limit of the ratio) and finite gradients', () => {
    const { f, bigW, w } = saturated();
    const mask = tf.tensor2d([
      [1, 1, 1],
      [1, 1, 0],
    ]);
    const before = tf.memory().numTensors;
    const out = attentionPool(f, bigW, w, mask);
    expect(Array.from(out.pooled.dataSync())).toEqual([1, 4, 1, 3]);
    expect(Array.from(out.weights.dataSync()).map((v) => +v.toFixed(6))).toEqual([
      0.333333, 0.333333, 0.333333, 0.5, 0.5, 0,
    ]);
    expect(Array.from(out.alpha.dataSync())).toEqual([0, 0, 0, 0, 0, 0]); // sigmoid(-200), as before
    tf.dispose([out.pooled, out.alpha, out.weights]);

    const coef = tf.tensor2d([
      [0.3, -1.2],
      [2, 0.7],
    ]);
    const loss = (ff: tf.Tensor, ww: tf.Tensor, vv: tf.Tensor): tf.Scalar => {
      const o = attentionPool(ff as tf.Tensor3D, ww as tf.Tensor2D, vv as tf.Tensor1D, mask);
      return tf.sum(tf.mul(o.pooled, coef));
    };
    const grads = tf.grads(loss)([f, bigW, w]);
    for (const g of grads) expect(allFinite(g)).toBe(true);
    // The masked item gets no gradient.
    expect((grads[0] as tf.Tensor3D).arraySync()[1]?.[2]).toEqual([0, 0]);
    tf.dispose(grads);
    tf.dispose(coef);
    expect(tf.memory().numTensors).toBe(before);

    // And through tf.variableGrads on the block's weights, as training takes them.
    const vW = tf.variable(bigW);
    const vw = tf.variable(w);
    const { value, grads: vg } = tf.variableGrads(() =>
      tf.tidy(() => tf.sum(attentionPool(f, vW, vw, mask).pooled)),
    );
    expect(allFinite(value)).toBe(true);
    for (const g of Object.values(vg)) expect(allFinite(g)).toBe(true);
    tf.dispose([value, ...Object.values(vg), vW, vw, f, bigW, w, mask]);
  });

  it('equals Σ σ f / Σ σ to 1e-6 for ordinary scores, gradients to 1e-5', () => {
    const f = tf.randomNormal<tf.Rank.R3>([3, 4, 5], 0, 1, 'float32', 7);
    const bigW = tf.randomNormal<tf.Rank.R2>([5, 6], 0, 1, 'float32', 8);
    const w = tf.randomNormal<tf.Rank.R1>([6], 0, 1, 'float32', 9);
    const coef = tf.randomNormal<tf.Rank.R2>([3, 5], 0, 1, 'float32', 10);
    for (const mask of [
      null,
      tf.tensor2d([
        [1, 1, 1, 1],
        [1, 0, 1, 0],
        [0, 0, 1, 0],
      ]),
    ]) {
      const before = tf.memory().numTensors;
      const out = attentionPool(f, bigW, w, mask);
      const ref = paperPool(f, bigW, w, mask);
      expect(maxAbsDiff(out.pooled, ref)).toBeLessThan(1e-6);
      tf.dispose([out.pooled, out.alpha, out.weights, ref]);
      const pool =
        (fn: (...a: tf.Tensor[]) => tf.Tensor) =>
        (ff: tf.Tensor, ww: tf.Tensor, vv: tf.Tensor): tf.Scalar =>
          tf.sum(tf.mul(fn(ff, ww, vv), coef));
      const ours = tf.grads(
        pool(
          (ff, ww, vv) =>
            attentionPool(ff as tf.Tensor3D, ww as tf.Tensor2D, vv as tf.Tensor1D, mask).pooled,
        ),
      )([f, bigW, w]);
      const theirs = tf.grads(
        pool((ff, ww, vv) =>
          paperPool(ff as tf.Tensor3D, ww as tf.Tensor2D, vv as tf.Tensor1D, mask),
        ),
      )([f, bigW, w]);
      ours.forEach((g, i) => {
        expect(maxAbsDiff(g, theirs[i] ?? g.mul(NaN))).toBeLessThan(1e-5);
      });
      tf.dispose([...ours, ...theirs]);
      expect(tf.memory().numTensors).toBe(before);
      if (mask) mask.dispose();
    }
    tf.dispose([f, bigW, w, coef]);
  });

  it('a masked item contributes nothing, even when its own score dominates', () => {
    // r = 2: s = -200 ReLU(f[0]) + 200 ReLU(-f[0]). The real items (f[0] = 1) score -200; the
    // masked item scores +50 (f[0] = -0.25) or -600 (f[0] = 3).
    const bigW = tf.tensor2d([
      [1, -1],
      [0, 0],
    ]);
    const w = tf.tensor1d([-200, 200]);
    const mask = tf.tensor2d([[1, 1, 0]]);
    const clip = (pad: number): tf.Tensor3D =>
      tf.tensor3d([
        [
          [1, 2],
          [1, 6],
          [pad, 1e6],
        ],
      ]);
    const before = tf.memory().numTensors;
    for (const pad of [-0.25, 3]) {
      const f = clip(pad);
      const o = attentionPool(f, bigW, w, mask);
      expect(Array.from(o.pooled.dataSync())).toEqual([1, 4]);
      expect(o.weights.dataSync()[2]).toBe(0);
      expect(o.alpha.dataSync()[2]).toBe(0);
      const g = tf.grad((ff: tf.Tensor) =>
        tf.sum(attentionPool(ff as tf.Tensor3D, bigW, w, mask).pooled),
      )(f) as tf.Tensor3D;
      const rows = g.arraySync()[0] ?? [];
      expect(rows[2]).toEqual([0, 0]);
      expect(rows.flat().every(Number.isFinite)).toBe(true);
      tf.dispose([g, f, o.pooled, o.alpha, o.weights]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([bigW, w, mask]);
  });
});
