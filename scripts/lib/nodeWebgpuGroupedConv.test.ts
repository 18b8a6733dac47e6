import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/compute/random';
import {
  GROUPED_CONV_LIMITS,
  checkGroupedConvLimits,
  foldGrid,
  groupedConv2dWebgpu,
  planSplits,
} from '../../src/compute/webgpuGroupedConv';
import { naiveGroupedConv2d, splitGroupedConv } from '../../src/model/groupedConv';
import { relativeError } from '../../src/model/fusedTestModel';
import { SWIFTSHADER_ICD } from './nodeWebgpu';

describe('grouped conv planning (no GPU)', () => {
  it('names each adapter limit it lacks', () => {
    expect(() => checkGroupedConvLimits({ ...GROUPED_CONV_LIMITS })).not.toThrow();
    const short = {
      ...GROUPED_CONV_LIMITS,
      maxComputeWorkgroupStorageSize: 4096,
      maxComputeInvocationsPerWorkgroup: 128,
    };
    expect(() => checkGroupedConvLimits(short)).toThrow(
      /maxComputeWorkgroupStorageSize is 4096.*maxComputeInvocationsPerWorkgroup is 128/,
    );
  });

  it('folds many tiles into two grid dimensions and splits long dW sums', () => {
    expect(foldGrid(100_352, 65_535)).toEqual([50_176, 2]);
    expect(foldGrid(7, 65_535)).toEqual([4, 2]); // y >= 2: never tfjs's 'flatDispatch' variant
    expect(foldGrid(1, 65_535)).toEqual([1, 2]);
    expect(() => foldGrid(10, 3)).toThrow(/maxComputeWorkgroupsPerDimension/);
    // Full-size conv1: 3 tiles x 3 groups, 50k pixels: many splits, each >= 256 pixels, none empty.
    const p = planSplits(9, 128 * 112 * 112, 147 * 96 * 4);
    expect(p.splits).toBeGreaterThan(100);
    expect(p.iters * 16).toBeGreaterThanOrEqual(256);
    expect((p.splits - 1) * p.iters * 16).toBeLessThan(128 * 112 * 112);
    expect(planSplits(9, 60, 100)).toEqual({ splits: 1, iters: 4 });
    expect(planSplits(3, 624, 100).splits).toBe(3);
  });
});

interface Case {
  n: number;
  h: number;
  w: number;
  groups: number;
  cinG: number;
  coutG: number;
  k: number;
  strides: number;
  pad: number;
}
// Sizes not multiples of the 64 x 64 / 128 x 32 tiles or the 16-deep K slices; E has 10 row
// tiles and a dW sum split 3 ways (the reduction program), F 23 K slices; D (70 output channels
// per group: forward, dW) and F (40 input channels: dx) take the 64 x 64 tiles, two column tiles
// in D; the others the 128 x 32 ones.
const CASES: Record<string, Case> = {
  A: { n: 1, h: 9, w: 7, groups: 3, cinG: 5, coutG: 7, k: 3, strides: 1, pad: 1 },
  B: { n: 3, h: 9, w: 7, groups: 3, cinG: 3, coutG: 32, k: 7, strides: 2, pad: 3 },
  C: { n: 3, h: 9, w: 7, groups: 1, cinG: 5, coutG: 7, k: 1, strides: 2, pad: 0 },
  D: { n: 3, h: 9, w: 7, groups: 3, cinG: 3, coutG: 70, k: 3, strides: 2, pad: 1 },
  E: { n: 3, h: 16, w: 13, groups: 3, cinG: 5, coutG: 7, k: 3, strides: 1, pad: 1 },
  F: { n: 1, h: 9, w: 7, groups: 3, cinG: 40, coutG: 32, k: 3, strides: 1, pad: 1 },
};

const rand = (n: number, seed: number) => {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
};

function inputs(c: Case, seed: number) {
  const ho = Math.floor((c.h + 2 * c.pad - c.k) / c.strides) + 1;
  const wo = Math.floor((c.w + 2 * c.pad - c.k) / c.strides) + 1;
  const xShape = [c.n, c.h, c.w, c.groups * c.cinG] as const;
  const kShape = [c.k, c.k, c.cinG, c.groups * c.coutG] as const;
  const dyShape = [c.n, ho, wo, c.groups * c.coutG] as const;
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  return {
    x: rand(size(xShape), seed),
    xShape,
    k: rand(size(kShape), seed + 1),
    kShape,
    dy: rand(size(dyShape), seed + 2),
    dyShape,
    bias: rand(c.groups * c.coutG, seed + 3),
  };
}

type Conv = (x: tf.Tensor4D, k: tf.Tensor4D, c: Case) => tf.Tensor4D;

/** [y, dx, dW, relu(y + bias)] for `c` on the current backend. */
async function run(conv: Conv, fused: Conv, c: Case, seed: number): Promise<Float32Array[]> {
  const d = inputs(c, seed);
  const x = tf.tensor4d(d.x, [...d.xShape]);
  const k = tf.tensor4d(d.k, [...d.kShape]);
  const dy = tf.tensor4d(d.dy, [...d.dyShape]);
  const y = conv(x, k, c);
  const grads = tf.grads((xi: tf.Tensor, ki: tf.Tensor) =>
    conv(xi as tf.Tensor4D, ki as tf.Tensor4D, c),
  )([x, k], dy);
  const yf = fused(x, k, c);
  const out = await Promise.all([y, ...grads, yf].map((t) => t.data())); // y, dx, dW, fused
  tf.dispose([x, k, dy, y, ...grads, yf]);
  return out.map((a) => Float32Array.from(a));
}

