import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/params';
import { hasRawKernels, installRawKernels, MAX_POOL_GRAD } from './rawKernels';
import { installMissingGradients } from './wasmGrads';

// FerMaxPoolGrad against tfjs's CPU gradient of maxPool (its own MaxPoolGrad kernel), on random
// inputs with and without ties (after a ReLU many window entries are 0). The same routing rule
// (first maximum in row-major order) sends each dy to the same place; where windows overlap, the
// sums there are in another order. Stated tolerance: max |ours - cpu| / max |cpu| < 1e-6.
const REL_TOL = 1e-6;

function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs((got[i] ?? NaN) - (want[i] ?? NaN)));
    scale = Math.max(scale, Math.abs(want[i] ?? 0));
  }
  return diff / scale;
}
function values(shape: number[], seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r() - 1);
}

const CASES = [
  { name: '3x3/2 pad 1 after relu (ties), the stem pool', h: 8, k: 3, s: 2, pad: 1, relu: true },
  { name: '3x3/2 pad 1, odd size', h: 9, k: 3, s: 2, pad: 1, relu: false },
  { name: '3x3/2 valid', h: 9, k: 3, s: 2, pad: 0, relu: false },
  { name: '2x2/2 valid', h: 8, k: 2, s: 2, pad: 0, relu: true },
  { name: '3x3/1 same', h: 7, k: 3, s: 1, pad: 'same', relu: true },
] as const;

async function maxPoolGrad(backend: string, c: (typeof CASES)[number]): Promise<Float32Array> {
  await tf.setBackend(backend);
  const shape = [2, c.h, c.h, 5];
  return tf.tidy(() => {
    const x = tf.tensor4d(values(shape, 3), shape as [number, number, number, number]);
    const pool = (a: tf.Tensor4D) => tf.maxPool(c.relu ? tf.relu(a) : a, c.k, c.s, c.pad);
    const yShape = pool(x).shape;
    const r = tf.tensor(values([...yShape], 4), yShape);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D), r)));
    return g(x).dataSync() as Float32Array;
  });
}

describe('FerMaxPoolGrad (JavaScript over the backend memory)', () => {
  beforeAll(() => {
    installMissingGradients();
    installRawKernels();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is registered for wasm and cpu only, and used where the stock gradient is not', async () => {
    expect(tf.getKernel(MAX_POOL_GRAD, 'wasm')).toBeDefined();
    expect(tf.getKernel(MAX_POOL_GRAD, 'cpu')).toBeDefined();
    await tf.setBackend('wasm');
    expect(hasRawKernels()).toBe(true);
    const x = tf.relu(tf.randomNormal<tf.Rank.R4>([1, 6, 6, 2], 0, 1, 'float32', 1));
    const { kernels } = await tf.profile(() =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 3, 2, 1)))(x),
    );
    expect(kernels.map((k) => k.name)).toContain(MAX_POOL_GRAD);
    x.dispose();
  });

  for (const c of CASES)
    it(`${c.name}: wasm matches the CPU backend's own gradient`, async () => {
      const want = await maxPoolGrad('cpu', c); // cpu's MaxPoolGrad: the stock gradient there
      const before = (await tf.setBackend('wasm'), tf.memory().numTensors);
      const got = await maxPoolGrad('wasm', c);
      expect(tf.memory().numTensors).toBe(before);
      expect(relErr(got, want)).toBeLessThan(REL_TOL);
    });

  it('gives the same as the stock kernel when run directly on cpu', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor4d(values([1, 9, 9, 3], 5), [1, 9, 9, 3]);
    const y = tf.maxPool(x, 3, 2, 1);
    const dy = tf.tensor4d(values(y.shape, 6), y.shape);
    const attrs = { filterSize: 3, strides: 2, pad: 1, dimRoundingMode: undefined };
    const ours = tf.engine().runKernel<tf.Tensor>(MAX_POOL_GRAD, { dy, x }, attrs);
    const stock = tf
      .engine()
      .runKernel<tf.Tensor>('MaxPoolGrad', { dy, input: x, output: y }, attrs);
    expect(relErr(ours.dataSync(), stock.dataSync())).toBeLessThan(REL_TOL);
    tf.dispose([x, y, dy, ours, stock]);
  });
});
