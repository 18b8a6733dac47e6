import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupedConv2d, splitGroupedConv } from '../model/groupedConv';
import { mulberry32 } from '../model/params';
import {
  conv2dCustomGrad,
  groupedConvCustomGrad,
  installMissingGradients,
  missingGradKernels,
} from './wasmGrads';
import { relErr } from '../automation/compute/relErr';

// Gradients of our convolutions against TensorFlow.js's own gradients on the CPU backend, on
// random inputs. Stated tolerance: max |custom - reference| / max |reference| < 1e-5 (float32
// sums of up to a few thousand products in a different order; measured ~1e-7 to 1e-6).
const REL_TOL = 1e-5;

/** The convolutions of our network: conv1 7x7/2 pad 3, 3x3/1 and 3x3/2 pad 1, 1x1/2 downsample. */
const CASES = [
  { name: 'conv1 7x7/2 pad 3', n: 2, h: 23, cin: 3, cout: 8, k: 7, s: 2, p: 3 },
  { name: '3x3/1 pad 1', n: 2, h: 9, cin: 5, cout: 6, k: 3, s: 1, p: 1 },
  { name: '3x3/2 pad 1 (odd size)', n: 2, h: 9, cin: 4, cout: 6, k: 3, s: 2, p: 1 },
  { name: '3x3/2 pad 1 (even size)', n: 1, h: 8, cin: 4, cout: 6, k: 3, s: 2, p: 1 },
  { name: '1x1/2 downsample', n: 2, h: 8, cin: 6, cout: 12, k: 1, s: 2, p: 0 },
  { name: '3x3/1 valid', n: 1, h: 7, cin: 2, cout: 3, k: 3, s: 1, p: 0 },
] as const;

/** Seeded values in [-1, 1) kept as plain data, so tensors are made on whichever backend runs. */
interface Values {
  data: Float32Array;
  shape: number[];
}

function random(shape: number[], seed: number): Values {
  const r = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => 2 * r() - 1), shape };
}

const toTensor = (v: Values): tf.Tensor => tf.tensor(v.data, v.shape);

type Grads = { y: Float32Array; dx: Float32Array; dw: Float32Array };

/** y = f(x, w); loss = sum(y * r) so that dy is random too; returns y, dL/dx, dL/dw. */
function gradsOf(
  f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
  xv: Values,
  wv: Values,
  seed: number,
): Grads {
  return tf.tidy(() => {
    const x = toTensor(xv) as tf.Tensor4D;
    const w = toTensor(wv) as tf.Tensor4D;
    const y = f(x, w);
    const r = toTensor(random(y.shape, seed));
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), r)),
    );
    const [dx, dw] = g([x, w]);
    return {
      y: y.dataSync() as Float32Array,
      dx: (dx as tf.Tensor).dataSync() as Float32Array,
      dw: (dw as tf.Tensor).dataSync() as Float32Array,
    };
  });
}

const inputs = CASES.map((c, i) => ({
  c,
  x: random([c.n, c.h, c.h, c.cin], 10 + i),
  w: random([c.k, c.k, c.cin, c.cout], 20 + i),
}));

/** TensorFlow.js's own conv2d gradients on the CPU backend. */
let reference: Grads[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  reference = inputs.map(({ c, x, w }, i) =>
    gradsOf((a, b) => tf.conv2d(a, b, c.s, c.p), x, w, 30 + i),
  );
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('stock wasm, before installMissingGradients', () => {
  it("max-pool's gradient through wasm's own MaxPoolGrad is wrong (drop the substitute when this fails)", async () => {
    const x = random([2, 9, 9, 4], 9);
    const r = random([2, 5, 5, 4], 10);
    const run = () =>
      tf.tidy(() => {
        const g = tf.grad((a: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 3, 2, 1), toTensor(r))),
        );
        return g(toTensor(x)).dataSync() as Float32Array;
      });
    await tf.setBackend('cpu');
    const want = run();
    await tf.setBackend('wasm');
    expect(relErr(run(), want)).toBeGreaterThan(0.01);
  });
});

