import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clipInput } from '../../src/automation/model/bench';
import { createAdam } from '../../src/compute/fusedAdam';
import { batchNormTrainingWebgpu } from '../../src/compute/webgpuBatchNorm';
import { bnLayout } from '../../src/compute/webgpuBnLayout';
import { batchNormTraining } from '../../src/model/batchNorm';
import { mulberry32 } from '../../src/compute/random';
import {
  evalStages,
  FUSED_TEST_CONFIG,
  modelPass,
  modelWithBnStats,
  relativeError,
} from '../../src/model/fusedTestModel';
import { validateModelConfig } from '../../src/model/config';
import { fusedKernelsActive } from '../../src/model/kernels';
import { disposeModel } from '../../src/model/model';
import { backboneLayers } from '../../src/model/resnet';
import { SWIFTSHADER_ICD } from './nodeWebgpu';

// The fused kernels (src/model/kernels.ts) on the webgpu backend, Dawn + SwiftShader in Node,
// against the CPU backend's stock path: tiny shapes (16 px, width 1/16, 2 frames; batch-norm maps
// up to [4, 33, 35, 5]) so it stays around 20 s on the 2-core VM.

interface BnCase {
  name: string;
  shape: [number, number, number, number];
  lo: number;
  hi: number;
  /** Row chunks of the reductions (webgpuBnLayout.ts): several exercise the merge. */
  chunks: number;
}

// Rows and channels not multiples of the 32-channel x 8-row-lane tile; one chunk and several.
const BN_CASES: BnCase[] = [
  { name: '30 rows x 70 channels', shape: [2, 3, 5, 70], lo: -1, hi: 3, chunks: 1 },
  { name: '231 rows x 3 channels', shape: [3, 7, 11, 3], lo: -1, hi: 3, chunks: 4 },
  { name: '646 rows x 100 channels', shape: [2, 17, 19, 100], lo: -2, hi: 1, chunks: 11 },
  { name: '4620 rows x 3 channels', shape: [4, 33, 35, 3], lo: -1, hi: 3, chunks: 73 },
  // Mean 1e3, std 1: E[x^2] - E[x]^2 in float32 would lose the variance (ulp of 1e6 is 0.06).
  {
    name: 'mean 1e3, std 1',
    shape: [4, 33, 35, 5],
    lo: 1e3 - 3 ** 0.5,
    hi: 1e3 + 3 ** 0.5,
    chunks: 73,
  },
];

