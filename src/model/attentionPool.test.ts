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