const cpuConv: Conv = (x, k, c) => splitGroupedConv(x, k, c);
const cpuFused: Conv = (x, k, c) =>
  tf.tidy(() =>
    tf.relu(tf.add<tf.Tensor4D>(splitGroupedConv(x, k, c), tf.tensor1d(inputs(c, 0).bias))),
  );
const gpuConv: Conv = (x, k, c) => groupedConv2dWebgpu(x, k, c);
const gpuFused: Conv = (x, k, c) =>
  tf.tidy(() =>
    groupedConv2dWebgpu(x, k, { ...c, bias: tf.tensor1d(inputs(c, 0).bias), relu: true }),
  );

/** Counts the backend's dispatches by shaderKey while `fn` runs. */
function countDispatches(fn: () => void): string[] {
  const backend = tf.backend() as unknown as {
    runWebGPUProgram(p: { shaderKey: string }, ...rest: unknown[]): unknown;
  };
  const original = backend.runWebGPUProgram.bind(backend);
  const keys: string[] = [];
  backend.runWebGPUProgram = (p, ...rest) => {
    keys.push(p.shaderKey);
    return original(p, ...rest);
  };
  try {
    fn();
  } finally {
    backend.runWebGPUProgram = original;
  }
  return keys.map((k) => k.replace(/_\d+x\d+$/, '')); // without the tile shape
}

// Dawn + SwiftShader in Node against the CPU backend (1e-4 relative).
describe.skipIf(!existsSync(SWIFTSHADER_ICD))('grouped conv on webgpu (Dawn + SwiftShader)', () => {
  it('forward, dx, dW and bias + ReLU equal the CPU backend; no tensor leaks', async () => {
    await tf.setBackend('cpu');
    const names = Object.keys(CASES);
    const refs = new Map<string, Float32Array[]>();
    for (const [i, name] of names.entries()) {
      const c = CASES[name] as Case;
      const ref = await run(cpuConv, cpuFused, c, 10 * i);
      const d = inputs(c, 10 * i);
      const naive = naiveGroupedConv2d(d.x, d.xShape, d.k, d.kShape, c);
      expect(relativeError(ref[0] ?? new Float32Array(), naive.data)).toBeLessThan(1e-5);
      refs.set(name, ref);
    }
    const { initNodeWebgpu } = await import('./nodeWebgpu');
    await initNodeWebgpu();
    expect(tf.getBackend()).toBe('webgpu');
    for (const [i, name] of names.entries()) {
      const before = tf.memory().numTensors;
      const got = await run(gpuConv, gpuFused, CASES[name] as Case, 10 * i);
      expect(tf.memory().numTensors, `case ${name} leaks`).toBe(before);
      const ref = refs.get(name) ?? [];
      ['y', 'dx', 'dW', 'relu(y + bias)'].forEach((what, j) => {
        const err = relativeError(got[j] ?? new Float32Array(), ref[j] ?? new Float32Array());
        expect(err, `case ${name} ${what}`).toBeLessThan(1e-4);
      });
    }
  }, 120_000);

  it('one dispatch forward, dx one (only when asked) and dW at most two backward; none fused', () => {
    // Every case above (groups 1 and 3, with and without bias + ReLU) ran on 7 compiled shaders:
    // forward, dx and dW in two tile shapes each, and the dW reduction.
    const cache = (tf.backend() as unknown as { pipelineCache: Record<string, unknown> })
      .pipelineCache;
    expect(Object.keys(cache).filter((k) => k.startsWith('fer_gconv'))).toHaveLength(7);
    // Runs after the test above (the shaders are compiled): a dW split once (A) and 3 ways (E).
    for (const [name, dwKeys] of [
      ['A', ['fer_gconv_dw']],
      ['E', ['fer_gconv_dw', 'fer_gconv_dw_reduce']],
    ] as const) {
      const d = inputs(CASES[name] as Case, 1);
      const x = tf.tensor4d(d.x, [...d.xShape]);
      const k = tf.tensor4d(d.k, [...d.kShape]);
      const dy = tf.tensor4d(d.dy, [...d.dyShape]);
      const c = CASES[name] as Case;
      let out: tf.Tensor[] = [];
      expect(countDispatches(() => (out = [groupedConv2dWebgpu(x, k, c)]))).toEqual([
        'fer_gconv_fwd',
      ]);
      tf.dispose(out);
      const keys = countDispatches(() => {
        out = tf.grads((xi: tf.Tensor, ki: tf.Tensor) =>
          groupedConv2dWebgpu(xi as tf.Tensor4D, ki as tf.Tensor4D, c),
        )([x, k], dy);
      });
      tf.dispose(out);
      expect(keys.sort()).toEqual(['fer_gconv_dx', 'fer_gconv_fwd', ...dwKeys].sort());
      // Only the kernel's gradient asked for (the first convolution's case): no dx dispatch.
      const dwOnly = countDispatches(() => {
        out = [tf.grad((ki: tf.Tensor) => groupedConv2dWebgpu(x, ki as tf.Tensor4D, c))(k, dy)];
      });
      tf.dispose(out);
      expect(dwOnly.sort()).toEqual(['fer_gconv_fwd', ...dwKeys].sort());
      const fused = (xi: tf.Tensor, ki: tf.Tensor) =>
        groupedConv2dWebgpu(xi as tf.Tensor4D, ki as tf.Tensor4D, { ...c, relu: true });
      expect(() => tf.grads(fused)([x, k], dy)).toThrow(/no gradient with bias or relu fused/);
      tf.dispose([x, k, dy]);
    }
  }, 60_000);
});
