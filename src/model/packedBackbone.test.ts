/**
 * The packed backbone (resnet.ts, run when the fused kernels are on) against the stock per-group
 * path on cpu: mode 'fused' runs the packed layout with `groupedConv2d` and the tf-op fold, mode
 * 'tfjs' the per-group one. Stage outputs, logits, every gradient and the batch-norm statistics
 * must agree, in training and in inference.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipInput } from '../automation/model/bench';
import { allowHostVectors } from './batchNorm';
import {
  FUSED_TEST_CONFIG,
  modelPass,
  modelWithBnStats,
  type PassResult,
  relativeError,
} from './fusedTestModel';
import { setKernelMode } from './kernels';
import { disposeModel, type FerModel } from './model';
import { backboneForward, backboneLayers } from './resnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  setKernelMode('auto');
  allowHostVectors(true);
});

const SIZE = FUSED_TEST_CONFIG.backbone?.inputSize ?? 16;

/** A fresh model (same random BN statistics each time) and one pass of it under `mode`. */
async function pass(mode: 'tfjs' | 'fused', training: boolean): Promise<PassResult> {
  const model = modelWithBnStats(31);
  const x = clipInput([1, 2, SIZE, SIZE, 9], 32);
  const y = tf.oneHot(tf.tensor1d([3], 'int32'), model.config.numClasses).toFloat() as tf.Tensor2D;
  try {
    return await modelPass(model, x, y, mode, training);
  } finally {
    tf.dispose([x, y]);
    disposeModel(model);
  }
}

const err = (got: Float32Array | undefined, want: Float32Array | undefined): number =>
  got && want && got.length === want.length ? relativeError(got, want) : Infinity;

/** Kernel name -> calls in `fn` (tf.profile on cpu). */
async function kernelCalls(fn: () => tf.Tensor): Promise<Map<string, number>> {
  const info = await tf.profile(() => fn());
  const calls = new Map<string, number>();
  for (const k of info.kernels) calls.set(k.name, (calls.get(k.name) ?? 0) + 1);
  return calls;
}

function backboneSum(model: FerModel, mode: 'tfjs' | 'fused', training: boolean): tf.Tensor {
  setKernelMode(mode);
  return tf.tidy(() => {
    const x = clipInput([1, 2, SIZE, SIZE, 9], 33).reshape<tf.Tensor4D>([2, SIZE, SIZE, 9]);
    const stages = backboneForward(model.params, model.config.backbone, x, { training });
    return tf.addN(stages.flat().map((t) => tf.sum(t)));
  });
}

describe("packed backbone (mode 'fused') against the per-group path (mode 'tfjs') on cpu", () => {
  describe.each([
    ['training, host batch-norm vectors', true, true],
    ["training, the GPU backends' tensor batch norm", true, false],
    // The host path's inference batch norm reads gamma and beta on the host: no gradient there.
    ['inference (batch norm folded)', false, false],
  ])('%s', (_label, training, host) => {
    it('stage outputs and logits within 1e-5, every gradient within 1e-4, equal statistics', async () => {
      allowHostVectors(host);
      const want = await pass('tfjs', training);
      const got = await pass('fused', training);
      allowHostVectors(true);
      expect(err(got.stages, want.stages)).toBeLessThan(1e-5);
      expect(err(got.logits, want.logits)).toBeLessThan(1e-5);
      expect(err(got.loss, want.loss)).toBeLessThan(1e-5);
      expect([...got.grads.keys()]).toEqual([...want.grads.keys()]);
      expect(want.grads.size).toBeGreaterThan(50);
      const gradErrors = [...want.grads].map(([name, w]) => [name, err(got.grads.get(name), w)]);
      expect(gradErrors.filter(([, e]) => !(Number(e) < 1e-4))).toEqual([]);
      expect([...got.stats.keys()]).toEqual([...want.stats.keys()]);
      for (const [name, w] of want.stats)
        expect(err(got.stats.get(name), w), name).toBeLessThan(1e-6);
      if (training) {
        // The statistics moved (a training forward must update them in both layouts).
        const fresh = modelWithBnStats(31);
        const [name, moved] = [...want.stats][0] ?? ['', new Float32Array()];
        expect(err(moved, fresh.params.get(name).dataSync() as Float32Array)).toBeGreaterThan(1e-3);
        disposeModel(fresh);
      }
    });
  });

  it('runs the packed layout: one batch norm per layer, not one per group', async () => {
    const model = modelWithBnStats(34);
    const stock = await kernelCalls(() => backboneSum(model, 'tfjs', true));
    const packed = await kernelCalls(() => backboneSum(model, 'fused', true));
    setKernelMode('auto');
    const groups = model.config.backbone.regions;
    // Host batch norm: two per-channel sums (AvgPool) per layer and group in the stock path.
    expect(stock.get('AvgPool')).toBe(2 * groups * backboneLayers(model.config.backbone).length);
    expect(packed.get('AvgPool')).toBe(2 * backboneLayers(model.config.backbone).length);
    disposeModel(model);
  });

  it('folds each layer once in inference and reuses the fold while the weights are unchanged', async () => {
    const model = modelWithBnStats(35);
    const layers = backboneLayers(model.config.backbone).length;
    const first = await kernelCalls(() => backboneSum(model, 'fused', false));
    const again = await kernelCalls(() => backboneSum(model, 'fused', false));
    expect(first.get('Rsqrt')).toBe(layers); // one fold (one kernel, one bias) per layer
    expect(again.get('Rsqrt')).toBeUndefined(); // cache hit: no refold
    const v = model.params.get('backbone/stage2/block1/conv2/bn/movingVariance');
    v.assign(tf.mul(v, 2));
    const changed = await kernelCalls(() => backboneSum(model, 'fused', false));
    expect(changed.get('Rsqrt')).toBe(1); // only the changed layer refolds
    setKernelMode('auto');
    disposeModel(model);
  });
});
