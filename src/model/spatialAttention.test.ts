import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { spatialAttentionFromMatrices } from './spatialAttention';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('spatial attention (Eq. 1-2)', () => {
  it('matches hand-computed M, v and penalty on a 3-position, 2-channel map', () => {
    // L (R=3, D=2) = [[1,0],[0,1],[1,1]], Ws1 = I (U=2), Ws2 = I (h=2).
    // Ws1 Lᵀ = Lᵀ, tanh -> [[t,0,t],[0,t,t]] with t = tanh(1); Ws2 keeps it.
    // Row softmax: M = [[e,1,e],[1,e,e]] / Z, e = exp(t), Z = 2e + 1.
    const t = Math.tanh(1);
    const e = Math.exp(t);
    const z = 2 * e + 1;
    const mExpected = [
      [e / z, 1 / z, e / z],
      [1 / z, e / z, e / z],
    ];
    // M L: row 0 = (e[1,0] + [0,1] + e[1,1]) / Z = [2e, 1 + e] / Z; row 1 = [1 + e, 2e] / Z.
    const vExpected = [(2 * e) / z, (1 + e) / z, (1 + e) / z, (2 * e) / z];
    // M Mᵀ: diagonal (2e² + 1)/Z², off-diagonal (2e + e²)/Z².
    const diag = (2 * e * e + 1) / (z * z);
    const off = (2 * e + e * e) / (z * z);
    const penaltyExpected = 2 * (diag - 1) ** 2 + 2 * off ** 2;

    const l = tf.tensor3d([
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    ]);
    const eye = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const out = spatialAttentionFromMatrices(l, eye, eye);
    expect(out.m.shape).toEqual([1, 2, 3]);
    const m = out.m.arraySync()[0] ?? [];
    m.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(v).toBeCloseTo(mExpected[i]?.[j] ?? NaN, 6);
      });
    });
    Array.from(out.v.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(vExpected[i] ?? NaN, 6);
    });
    expect(out.penalty.dataSync()[0]).toBeCloseTo(penaltyExpected, 6);
    tf.dispose([l, eye, out.m, out.v, out.penalty]);
  });

  it('normalises each hop over the R positions and uses Ws1 as U x D, Ws2 as h x U', () => {
    // R = 4, D = 3, U = 5, h = 2, batch 2: random but each row of M must sum to 1.
    const l = tf.randomNormal<tf.Rank.R3>([2, 4, 3], 0, 1, 'float32', 1);
    const ws1 = tf.randomNormal<tf.Rank.R2>([5, 3], 0, 1, 'float32', 2);
    const ws2 = tf.randomNormal<tf.Rank.R2>([2, 5], 0, 1, 'float32', 3);
    const out = spatialAttentionFromMatrices(l, ws1, ws2);
    expect(out.m.shape).toEqual([2, 2, 4]);
    expect(out.v.shape).toEqual([2, 6]);
    const sums = tf.sum(out.m, 2);
    sums.dataSync().forEach((s) => {
      expect(s).toBeCloseTo(1, 6);
    });
    tf.dispose([l, ws1, ws2, out.m, out.v, out.penalty, sums]);
  });

  it('gives penalty 0 for one-hot, non-overlapping hops', () => {
    // Scores so large that each hop picks one distinct position: M ≈ [[1,0],[0,1]], M Mᵀ = I.
    const l = tf.tensor3d([
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    const ws1 = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const ws2 = tf.tensor2d([
      [100, -100],
      [-100, 100],
    ]);
    const out = spatialAttentionFromMatrices(l, ws1, ws2);
    expect(out.penalty.dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([l, ws1, ws2, out.m, out.v, out.penalty]);
  });
});
