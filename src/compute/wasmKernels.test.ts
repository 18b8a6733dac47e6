import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/params';
import { installWasmKernels } from './wasmKernels';

// The wasm BatchMatMul replacement against the CPU backend's product, for every transpose and
// batch layout our model and its gradients use. Stated tolerance: max |wasm - cpu| / max |cpu|
// < 1e-5 (float32 sums of up to 300 products in a different order; measured ~1e-7).
const REL_TOL = 1e-5;

function values(shape: number[], seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r() - 1);
}

async function product(
  backend: string,
  [aShape, bShape]: [number[], number[]],
  transposeA: boolean,
  transposeB: boolean,
): Promise<{ data: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const a = tf.tensor(values(aShape, 1), aShape);
  const b = tf.tensor(values(bShape, 2), bShape);
  const y = tf.matMul(a, b, transposeA, transposeB);
  const out = { data: (await y.data()) as Float32Array, shape: y.shape };
  tf.dispose([a, b, y]);
  return out;
}

const CASES: { name: string; shapes: [number[], number[]]; ta: boolean; tb: boolean }[] = [
  {
    name: 'plain 2-D (stock path)',
    shapes: [
      [37, 20],
      [20, 11],
    ],
    ta: false,
    tb: false,
  },
  {
    name: 'transposeB (attention scores)',
    shapes: [
      [300, 16],
      [24, 16],
    ],
    ta: false,
    tb: true,
  },
  {
    name: 'transposeA (weight gradient)',
    shapes: [
      [300, 16],
      [300, 24],
    ],
    ta: true,
    tb: false,
  },
  {
    name: 'both transposed',
    shapes: [
      [16, 30],
      [24, 16],
    ],
    ta: true,
    tb: true,
  },
  {
    name: 'batched (M L)',
    shapes: [
      [3, 4, 50],
      [3, 50, 8],
    ],
    ta: false,
    tb: false,
  },
  {
    name: 'batched transposeB (M Mᵀ)',
    shapes: [
      [3, 4, 50],
      [3, 4, 50],
    ],
    ta: false,
    tb: true,
  },
  {
    name: 'rank 4 transposeA',
    shapes: [
      [2, 2, 50, 4],
      [2, 2, 50, 8],
    ],
    ta: true,
    tb: false,
  },
  {
    name: 'broadcast batch (stock path)',
    shapes: [
      [1, 5, 6],
      [3, 6, 7],
    ],
    ta: false,
    tb: false,
  },
];

describe('wasm BatchMatMul on XNNPACK for transposed and batched operands', () => {
  beforeAll(async () => {
    installWasmKernels();
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of CASES)
    it(`${c.name}: equals the CPU product`, async () => {
      const want = await product('cpu', c.shapes, c.ta, c.tb);
      const before = (await tf.setBackend('wasm'), tf.memory().numTensors);
      const bytesBefore = tf.memory().numBytes;
      const got = await product('wasm', c.shapes, c.ta, c.tb);
      expect(got.shape).toEqual(want.shape);
      let diff = 0;
      let scale = 0;
      want.data.forEach((w, i) => {
        diff = Math.max(diff, Math.abs((got.data[i] ?? NaN) - w));
        scale = Math.max(scale, Math.abs(w));
      });
      expect(diff / scale).toBeLessThan(REL_TOL);
      // No intermediate is left behind in the engine or in wasm memory.
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.memory().numBytes).toBe(bytesBefore);
      const wasmBytes = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
      expect(wasmBytes).toBe(tf.engine().state.numDataBuffers);
    });

  it('gradients of a matMul agree with the CPU backend', async () => {
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const a = tf.tensor(values([40, 12], 3), [40, 12]);
      const b = tf.tensor(values([9, 12], 4), [9, 12]);
      const r = tf.tensor(values([40, 9], 5), [40, 9]);
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(tf.matMul(x, y, false, true), r)),
      );
      const gs = g([a, b]);
      const out = await Promise.all(gs.map((t) => t.data<'float32'>()));
      tf.dispose([a, b, r, ...gs]);
      return out;
    };
    const want = await grads('cpu');
    const got = await grads('wasm');
    for (let j = 0; j < 2; j++) {
      const w = want[j] ?? new Float32Array();
      const g = got[j] ?? new Float32Array(1);
      let diff = 0;
      let scale = 0;
      w.forEach((v, i) => {
        diff = Math.max(diff, Math.abs((g[i] ?? NaN) - v));
        scale = Math.max(scale, Math.abs(v));
      });
      expect(diff / scale).toBeLessThan(REL_TOL);
    }
  });
});

