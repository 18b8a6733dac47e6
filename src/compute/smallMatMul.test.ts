import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/params';
import { relErr } from '../automation/compute/relErr';
import { setSmallMatMulEnabled, smallMatMul } from './smallMatMul';

// The SIMD small-row products called directly on wasm tensors, against the CPU backend's matMul.
// Stated tolerance: max |wasm - cpu| / max |cpu| < 1e-5 (float32 sums of up to 3136 products
// in another order; measured ~1e-7).
const REL_TOL = 1e-5;

function values(shape: number[], seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r() - 1);
}

async function cpuProduct(aShape: number[], bShape: number[], tb: boolean) {
  await tf.setBackend('cpu');
  const [a, b] = [tf.tensor(values(aShape, 1), aShape), tf.tensor(values(bShape, 2), bShape)];
  const y = tf.matMul(a, b, false, tb);
  const out = { data: (await y.data()) as Float32Array, shape: y.shape };
  tf.dispose([a, b, y]);
  return out;
}

/** smallMatMul on wasm tensors; null where it declines. */
async function wasmSmall(aShape: number[], bShape: number[], tb: boolean) {
  await tf.setBackend('wasm');
  const [a, b] = [tf.tensor(values(aShape, 1), aShape), tf.tensor(values(bShape, 2), bShape)];
  const info = smallMatMul(tf.backend(), a, b, tb);
  let out: { data: Float32Array; shape: number[] } | null = null;
  if (info) {
    const y = tf.engine().makeTensorFromTensorInfo(info);
    out = { data: (await y.data()) as Float32Array, shape: y.shape };
    y.dispose();
  }
  tf.dispose([a, b]);
  return out;
}

describe('smallMatMul (wasm SIMD)', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    setSmallMatMulEnabled(true);
    await tf.setBackend('cpu');
  });

  const CASES: { name: string; a: number[]; b: number[]; tb: boolean }[] = [
    {
      name: 'M L, stage 1 sized (2 hops, R 3136, D 32)',
      a: [2, 2, 3136],
      b: [2, 3136, 32],
      tb: false,
    },
    { name: 'M L, 4 rows, 3 batch', a: [3, 4, 50], b: [3, 50, 8], tb: false },
    { name: 'one row', a: [5, 1, 7], b: [5, 7, 12], tb: false },
    { name: 'dv Lᵀ, stage 2 sized', a: [2, 2, 64], b: [2, 784, 64], tb: true },
    { name: 'dots, single batch', a: [3, 12], b: [7, 12], tb: true },
    { name: 'rank 4', a: [2, 2, 2, 20], b: [2, 2, 20, 16], tb: false },
  ];
  for (const c of CASES)
    it(`${c.name}: equals the CPU product`, async () => {
      const want = await cpuProduct(c.a, c.b, c.tb);
      const before = (await tf.setBackend('wasm'), tf.memory().numBytes);
      const got = await wasmSmall(c.a, c.b, c.tb);
      expect(got).not.toBeNull();
      expect(got?.shape).toEqual(want.shape);
      expect(relErr(got?.data ?? new Float32Array(), want.data)).toBeLessThan(REL_TOL);
      expect(tf.memory().numBytes).toBe(before);
    });

  it('declines what it does not do: 5+ rows, lengths not multiples of 4, broadcasts, off', async () => {
    expect(await wasmSmall([2, 5, 8], [2, 8, 8], false)).toBeNull();
    expect(await wasmSmall([2, 2, 8], [2, 8, 6], false)).toBeNull(); // N = 6
    expect(await wasmSmall([2, 2, 10], [2, 6, 10], true)).toBeNull(); // K = 10
    expect(await wasmSmall([2, 2, 8], [2, 9, 8], false)).toBeNull(); // inner sizes differ
    setSmallMatMulEnabled(false);
    expect(await wasmSmall([2, 2, 8], [2, 8, 8], false)).toBeNull();
    setSmallMatMulEnabled(true);
    expect(await wasmSmall([2, 2, 8], [2, 8, 8], false)).not.toBeNull();
  });
});
