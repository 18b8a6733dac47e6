import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipInput } from '../automation/model/bench';
import { fusedKernelsActive, setKernelMode } from './kernels';
import { disposeModel } from './model';
import { evalStages, FUSED_TEST_CONFIG, modelWithBnStats, relativeError } from './fusedTestModel';
import { backboneForward } from './resnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  setKernelMode('auto');
});

const input = (seed: number): tf.Tensor4D => {
  const s = FUSED_TEST_CONFIG.backbone?.inputSize ?? 16;
  return tf.tidy(() => clipInput([1, 2, s, s, 9], seed).reshape([2, s, s, 9])); // (B n, S, S, 9)
};

describe('fused conv + batch norm (+ ReLU) in inference', () => {
  it("is off on cpu under 'auto' (the cpu/wasm paths stay the stock ones)", () => {
    setKernelMode('auto');
    expect(fusedKernelsActive()).toBe(false);
    setKernelMode('fused');
    expect(fusedKernelsActive()).toBe(true);
    setKernelMode('auto');
  });

  it('gives the stock outputs within 1e-4, and follows changed weights', async () => {
    const model = modelWithBnStats(3);
    const x = input(7);
    const want = await evalStages(model, x, 'tfjs');
    const got = await evalStages(model, x, 'fused');
    expect(relativeError(got, want)).toBeLessThan(1e-4);
    expect(relativeError(got, want)).toBeGreaterThan(0); // the fused path really ran
    // A new variance (as an optimizer or a weight load would assign) must not be served stale.
    const v = model.params.get('backbone/stage1/block1/conv1/bn/movingVariance');
    v.assign(tf.mul(v, 4));
    const want2 = await evalStages(model, x, 'tfjs');
    const got2 = await evalStages(model, x, 'fused');
    expect(relativeError(got2, want2)).toBeLessThan(1e-4);
    expect(relativeError(got2, want)).toBeGreaterThan(1e-3);
    x.dispose();
    disposeModel(model);
  });

  it('keeps no tensors after the model is disposed, and none per call', async () => {
    const before = tf.memory().numTensors;
    const model = modelWithBnStats(4);
    const x = input(8);
    await evalStages(model, x, 'fused');
    const afterFirst = tf.memory().numTensors;
    await evalStages(model, x, 'fused');
    expect(tf.memory().numTensors).toBe(afterFirst);
    x.dispose();
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lets gradients reach the variables under a tape (no cached weights there)', () => {
    const model = modelWithBnStats(5);
    const x = input(9);
    const kernel = model.params.get('backbone/conv1/kernel');
    const loss = (mode: 'tfjs' | 'fused') => {
      setKernelMode(mode);
      const { grads } = tf.variableGrads(() => {
        const stages = backboneForward(model.params, model.config.backbone, x, {
          training: false,
        });
        return tf.addN<tf.Scalar>(stages.flat().map((t) => tf.sum<tf.Scalar>(t)));
      }, [kernel]);
      const g = grads[kernel.name];
      if (!g) throw new Error('no gradient');
      const data = g.dataSync() as Float32Array;
      tf.dispose(Object.values(grads));
      return Float32Array.from(data);
    };
    const want = loss('tfjs');
    const got = loss('fused');
    setKernelMode('auto');
    expect(relativeError(got, want)).toBeLessThan(1e-4);
    x.dispose();
    disposeModel(model);
  });
});
