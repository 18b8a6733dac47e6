import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from '../model/batchNorm';
import { mulberry32 } from '../model/params';
import {
  BN_APPLY,
  BN_DX,
  BN_GRAD_SUMS,
  BN_MOMENTS,
  hasBatchNormSimd,
  installBnKernels,
  setBatchNormSimdEnabled,
} from './bnKernels';
import { relErr } from '../automation/compute/relErr';

// batchNormTraining on wasm with the fused SIMD kernels against the same function with them off
// (the stock-kernel host path) and against the cpu backend: y, dx, dgamma, dbeta and the moments
// given to onMoments. Inputs have a mean of +3 and spread 1 (cancellation in x - mean matters).
// Stated tolerance: max |ours - reference| / max |reference| < 1e-5 for every output (float32
// sums over N H W in another order and grouping; the kernels' sums are float32 per block of 128
// rows added in float64).
const REL_TOL = 1e-5;

type Shape = [number, number, number, number];
const SHAPES: Shape[] = [
  [2, 9, 9, 32],
  [1, 5, 5, 8],
  [3, 4, 4, 6], // one f32x4 group and 2 channels in JavaScript
  [2, 7, 11, 3], // JavaScript only
  [4, 10, 10, 16], // 400 rows: several blocks of rows
];

function values(n: number, seed: number, offset: number, scale: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => offset + scale * (2 * r() - 1));
}

interface Result {
  y: Float32Array;
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  kernels: string[];
}

/** Forward and backward of batchNormTraining on `backend` (weighted sum as the loss). */
async function run(backend: string, shape: Shape, simd: boolean): Promise<Result> {
  await tf.setBackend(backend);
  const was = setBatchNormSimdEnabled(simd);
  try {
    const before = tf.memory().numTensors;
    const size = shape.reduce((a, b) => a * b, 1);
    const c = shape[3];
    const x = tf.tensor4d(values(size, 1, 3, 1), shape);
    const g = tf.tensor1d(values(c, 2, 1, 0.5));
    const b = tf.tensor1d(values(c, 3, 0, 1));
    const w = tf.tensor4d(values(size, 4, 0.2, 1), shape);
    let moments: tf.Tensor1D[] = [];
    const f = (a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(
        tf.mul(
          batchNormTraining(
            a as tf.Tensor4D,
            gg as tf.Tensor1D,
            bb as tf.Tensor1D,
            1e-5,
            (m, v) => {
              moments = [tf.keep(m), tf.keep(v)];
            },
          ),
          w,
        ),
      );
    const profile = await tf.profile(() => {
      const y = batchNormTraining(x, g, b, 1e-5);
      y.dispose();
    });
    const y = batchNormTraining(x, g, b, 1e-5);
    const grads = tf.grads(f)([x, g, b]);
    const read = (t: tf.Tensor | undefined) =>
      (t?.dataSync() as Float32Array | undefined) ?? new Float32Array();
    const result: Result = {
      y: read(y),
      dx: read(grads[0]),
      dgamma: read(grads[1]),
      dbeta: read(grads[2]),
      mean: read(moments[0]),
      variance: read(moments[1]),
      kernels: profile.kernels.map((k) => k.name),
    };
    tf.dispose([x, g, b, w, y, ...grads, ...moments]);
    expect(tf.memory().numTensors).toBe(before);
    return result;
  } finally {
    setBatchNormSimdEnabled(was);
  }
}

const OUTPUTS = ['y', 'dx', 'dgamma', 'dbeta', 'mean', 'variance'] as const;

describe('fused batch norm kernels (wasm SIMD)', () => {
  beforeAll(() => {
    installBnKernels();
  });
  afterAll(async () => {
    setBatchNormSimdEnabled(true);
    await tf.setBackend('cpu');
  });

  it('are registered for wasm; used when wasm has SIMD and they are enabled', async () => {
    for (const k of [BN_MOMENTS, BN_APPLY, BN_GRAD_SUMS, BN_DX])
      expect(tf.getKernel(k, 'wasm')).toBeDefined();
    await tf.setBackend('wasm');
    expect(hasBatchNormSimd()).toBe(true);
    setBatchNormSimdEnabled(false);
    expect(hasBatchNormSimd()).toBe(false);
    setBatchNormSimdEnabled(true);
    await tf.setBackend('cpu');
    expect(hasBatchNormSimd()).toBe(false);
  });

  for (const shape of SHAPES)
    it(`[${shape.join(', ')}]: wasm SIMD matches wasm without it and the cpu backend`, async () => {
      const simd = await run('wasm', shape, true);
      const plain = await run('wasm', shape, false);
      const cpu = await run('cpu', shape, true);
      expect(simd.kernels).toContain(BN_MOMENTS);
      expect(simd.kernels).toContain(BN_APPLY);
      expect(simd.kernels).not.toContain('Sub');
      expect(plain.kernels).not.toContain(BN_MOMENTS);
      for (const k of OUTPUTS) {
        expect(relErr(simd[k], plain[k]), `${k} vs wasm without SIMD`).toBeLessThan(REL_TOL);
        expect(relErr(simd[k], cpu[k]), `${k} vs cpu`).toBeLessThan(REL_TOL);
      }
    });

  it('the backward kernels run in the gradient, and the moments agree with float64', async () => {
    await tf.setBackend('wasm');
    const shape: Shape = [2, 9, 9, 32];
    const size = shape.reduce((a, b) => a * b, 1);
    const data = values(size, 5, 3, 1);
    const x = tf.tensor4d(data, shape);
    const g = tf.ones<tf.Rank.R1>([32]);
    const b = tf.zeros<tf.Rank.R1>([32]);
    const { kernels } = await tf.profile(() =>
      tf.grads((a: tf.Tensor) =>
        tf.sum(tf.square(batchNormTraining(a as tf.Tensor4D, g, b, 1e-5))),
      )([x]),
    );
    const names = kernels.map((k) => k.name);
    expect(names).toContain(BN_GRAD_SUMS);
    expect(names).toContain(BN_DX);
    const [meanT, varT] = tf.engine().runKernel<tf.Tensor[]>(BN_MOMENTS, { x });
    const [mean, variance] = [meanT?.dataSync(), varT?.dataSync()];
    const m = size / 32;
    for (let j = 0; j < 32; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += data[i * 32 + j] ?? NaN;
      const mu = s / m;
      let q = 0;
      for (let i = 0; i < m; i++) q += ((data[i * 32 + j] ?? NaN) - mu) ** 2;
      expect(Math.abs((mean?.[j] ?? NaN) - mu) / mu).toBeLessThan(1e-6);
      expect(Math.abs((variance?.[j] ?? NaN) - q / m) / (q / m)).toBeLessThan(1e-5);
    }
    tf.dispose([x, g, b, meanT, varT] as tf.Tensor[]);
  });
});