describe.each([
  { backend: 'cpu', dxByTranspose: false, dwByMatMul: false },
  { backend: 'cpu', dxByTranspose: true, dwByMatMul: true },
  { backend: 'wasm', dxByTranspose: false, dwByMatMul: false },
  { backend: 'wasm', dxByTranspose: true, dwByMatMul: true },
])(
  'conv2dCustomGrad on $backend (dx by transpose: $dxByTranspose, dW by matMul: $dwByMatMul)',
  ({ backend, dxByTranspose, dwByMatMul }) => {
    it.each(CASES.map((c, i) => [c.name, i] as const))('%s matches CPU tf.grads', async (_, i) => {
      expect(await tf.setBackend(backend)).toBe(true);
      const input = inputs[i];
      if (!input) throw new Error('missing input');
      const { c, x, w } = input;
      const want = reference[i];
      if (!want) throw new Error('missing reference');
      const before = tf.memory().numTensors;
      const got = gradsOf(
        (a, b) => conv2dCustomGrad(a, b, c.s, c.p, { dxByTranspose, dwByMatMul }),
        x,
        w,
        30 + i,
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(relErr(got.y, want.y), 'y').toBeLessThan(REL_TOL);
      expect(relErr(got.dx, want.dx), 'dx').toBeLessThan(REL_TOL);
      expect(relErr(got.dw, want.dw), 'dw').toBeLessThan(REL_TOL);
    });
  },
);

describe('grouped convolution gradients', () => {
  it('groups = 3 on wasm match the split grouped conv on CPU', async () => {
    await tf.setBackend('cpu');
    const x = random([2, 11, 11, 9], 1);
    const w = random([3, 3, 3, 12], 2);
    const opts = { groups: 3, strides: 2, pad: 1 };
    const want = gradsOf((a, b) => splitGroupedConv(a, b, opts), x, w, 3);
    await tf.setBackend('wasm');
    const impl = groupedConvCustomGrad();
    const got = gradsOf((a, b) => impl(a, b, opts), x, w, 3);
    expect(relErr(got.dx, want.dx)).toBeLessThan(REL_TOL);
    expect(relErr(got.dw, want.dw)).toBeLessThan(REL_TOL);
  });

  it('the installed implementation lets wasm train a convolution; stock wasm cannot', async () => {
    await tf.setBackend('wasm');
    expect(missingGradKernels()).toEqual(['Conv2DBackpropFilter', 'MaxPoolGrad']);
    const x = random([1, 6, 6, 3], 4);
    const w = random([3, 3, 1, 6], 5);
    const opts = { groups: 3, strides: 1, pad: 1 };
    expect(() => gradsOf((a, b) => splitGroupedConv(a, b, opts), x, w, 6)).toThrow(
      /Conv2DBackpropFilter/,
    );
    installMissingGradients();
    const got = gradsOf((a, b) => groupedConv2d(a, b, opts), x, w, 6);
    await tf.setBackend('cpu');
    expect(missingGradKernels()).toEqual([]);
    const want = gradsOf((a, b) => groupedConv2d(a, b, opts), x, w, 6);
    expect(relErr(got.dw, want.dw)).toBeLessThan(REL_TOL);
  });

  it.each([
    ['3x3/2 pad 1 after relu (ties)', 9, 3, 2, 1, true],
    ['3x3/2 pad 1', 9, 3, 2, 1, false],
    ['3x3/2 pad 1, even size (the stem: 112 -> 56)', 8, 3, 2, 1, true],
    ['3x3/2 valid', 9, 3, 2, 0, false],
    ['2x2/2 valid, even size', 8, 2, 2, 0, false],
    ['3x3/1 pad 1', 7, 3, 1, 1, true],
    ['3x3/3 valid (no overlap)', 9, 3, 3, 0, false],
  ] as const)('max-pool %s gradient on wasm matches CPU', async (_, h, k, s, pad, relu) => {
    const x = random([2, h, h, 4], 7);
    const pool = (a: tf.Tensor4D) => tf.maxPool(relu ? tf.relu(a) : a, k, s, pad);
    const run = () =>
      tf.tidy(() => {
        const xt = toTensor(x);
        const yShape = pool(xt as tf.Tensor4D).shape;
        const r = toTensor(random([...yShape], 8));
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D), r)));
        return g(xt).dataSync() as Float32Array;
      });
    await tf.setBackend('cpu');
    const want = run();
    await tf.setBackend('wasm');
    expect(missingGradKernels()).toContain('MaxPoolGrad');
    const before = tf.memory().numTensors;
    const got = run();
    expect(tf.memory().numTensors).toBe(before);
    // installMissingGradients ran in the test above; it is idempotent.
    installMissingGradients();
    expect(relErr(got, want)).toBeLessThan(REL_TOL);
  });
});

describe('the registered Conv2D gradient (installMissingGradients)', () => {
  it.each(CASES.map((c, i) => [c.name, i] as const))(
    '%s: plain tf.conv2d on wasm matches CPU tf.grads',
    async (_, i) => {
      installMissingGradients();
      expect(await tf.setBackend('wasm')).toBe(true);
      const input = inputs[i];
      const want = reference[i];
      if (!input || !want) throw new Error('missing case');
      const { c, x, w } = input;
      const before = tf.memory().numTensors;
      const got = gradsOf((a, b) => tf.conv2d(a, b, c.s, c.p), x, w, 30 + i);
      expect(tf.memory().numTensors).toBe(before);
      expect(relErr(got.dx, want.dx), 'dx').toBeLessThan(REL_TOL);
      expect(relErr(got.dw, want.dw), 'dw').toBeLessThan(REL_TOL);
    },
  );

  it("'same' padding (symmetric) matches CPU; the weights-only gradient skips dx", async () => {
    installMissingGradients();
    const x = random([2, 9, 9, 3], 40);
    const w = random([3, 3, 3, 4], 41);
    await tf.setBackend('cpu');
    const want = gradsOf((a, b) => tf.conv2d(a, b, 1, 'same'), x, w, 42);
    await tf.setBackend('wasm');
    const got = gradsOf((a, b) => tf.conv2d(a, b, 1, 'same'), x, w, 42);
    expect(relErr(got.dx, want.dx)).toBeLessThan(REL_TOL);
    expect(relErr(got.dw, want.dw)).toBeLessThan(REL_TOL);
    // Only dW requested: no Conv2D runs for dx (forward + the dW convolution only).
    const xt = toTensor(x) as tf.Tensor4D;
    const wt = toTensor(w) as tf.Tensor4D;
    const profile = await tf.profile(() => {
      const dw = tf.grad((b: tf.Tensor) => tf.sum(tf.conv2d(xt, b as tf.Tensor4D, 1, 'same')))(wt);
      dw.dispose();
    });
    expect(profile.kernels.filter((k) => k.name === 'Conv2D').length).toBe(2);
    tf.dispose([xt, wt]);
  });
});
