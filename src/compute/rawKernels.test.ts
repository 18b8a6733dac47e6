import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/params';
import {
  hasMaxPoolSimd,
  hasRawKernels,
  installRawKernels,
  MAX_POOL_GRAD,
  setMaxPoolSimdEnabled,
} from './rawKernels';
import { installMissingGradients } from './wasmGrads';
import { relErr } from '../automation/compute/relErr';

// FerMaxPoolGrad against tfjs's CPU gradient of maxPool (its own MaxPoolGrad kernel), on random
// inputs with and without ties (after a ReLU many window entries are 0). The same routing rule
// (first maximum in row-major order) sends each dy to the same place; where windows overlap, the
// sums there are in another order. Stated tolerance: max |ours - cpu| / max |cpu| < 1e-6.
const REL_TOL = 1e-6;

function values(shape: number[], seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r() - 1);
}

// On wasm, C = 5 and 6: one f32x4 group, the rest by the JavaScript loop; C = 32: 4 pairs of
// groups; C = 14: a pair, a single group and a tail.
const CASES = [
  {
    name: '3x3/2 pad 1 after relu (ties), the stem pool',
    h: 8,
    k: 3,
    s: 2,
    pad: 1,
    relu: true,
    c: 5,
  },
  { name: '3x3/2 pad 1, odd size', h: 9, k: 3, s: 2, pad: 1, relu: false, c: 5 },
  { name: '3x3/2 valid', h: 9, k: 3, s: 2, pad: 0, relu: false, c: 5 },
  { name: '2x2/2 valid', h: 8, k: 2, s: 2, pad: 0, relu: true, c: 5 },
  { name: '3x3/1 same', h: 7, k: 3, s: 1, pad: 'same', relu: true, c: 5 },
  { name: '3x3/2 pad 1 after relu, C = 32', h: 12, k: 3, s: 2, pad: 1, relu: true, c: 32 },
  { name: '3x3/2 pad 1 after relu, C = 6 (tail)', h: 9, k: 3, s: 2, pad: 1, relu: true, c: 6 },
  { name: '3x3/2 pad 1, C = 32', h: 11, k: 3, s: 2, pad: 1, relu: false, c: 32 },
  {
    name: '3x3/1 same after relu, C = 14 (pairs, one group, tail)',
    h: 7,
    k: 3,
    s: 1,
    pad: 'same',
    relu: true,
    c: 14,
  },
] as const;

async function maxPoolGrad(backend: string, c: (typeof CASES)[number]): Promise<Float32Array> {
  await tf.setBackend(backend);
  const shape = [2, c.h, c.h, c.c];
  return tf.tidy(() => {
    const x = tf.tensor4d(values(shape, 3), shape as [number, number, number, number]);
    const pool = (a: tf.Tensor4D) => tf.maxPool(c.relu ? tf.relu(a) : a, c.k, c.s, c.pad);
    const yShape = pool(x).shape;
    const r = tf.tensor(values([...yShape], 4), yShape);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D), r)));
    return g(x).dataSync() as Float32Array;
  });
}

