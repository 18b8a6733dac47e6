import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useFastTestBackend } from '../automation/compute/testBackend';
import { allowHostVectors, batchNormTraining, batchNormPerGroup } from './batchNorm';
import { mulberry32 } from './params';

afterAll(async () => {
  await tf.setBackend('cpu');
});

function random(shape: [number, number, number, number] | [number], seed: number, scale = 1) {
  const r = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => scale * (2 * r() - 1) + (shape.length === 4 ? 3 : 1)),
    shape,
  );
}

/** Stock tfjs: autodiff through tf.moments and tf.batchNorm4d. */
function stock(x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, b, g, eps);
}

function relErr(got: tf.Tensor, want: tf.Tensor): number {
  const d = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] ?? NaN;
  const s = tf.max(tf.abs(want)).dataSync()[0] ?? NaN;
  return d / s;
}

// Stated tolerance: relative error (max |diff| / max |reference|) < 1e-5 for y and every gradient
// (float32 sums over N H W = 2 x 6 x 6 in another order).
// 'host': the per-channel arithmetic in JavaScript (wasm, cpu); 'tensor': as tensors (the GPU
// backends' path, run here on the same backends).
describe.each([
  ['cpu', 'host'],
  ['cpu', 'tensor'],
  ['fast', 'host'],
  ['fast', 'tensor'],
])('batchNormTraining on %s, %s path', (which, path) => {
  afterAll(() => allowHostVectors(true));
  it('matches stock tfjs values and gradients (x, gamma, beta), with a non-zero mean', async () => {
    if (which === 'cpu') await tf.setBackend('cpu');
    else await useFastTestBackend();
    allowHostVectors(path === 'host');
    tf.tidy(() => {
      const x = random([2, 6, 6, 5], 1, 2) as tf.Tensor4D;
      const g = random([5], 2) as tf.Tensor1D;
      const b = random([5], 3) as tf.Tensor1D;
      const w = random([2, 6, 6, 5], 4) as tf.Tensor4D;
      const loss = (f: typeof stock) => (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor4D, c as tf.Tensor1D, d as tf.Tensor1D, 1e-5), w));
      const ours = (a: tf.Tensor4D, c: tf.Tensor1D, d: tf.Tensor1D, eps: number) =>
        batchNormTraining(a, c, d, eps);
      expect(relErr(ours(x, g, b, 1e-5), stock(x, g, b, 1e-5))).toBeLessThan(1e-5);
      const want = tf.grads(loss(stock))([x, g, b]);
      const got = tf.grads(loss(ours))([x, g, b]);
      got.forEach((t, i) => {
        const ref = want[i];
        if (!ref) throw new Error('missing reference');
        expect(relErr(t, ref), `gradient ${i}`).toBeLessThan(1e-5);
      });
    });
  });
});

it('reports the batch moments and leaks nothing', async () => {
  await useFastTestBackend();
  const x = random([2, 3, 3, 4], 5) as tf.Tensor4D;
  const g = tf.ones<tf.Rank.R1>([4]);
  const b = tf.zeros<tf.Rank.R1>([4]);
  const before = tf.memory().numTensors;
  let seen: number[] = [];
  const dx = tf.grad((a: tf.Tensor) =>
    tf.sum(
      tf.square(
        batchNormTraining(a as tf.Tensor4D, g, b, 1e-3, (m) => {
          seen = Array.from(m.dataSync());
        }),
      ),
    ),
  )(x);
  dx.dispose();
  expect(tf.memory().numTensors).toBe(before);
  const want = Array.from(tf.tidy(() => tf.mean(x, [0, 1, 2])).dataSync());
  seen.forEach((v, i) => expect(v).toBeCloseTo(want[i] ?? NaN, 5));
  tf.dispose([x, g, b]);
});

describe.each(['host', 'tensor'])('batchNormPerGroup, %s path', (path) => {
  afterAll(() => allowHostVectors(true));
  it('equals one batch norm over the groups side by side, moving statistics included', async () => {
    await useFastTestBackend();
    allowHostVectors(path === 'host');
    const c = 6;
    const x = random([2, 4, 4, c], 7, 2) as tf.Tensor4D;
    const make = () =>
      new Map<string, tf.Variable>([
        ['bn/gamma', tf.variable(random([c], 8))],
        ['bn/beta', tf.variable(random([c], 9))],
        ['bn/movingMean', tf.variable(random([c], 10))],
        ['bn/movingVariance', tf.variable(tf.abs(random([c], 11)))],
      ]);
    const params = (vars: Map<string, tf.Variable>) =>
      ({ get: (n: string) => vars.get(n), variables: vars }) as unknown as Parameters<
        typeof batchNormPerGroup
      >[0];
    const opts = { training: true, momentum: 0.1, epsilon: 1e-5 };
    const one = make();
    const two = make();
    const [whole] = batchNormPerGroup(params(one), 'bn', [x], opts);
    const parts = batchNormPerGroup(params(two), 'bn', tf.split<tf.Tensor4D>(x, 3, 3), opts);
    const joined = tf.concat(parts, 3);
    if (!whole) throw new Error('no output');
    expect(relErr(joined, whole)).toBeLessThan(1e-5);
    for (const name of ['bn/movingMean', 'bn/movingVariance']) {
      const a = one.get(name);
      const b = two.get(name);
      if (!a || !b) throw new Error(name);
      expect(relErr(b, a), name).toBeLessThan(1e-6);
    }
    // the update itself: new = (1 - momentum) old + momentum batch (variance unbiased, n = 32)
    const fresh = make();
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const expectMean = tf.add(tf.mul(fresh.get('bn/movingMean') ?? 0, 0.9), tf.mul(mean, 0.1));
    const expectVar = tf.add(
      tf.mul(fresh.get('bn/movingVariance') ?? 0, 0.9),
      tf.mul(variance, (0.1 * 32) / 31),
    );
    expect(relErr(one.get('bn/movingMean') ?? tf.scalar(NaN), expectMean)).toBeLessThan(1e-5);
    expect(relErr(one.get('bn/movingVariance') ?? tf.scalar(NaN), expectVar)).toBeLessThan(1e-5);
    // inference with the updated statistics agrees too
    const [inf] = batchNormPerGroup(params(one), 'bn', [x], { ...opts, training: false });
    const infParts = batchNormPerGroup(params(two), 'bn', tf.split<tf.Tensor4D>(x, 3, 3), {
      ...opts,
      training: false,
    });
    if (!inf) throw new Error('no output');
    expect(relErr(tf.concat(infParts, 3), inf)).toBeLessThan(1e-5);
  });
});
