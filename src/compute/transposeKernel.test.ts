import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/params';
import {
  hasTransposeSimd,
  installTransposeKernel,
  reducePermutation,
  setTransposeSimdEnabled,
  transposePlan,
} from './transposeKernel';

// The SIMD transpose against the stock wasm kernel (switched off) and the cpu backend: a transpose
// only moves elements, so all three must agree bit for bit.

function values(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
}

async function transposed(
  backend: string,
  shape: number[],
  perm: number[],
  dtype: 'float32' | 'int32',
): Promise<{ data: Float32Array | Int32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = values(n, 7);
  const x =
    dtype === 'float32'
      ? tf.tensor(v, shape)
      : tf.tensor(
          Int32Array.from(v, (u) => Math.round(u * 1e6)),
          shape,
          'int32',
        );
  const y = tf.transpose(x, perm);
  const out = { data: (await y.data()) as Float32Array | Int32Array, shape: y.shape };
  tf.dispose([x, y]);
  return out;
}

describe('reducePermutation', () => {
  it('merges axes that stay together and drops size-1 axes', () => {
    // dW's input: [N, H, W, C] -> [C, H, W, N] is [N, HW, C] -> [C, HW, N]
    expect(reducePermutation([8, 56, 56, 32], [3, 1, 2, 0])).toEqual({
      shape: [8, 3136, 32],
      perm: [2, 1, 0],
    });
    // dW's dy: [N, Ho, Wo, C] -> [Ho, Wo, N, C]
    expect(reducePermutation([8, 7, 7, 256], [1, 2, 0, 3])).toEqual({
      shape: [8, 49, 256],
      perm: [1, 0, 2],
    });
    expect(reducePermutation([1, 5, 1, 6], [0, 3, 2, 1])).toEqual({ shape: [5, 6], perm: [1, 0] });
    expect(reducePermutation([3, 4, 5], [0, 1, 2])).toEqual({ shape: [60], perm: [0] });
    expect(reducePermutation([2, 3, 4, 5], [2, 3, 0, 1])).toEqual({ shape: [6, 20], perm: [1, 0] });
  });

  it('leaves no plan for the permutations and sizes it does not handle', () => {
    expect(transposePlan([6, 20], [1, 0])).toBeNull(); // 6 is not a multiple of 4
    expect(transposePlan([4, 4, 4, 4], [3, 1, 0, 2])).toBeNull();
    expect(transposePlan([8, 49, 6], [1, 0, 2])).toBeNull();
    expect(transposePlan([8, 49, 256], [1, 0, 2])).not.toBeNull();
  });
});

describe('wasm Transpose (SIMD)', () => {
  let was = true;
  beforeAll(async () => {
    installTransposeKernel();
    await tf.setBackend('wasm');
  });
  afterAll(() => {
    setTransposeSimdEnabled(was);
  });

  const CASES: [number[], number[]][] = [
    [
      [8, 5, 7, 12],
      [3, 1, 2, 0],
    ], // x for dW (per b an 8 x 12 block)
    [
      [16, 3, 3, 32],
      [3, 1, 2, 0],
    ],
    [
      [8, 6, 5, 16],
      [1, 2, 0, 3],
    ], // dy for dW (runs of 16)
    [
      [12, 3, 3, 20],
      [1, 2, 0, 3],
    ], // dW back: [Cin, kh, kw, Cout] -> [kh, kw, Cin, Cout]
    [
      [3, 3, 12, 20],
      [0, 1, 3, 2],
    ], // a kernel's channel swap (batched 2-D)
    [
      [3, 40, 24],
      [0, 2, 1],
    ], // a matMul operand
    [
      [36, 44],
      [1, 0],
    ],
    [
      [1, 8, 1, 12],
      [3, 2, 1, 0],
    ],
    [
      [6, 10, 7],
      [2, 1, 0],
    ], // sizes not multiples of 4: the stock kernel
    [
      [2, 3, 4, 5],
      [3, 0, 2, 1],
    ], // a permutation without a plan
  ];

  for (const [shape, perm] of CASES)
    for (const dtype of ['float32', 'int32'] as const)
      it(`[${shape.join(', ')}] by [${perm.join(', ')}] (${dtype}) equals stock and cpu`, async () => {
        const cpu = await transposed('cpu', shape, perm, dtype);
        was = setTransposeSimdEnabled(false);
        const stock = await transposed('wasm', shape, perm, dtype);
        setTransposeSimdEnabled(true);
        const fast = await transposed('wasm', shape, perm, dtype);
        expect(fast.shape).toEqual(cpu.shape);
        expect(Array.from(fast.data)).toEqual(Array.from(cpu.data));
        expect(Array.from(stock.data)).toEqual(Array.from(cpu.data));
      });

  it('runs the SIMD functions on wasm here (else the cases above compared stock with stock)', async () => {
    await tf.setBackend('wasm');
    expect(hasTransposeSimd()).toBe(true);
    was = setTransposeSimdEnabled(false);
    expect(hasTransposeSimd()).toBe(false);
    setTransposeSimdEnabled(true);
    await tf.setBackend('cpu');
    expect(hasTransposeSimd()).toBe(false);
  });
});