/** FerMaxPoolGrad run directly on the active backend, with wasm's SIMD function on or off. */
function runKernel(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: { filterSize: number; strides: number; pad: number | 'same' | 'valid' },
  simd: boolean,
): Float32Array {
  const was = setMaxPoolSimdEnabled(simd);
  try {
    const out = tf.engine().runKernel<tf.Tensor>(MAX_POOL_GRAD, { dy, x }, attrs);
    const got = out.dataSync() as Float32Array;
    out.dispose();
    return got;
  } finally {
    setMaxPoolSimdEnabled(was);
  }
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

  it('runs as the WebAssembly SIMD function on wasm (Node has SIMD), the JS loop on cpu', async () => {
    await tf.setBackend('wasm');
    expect(hasMaxPoolSimd()).toBe(true);
    setMaxPoolSimdEnabled(false);
    expect(hasMaxPoolSimd()).toBe(false);
    setMaxPoolSimdEnabled(true);
    await tf.setBackend('cpu');
    expect(hasMaxPoolSimd()).toBe(false);
  });

  for (const c of CASES)
    it(`${c.name}: wasm (SIMD and JS loop) matches the CPU backend's own gradient`, async () => {
      const want = await maxPoolGrad('cpu', c); // cpu's MaxPoolGrad: the stock gradient there
      const before = (await tf.setBackend('wasm'), tf.memory().numTensors);
      expect(hasMaxPoolSimd()).toBe(true);
      const got = await maxPoolGrad('wasm', c);
      setMaxPoolSimdEnabled(false);
      const js = await maxPoolGrad('wasm', c).finally(() => setMaxPoolSimdEnabled(true));
      expect(tf.memory().numTensors).toBe(before);
      expect(relErr(got, want)).toBeLessThan(REL_TOL);
      // The same routing and the same order of sums: identical.
      expect(Array.from(got)).toEqual(Array.from(js));
    });

  it('NaN wins only as the first tap; ties go to the first maximum (one window, 4 lanes)', async () => {
    // Taps in row-major order; per lane (channel) the values at taps 0-3.
    const taps = [
      [NaN, 1, 2, 0], // first tap NaN: it keeps the maximum (nothing is > NaN)
      [1, NaN, 3, 3], // a later NaN never wins; the first 3 does
      [0, 0, 0, 0], // all tied: the first tap
      [-1, 5, 5, NaN],
    ];
    const x = Float32Array.from({ length: 16 }, (_, i) => taps[i % 4]?.[Math.floor(i / 4)] ?? 0);
    const want = [10, 0, 30, 0, 0, 0, 0, 40, 0, 20, 0, 0, 0, 0, 0, 0];
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' as const };
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const xt = tf.tensor4d(x, [1, 2, 2, 4]);
      const dy = tf.tensor4d([10, 20, 30, 40], [1, 1, 1, 4]);
      for (const simd of [true, false])
        expect(Array.from(runKernel(xt, dy, attrs, simd)), `${backend} ${simd}`).toEqual(want);
      tf.dispose([xt, dy]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('NaNs and ties in larger inputs (C = 6, 32): wasm SIMD = wasm JS loop = cpu', async () => {
    for (const c of [6, 32]) {
      const shape: [number, number, number, number] = [2, 11, 11, c];
      const data = values(shape, 7).map((v, i) => (i % 37 === 0 ? NaN : Math.max(v, 0)));
      const attrs = { filterSize: 3, strides: 2, pad: 1 };
      const dyShape: [number, number, number, number] = [2, 6, 6, c];
      const results: Float32Array[] = [];
      for (const [backend, simd] of [
        ['wasm', true],
        ['wasm', false],
        ['cpu', false],
      ] as const) {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const x = tf.tensor4d(data, shape);
        const dy = tf.tensor4d(values(dyShape, 8), dyShape);
        results.push(runKernel(x, dy, attrs, simd));
        tf.dispose([x, dy]);
        expect(tf.memory().numTensors).toBe(before);
      }
      const [simd, js, cpu] = results as [Float32Array, Float32Array, Float32Array];
      expect(simd.some((v) => v !== 0)).toBe(true);
      expect(Array.from(simd)).toEqual(Array.from(js));
      expect(Array.from(simd)).toEqual(Array.from(cpu));
    }
  });

  it('gives the same as the stock kernel when run directly on cpu', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor4d(values([1, 9, 9, 3], 5), [1, 9, 9, 3]);
    const y = tf.maxPool(x, 3, 2, 1);
    const dy = tf.tensor4d(values(y.shape, 6), y.shape);
    const attrs = { filterSize: 3, strides: 2, pad: 1 };
    const ours = tf.engine().runKernel<tf.Tensor>(MAX_POOL_GRAD, { dy, x }, attrs);
    const stock = tf
      .engine()
      .runKernel<tf.Tensor>('MaxPoolGrad', { dy, input: x, output: y }, attrs);
    expect(relErr(ours.dataSync(), stock.dataSync())).toBeLessThan(REL_TOL);
    tf.dispose([x, y, dy, ours, stock]);
  });
});