describe.skipIf(!existsSync(SWIFTSHADER_ICD))(
  'fused kernels on webgpu (Dawn + SwiftShader)',
  () => {
    it('eval-mode backbone equals the CPU stock path (1e-4)', async () => {
      const s = FUSED_TEST_CONFIG.backbone?.inputSize ?? 16;
      const run = async (mode: 'tfjs' | 'fused') => {
        const model = modelWithBnStats(11);
        const x = tf.tidy(() => clipInput([1, 2, s, s, 9], 12).reshape<tf.Tensor4D>([2, s, s, 9]));
        try {
          return await evalStages(model, x, mode);
        } finally {
          x.dispose();
          disposeModel(model);
        }
      };
      await tf.setBackend('cpu');
      const ref = await run('tfjs');
      const { initNodeWebgpu } = await import('./nodeWebgpu');
      await initNodeWebgpu();
      expect(tf.getBackend()).toBe('webgpu');
      expect(fusedKernelsActive()).toBe(true); // 'auto' picks them on webgpu
      const stock = await run('tfjs');
      const fused = await run('fused');
      expect(relativeError(stock, ref)).toBeLessThan(1e-4);
      expect(relativeError(fused, ref)).toBeLessThan(1e-4);
    }, 120_000);

    it('a training pass of the packed backbone equals the CPU stock path (float32 noise)', async () => {
      const s = FUSED_TEST_CONFIG.backbone?.inputSize ?? 16;
      const run = async (mode: 'tfjs' | 'fused') => {
        const model = modelWithBnStats(13);
        // 2 clips x 2 frames: stages 3-4 are 1x1 at 16 px, and batch norm over only 2 values
        // per channel has a zero input gradient (x̂ = ±1), where relative errors are noise.
        const x = clipInput([2, 2, s, s, 9], 14);
        const y = tf.oneHot(tf.tensor1d([1, 4], 'int32'), model.config.numClasses).toFloat();
        try {
          return await modelPass(model, x, y as tf.Tensor2D, mode, true);
        } finally {
          tf.dispose([x, y]);
          disposeModel(model);
        }
      };
      await tf.setBackend('cpu');
      const ref = await run('tfjs');
      const { initNodeWebgpu } = await import('./nodeWebgpu');
      await initNodeWebgpu();
      // One batch-norm moments dispatch per layer and forward (2 forwards): packed, not per group.
      const backend = tf.backend() as unknown as {
        runWebGPUProgram(p: { shaderKey: string }, ...rest: unknown[]): unknown;
      };
      const original = backend.runWebGPUProgram.bind(backend);
      let moments = 0;
      backend.runWebGPUProgram = (p, ...rest) => {
        if (p.shaderKey.startsWith('fer_bn_moments_part')) moments += 1; // not the chunk merge
        return original(p, ...rest);
      };
      const got = await run('fused');
      backend.runWebGPUProgram = original;
      expect(moments).toBe(
        2 * backboneLayers(validateModelConfig(FUSED_TEST_CONFIG).backbone).length,
      );
      for (const key of ['stages', 'logits', 'loss'] as const)
        expect(relativeError(got[key], ref[key]), key).toBeLessThan(1e-4);
      expect([...got.grads.keys()]).toEqual([...ref.grads.keys()]);
      // Gradients: within 5e-4 of the model's largest gradient, each variable's within 2e-3 of
      // its own largest. Not 1e-4: webgpu's float32 summation order alone puts the stock
      // per-group kernels on webgpu 1.6e-4 (largest gradient) to 6e-4 (a small variable's)
      // from the CPU here (batch norm's backward cancels), and the packed path lies within the
      // same (1.8e-4 to 5.9e-4); a wrong group or channel order is off by O(1).
      let diff = 0;
      let scale = 0;
      const bad = [...ref.grads].filter(([name, w]) => {
        const g = got.grads.get(name);
        if (!g || g.length !== w.length) return true;
        w.forEach((v, i) => {
          diff = Math.max(diff, Math.abs((g[i] ?? NaN) - v));
          scale = Math.max(scale, Math.abs(v));
        });
        return !(relativeError(g, w) < 2e-3);
      });
      expect(bad.map(([name]) => name)).toEqual([]);
      expect(diff / scale).toBeLessThan(5e-4);
      for (const [name, w] of ref.stats)
        expect(relativeError(got.stats.get(name) ?? new Float32Array(), w), name).toBeLessThan(
          1e-4,
        );
    }, 300_000);

    it('training batch norm + ReLU: outputs, moments and gradients equal CPU (1e-4)', async () => {
      const rand = (n: number, seed: number, lo: number, hi: number) => {
        const r = mulberry32(seed);
        return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
      };
      // x uniform in [lo, hi]; width 2 sqrt(3) around 1e3 is mean 1e3, std 1.
      const run = async (webgpu: boolean, relu: boolean, c: BnCase) => {
        const size = tf.util.sizeFromShape(c.shape);
        const ch = c.shape[3];
        const x = tf.tensor4d(rand(size, 1, c.lo, c.hi), c.shape);
        const g = tf.tensor1d(rand(ch, 2, 0.5, 1.5));
        const b = tf.tensor1d(rand(ch, 3, -0.5, 0.5));
        const w = tf.tensor4d(rand(size, 4, -1, 1), c.shape);
        const moments: tf.Tensor1D[] = [];
        const keep = (m: tf.Tensor1D, v: tf.Tensor1D) => moments.push(tf.keep(m), tf.keep(v));
        const f = (xi: tf.Tensor4D, gi: tf.Tensor1D, bi: tf.Tensor1D) => {
          if (webgpu) return batchNormTrainingWebgpu(xi, gi, bi, 1e-5, relu, keep);
          const y = batchNormTraining(xi, gi, bi, 1e-5, keep);
          return relu ? tf.relu(y) : y;
        };
        const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => {
          const [xi, gi, bi] = xs as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
          return tf.sum<tf.Scalar>(tf.mul(f(xi, gi, bi), w));
        })([x, g, b]);
        const out = await Promise.all([value, ...grads, ...moments].map((t) => t.data()));
        tf.dispose([x, g, b, w, value, ...grads, ...moments]);
        return out.map((a) => Float32Array.from(a));
      };
      await tf.setBackend('cpu');
      const ref: Float32Array[][][] = [];
      for (const c of BN_CASES) ref.push([await run(false, true, c), await run(false, false, c)]);
      const { initNodeWebgpu } = await import('./nodeWebgpu');
      await initNodeWebgpu();
      for (const [j, c] of BN_CASES.entries()) {
        const rows = c.shape[0] * c.shape[1] * c.shape[2];
        expect(bnLayout(rows, c.shape[3]).chunks, c.name).toBe(c.chunks);
        const got = [await run(true, true, c), await run(true, false, c)];
        got.forEach((outs, k) => {
          expect(outs).toHaveLength(6); // loss, dx, dgamma, dbeta, mean, variance
          outs.forEach((o, i) => {
            const err = relativeError(o, ref[j]?.[k]?.[i] ?? new Float32Array());
            expect(err, `${c.name}, relu ${k === 0}, output ${i}`).toBeLessThan(1e-4);
          });
        });
      }
    }, 120_000);

    it('training batch norm: 8 dispatches per call for one chunk, 9 for several', async () => {
      const { initNodeWebgpu } = await import('./nodeWebgpu');
      await initNodeWebgpu();
      const backend = tf.backend() as unknown as {
        runWebGPUProgram(p: { shaderKey: string }, ...rest: unknown[]): unknown;
      };
      const original = backend.runWebGPUProgram.bind(backend);
      const counts = [];
      const shapes: [number, number, number, number][] = [
        [2, 3, 5, 70], // one chunk
        [4, 33, 35, 3], // 73 chunks
      ];
      for (const shape of shapes) {
        const [x, dy] = [tf.randomNormal<tf.Rank.R4>(shape), tf.randomNormal<tf.Rank.R4>(shape)];
        const [g, b] = [tf.ones<tf.Rank.R1>([shape[3]]), tf.zeros<tf.Rank.R1>([shape[3]])];
        const keys: string[] = [];
        backend.runWebGPUProgram = (p, ...rest) => {
          keys.push(p.shaderKey);
          return original(p, ...rest);
        };
        const moments: tf.Tensor[] = [];
        const grads = tf.grads((...xs: tf.Tensor[]) => {
          const [xi, gi, bi] = xs as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
          return batchNormTrainingWebgpu(xi, gi, bi, 1e-5, true, (m, v) => {
            moments.push(tf.keep(m), tf.keep(v));
          });
        })([x, g, b], dy);
        backend.runWebGPUProgram = original;
        await Promise.all(grads.map((t) => t.data()));
        tf.dispose([x, dy, g, b, ...grads, ...moments]);
        counts.push(keys.length);
      }
      expect(counts).toEqual([8, 9]);
    }, 120_000);

    it("Adam's three-program update equals tf.train.adam on CPU (1e-5 over 3 steps)", async () => {
      const shapes = [[3, 3, 2, 5], [5], [1], [70]]; // 70: not a multiple of the workgroup (64)
      const rand = (n: number, seed: number, scale: number) => {
        const r = mulberry32(seed);
        return Float32Array.from({ length: n }, () => scale * (2 * r() - 1));
      };
      const run = async (optimizer: tf.AdamOptimizer) => {
        const vars = shapes.map((s, i) => {
          const t = tf.tensor(rand(tf.util.sizeFromShape(s), i, 1), s);
          const v = tf.variable(t);
          t.dispose();
          return v;
        });
        for (let step = 0; step < 3; step++) {
          const grads = vars.map((v, i) =>
            tf.tensor(rand(v.size, 100 * step + i + 7, 0.1), v.shape),
          );
          optimizer.applyGradients(
            vars.map((v, i) => ({ name: v.name, tensor: grads[i] as tf.Tensor })),
          );
          tf.dispose(grads);
        }
        const weights = await optimizer.getWeights();
        const out = [
          ...(await Promise.all(vars.map((v) => v.data()))),
          ...(await Promise.all(weights.map((w) => w.tensor.data()))),
        ].map((a) => Float32Array.from(a));
        tf.dispose(vars);
        optimizer.dispose();
        return out;
      };
      await tf.setBackend('cpu');
      const ref = await run(tf.train.adam(1e-2));
      const { initNodeWebgpu } = await import('./nodeWebgpu');
      await initNodeWebgpu();
      expect(tf.getBackend()).toBe('webgpu');
      // Count the Adam programs' dispatches: the fused path must have run (3 per variable).
      const backend = tf.backend() as unknown as {
        runWebGPUProgram(p: { shaderKey: string }, ...rest: unknown[]): unknown;
      };
      const original = backend.runWebGPUProgram.bind(backend);
      let adamDispatches = 0;
      backend.runWebGPUProgram = (p, ...rest) => {
        if (p.shaderKey.startsWith('fer_adam')) adamDispatches += 1;
        return original(p, ...rest);
      };
      const got = await run(createAdam(1e-2));
      backend.runWebGPUProgram = original;
      expect(adamDispatches).toBe(3 * shapes.length * 3);
      expect(got).toHaveLength(ref.length);
      got.forEach((g, i) => {
        expect(relativeError(g, ref[i] ?? new Float32Array())).toBeLessThan(1e-5);
      });
    }, 120_000);
  },
);
