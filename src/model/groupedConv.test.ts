import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  blockDiagonalGroupedConv,
  groupedConv2d,
  naiveGroupedConv2d,
  setGroupedConvImplementation,
  splitGroupedConv,
} from './groupedConv';
import { mulberry32 } from './params';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function random(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

describe('groupedConv2d', () => {
  afterEach(() => {
    setGroupedConvImplementation(splitGroupedConv);
  });

  it('gives hand-computed sums for a 3x3 all-ones input with one kernel value per group', () => {
    // x: 1 x 3 x 3 x 3 of ones; group g's 3x3 kernel is all (g + 1); pad 1, stride 1.
    // Each output sums the kernel over the in-bounds window: centre 9, edge 6, corner 4 cells.
    const x = tf.ones<tf.Rank.R4>([1, 3, 3, 3]);
    const k = new Float32Array(3 * 3 * 1 * 3);
    for (let i = 0; i < k.length; i++) k[i] = (i % 3) + 1;
    const kernel = tf.tensor4d(k, [3, 3, 1, 3]);
    for (const impl of [splitGroupedConv, blockDiagonalGroupedConv]) {
      const y = impl(x, kernel, { groups: 3, strides: 1, pad: 1 });
      expect(y.shape).toEqual([1, 3, 3, 3]);
      const v = y.arraySync()[0] ?? [];
      expect(v[1]?.[1]).toEqual([9, 18, 27]);
      expect(v[0]?.[1]).toEqual([6, 12, 18]);
      expect(v[0]?.[0]).toEqual([4, 8, 12]);
      y.dispose();
    }
    tf.dispose([x, kernel]);
  });

  it('keeps groups apart: group 2 output ignores group 1 input', () => {
    // x channel 0 (group 0) = 5, channel 1 (group 1) = 0; 1x1 kernels of 1: out = [5, 0].
    const x = tf.tensor4d([5, 0], [1, 1, 1, 2]);
    const kernel = tf.tensor4d([1, 1], [1, 1, 1, 2]);
    const y = groupedConv2d(x, kernel, { groups: 2, strides: 1, pad: 0 });
    expect(Array.from(y.dataSync())).toEqual([5, 0]);
    tf.dispose([x, kernel, y]);
  });

  it.each([
    { name: 'conv1 7x7/2 pad 3', h: 13, cinG: 3, cout: 6, k: 7, s: 2, p: 3, groups: 3 },
    { name: '3x3/1 pad 1', h: 6, cinG: 2, cout: 6, k: 3, s: 1, p: 1, groups: 3 },
    { name: '3x3/2 pad 1', h: 7, cinG: 4, cout: 12, k: 3, s: 2, p: 1, groups: 3 },
    { name: '1x1/2 downsample', h: 6, cinG: 2, cout: 9, k: 1, s: 2, p: 0, groups: 3 },
    { name: 'ungrouped', h: 5, cinG: 3, cout: 4, k: 3, s: 1, p: 1, groups: 1 },
  ])('matches the naive reference within 1e-4: $name', ({ h, cinG, cout, k, s, p, groups }) => {
    const xShape = [2, h, h, cinG * groups] as const;
    const kShape = [k, k, cinG, cout] as const;
    const xv = random(
      xShape.reduce((a, b) => a * b, 1),
      1,
    );
    const kv = random(
      kShape.reduce((a, b) => a * b, 1),
      2,
    );
    const ref = naiveGroupedConv2d(xv, xShape, kv, kShape, { groups, strides: s, pad: p });
    const x = tf.tensor4d(xv, [...xShape]);
    const kernel = tf.tensor4d(kv, [...kShape]);
    for (const impl of [splitGroupedConv, blockDiagonalGroupedConv]) {
      const y = impl(x, kernel, { groups, strides: s, pad: p });
      expect(y.shape).toEqual(ref.shape);
      expect(maxAbsDiff(y.dataSync(), ref.data)).toBeLessThan(1e-4);
      y.dispose();
    }
    tf.dispose([x, kernel]);
  });

  it('split and block-diagonal implementations have the same gradients', () => {
    const x = tf.tensor4d(random(2 * 5 * 5 * 6, 3), [2, 5, 5, 6]);
    const kernel = tf.tensor4d(random(3 * 3 * 2 * 6, 4), [3, 3, 2, 6]);
    const grads = [splitGroupedConv, blockDiagonalGroupedConv].map((impl) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.square(impl(a as tf.Tensor4D, b as tf.Tensor4D, { groups: 3, strides: 2, pad: 1 })),
        ),
      )([x, kernel]),
    );
    const [gs, gb] = grads;
    expect(maxAbsDiff(gs?.[0]?.dataSync() ?? [], gb?.[0]?.dataSync() ?? [1])).toBeLessThan(1e-4);
    expect(maxAbsDiff(gs?.[1]?.dataSync() ?? [], gb?.[1]?.dataSync() ?? [1])).toBeLessThan(1e-4);
    tf.dispose([x, kernel, ...(gs ?? []), ...(gb ?? [])]);
  });

  it('routes through the installed implementation', () => {
    let calls = 0;
    setGroupedConvImplementation((x, k, o) => {
      calls += 1;
      return splitGroupedConv(x, k, o);
    });
    const x = tf.ones<tf.Rank.R4>([1, 2, 2, 3]);
    const k = tf.ones<tf.Rank.R4>([1, 1, 1, 3]);
    tf.dispose(groupedConv2d(x, k, { groups: 3, strides: 1, pad: 0 }));
    expect(calls).toBe(1);
    tf.dispose([x, k]);
  });

  it('rejects a kernel whose in-depth does not match channels / groups', () => {
    const x = tf.ones<tf.Rank.R4>([1, 2, 2, 9]);
    const k = tf.ones<tf.Rank.R4>([1, 1, 2, 3]);
    expect(() => groupedConv2d(x, k, { groups: 3, strides: 1, pad: 0 })).toThrow(/groups/);
    tf.dispose([x, k]);
  });
});