describe('wasm Slice and SplitV copy only the slice', () => {
  beforeAll(async () => {
    installWasmKernels();
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const shape = [2, 5, 6, 7];
  const x = values(shape, 9);
  const SLICES: { name: string; begin: number[]; size: number[] }[] = [
    { name: 'whole', begin: [0, 0, 0, 0], size: [-1, -1, -1, -1] },
    { name: 'outer axis (contiguous)', begin: [1, 0, 0, 0], size: [1, 5, 6, 7] },
    { name: 'channels (short runs)', begin: [0, 0, 0, 2], size: [2, 5, 6, 3] },
    { name: 'rows and columns', begin: [0, 1, 2, 0], size: [2, 3, 4, 7] },
    { name: 'every axis', begin: [1, 2, 1, 4], size: [1, 2, 5, -1] },
    { name: 'empty', begin: [0, 0, 0, 0], size: [2, 0, 6, 7] },
  ];

  const sliceOn = async (backend: string, begin: number[], sz: number[]) => {
    await tf.setBackend(backend);
    const t = tf.tensor(x, shape);
    const y = tf.slice(t, begin, sz);
    const out = { data: await y.data(), shape: y.shape };
    tf.dispose([t, y]);
    return out;
  };

  for (const c of SLICES)
    it(`slice ${c.name}: equals the CPU slice exactly`, async () => {
      const want = await sliceOn('cpu', c.begin, c.size);
      const got = await sliceOn('wasm', c.begin, c.size);
      expect(got.shape).toEqual(want.shape);
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
    });

  it('split along channels and along the batch equals the CPU split exactly, int32 too', async () => {
    const splitOn = async (backend: string) => {
      await tf.setBackend(backend);
      const t = tf.tensor(x, shape);
      const i = tf.tensor(
        Int32Array.from(x, (v) => Math.round(v * 100)),
        shape,
        'int32',
      );
      const parts = [...tf.split(t, [2, 1, 4], 3), ...tf.split(t, 2, 0), ...tf.split(i, 7, 3)];
      const out = await Promise.all(parts.map(async (p) => [p.shape, Array.from(await p.data())]));
      tf.dispose([t, i, ...parts]);
      return out;
    };
    expect(await splitOn('wasm')).toEqual(await splitOn('cpu'));
  });
});

describe('wasm Identity shares the data instead of copying it', () => {
  beforeAll(async () => {
    installWasmKernels();
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a clone reads the same values, outlives its source, and frees the memory with the last one', async () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    const x = tf.tensor(values([4, 5], 11), [4, 5]);
    const want = Array.from(await x.data());
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(ids + 1); // shared, not copied
    x.dispose();
    expect(Array.from(await y.data())).toEqual(want);
    y.dispose();
    expect(backend.numDataIds()).toBe(ids);
  });

  it('tensors saved for the backward pass stay right', async () => {
    const grad = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor(values([3, 7], 12), [3, 7]);
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.square(a), tf.exp(a))))(x);
      const out = Array.from(await g.data());
      tf.dispose([x, g]);
      return out;
    };
    const want = await grad('cpu');
    const got = await grad('wasm');
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i] ?? NaN, 5));
  });
});

describe('wasm Cast to the same dtype shares the data', () => {
  beforeAll(async () => {
    installWasmKernels();
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('float32 -> float32 shares; float32 -> int32 still converts', async () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.tensor([1.7, -2.2, 0, 3.5]);
    const ids = backend.numDataIds();
    const same = tf.cast(x, 'float32');
    expect(backend.numDataIds()).toBe(ids);
    const asInt = tf.cast(x, 'int32');
    expect(Array.from(await same.data())).toEqual(Array.from(await x.data()));
    expect(Array.from(await asInt.data())).toEqual([1, -2, 0, 3]);
    tf.dispose([x, same, asInt]);
  });
});
