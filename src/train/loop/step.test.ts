import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeConfig, TINY_OVERRIDES } from '../../model/config';
import { modelLoss } from '../../model/loss';
import { createModel, disposeModel, forward } from '../../model/model';
import { mulberry32 } from '../../model/params';
import { useFastTestBackend } from '../../automation/compute/testBackend';
import { optimiserStep } from './step';
import { relErr } from '../../automation/compute/relErr';

afterAll(async () => {
  await tf.setBackend('cpu');
});

// Gradient accumulation (optim.microBatch): one step over a batch in slices must equal, update
// for update, the sum of each slice's own gradient of its share of the batch loss. Plain SGD with
// rate 1 makes the update the gradient itself. Stated tolerance: max |diff| / max |reference|
// < 1e-5 over every parameter (float32 sums in another order).
const CONFIG = mergeConfig(TINY_OVERRIDES, { dropout: 0, seed: 5 });
const CLASS_WEIGHTS = [1, 2.5, 0.5, 1, 1, 1, 1];

function batch(clips: number) {
  const r = mulberry32(17);
  const [n, s] = [2, 32];
  const x = tf.tensor5d(
    Float32Array.from({ length: clips * n * s * s * 9 }, () => r()),
    [clips, n, s, s, 9],
  );
  const labels = [1, 2, 1, 0, 2].slice(0, clips);
  const targets = tf.oneHot(tf.tensor1d(labels, 'int32'), 7).toFloat() as tf.Tensor2D;
  const mask = tf.ones<tf.Rank.R2>([clips, n]);
  return { x, targets, mask, labels };
}

describe('optimiserStep with microBatch (gradient accumulation)', () => {
  it('slices of 2 over 5 clips: the update is the sum of the slices’ weighted gradients', async () => {
    await useFastTestBackend();
    const { x, targets, mask } = batch(5);
    const stepped = createModel(CONFIG);
    const sgd = tf.train.sgd(1);
    const before = tf.memory().numTensors;
    const r = await optimiserStep(stepped, sgd, {
      x,
      targets,
      mask,
      classWeights: CLASS_WEIGHTS,
      dropoutSeed: 3,
      microBatch: 2,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.predicted).toHaveLength(5);

    // The reference: each slice's loss share by hand, gradients summed, w - Σ g.
    const ref = createModel(CONFIG);
    const weights = [1, 2, 1, 2, 1].map((_, i) => CLASS_WEIGHTS[[1, 2, 1, 0, 2][i] ?? 0] ?? 0);
    const total = weights.reduce((a, b) => a + b, 0);
    const sums = new Map<string, Float32Array>();
    let loss = 0;
    for (const [start, size] of [
      [0, 2],
      [2, 2],
      [4, 1],
    ] as const) {
      const share = weights.slice(start, start + size).reduce((a, b) => a + b, 0) / total;
      const { value, grads } = tf.variableGrads(() => {
        const out = forward(ref, x.slice(start, size), {
          training: true,
          dropoutSeed: 0,
          frameMask: mask.slice(start, size),
        });
        const p = modelLoss(ref.config, out, targets.slice(start, size), {
          classWeights: CLASS_WEIGHTS,
        });
        const coef = ref.config.spatialAttention.penaltyCoefficient;
        return tf.add<tf.Scalar>(
          tf.mul(p.crossEntropy, share),
          tf.mul(p.penalty, (coef * size) / 5),
        );
      }, ref.params.trainable());
      loss += value.dataSync()[0] ?? NaN;
      for (const [name, g] of Object.entries(grads)) {
        const acc = sums.get(name) ?? new Float32Array(g.size);
        g.dataSync().forEach((v, i) => (acc[i] = (acc[i] ?? 0) + v));
        sums.set(name, acc);
      }
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(r.loss).toBeCloseTo(loss, 5);
    const trainedRef = ref.params.trainable();
    const trained = stepped.params.trainable();
    expect(trained.length).toBe(trainedRef.length);
    trained.forEach((v, i) => {
      const w0 = trainedRef[i];
      const g = w0 ? sums.get(w0.name) : undefined;
      if (!w0 || !g) throw new Error(`no reference for ${v.name}`);
      const want = Float32Array.from(w0.dataSync(), (w, j) => w - (g[j] ?? NaN));
      expect(relErr(v.dataSync() as Float32Array, want), v.name).toBeLessThan(1e-5);
    });
    sgd.dispose();
    disposeModel(stepped);
    disposeModel(ref);
    tf.dispose([x, targets, mask]);
  });

  it('a slice as large as the batch is the plain step', async () => {
    await useFastTestBackend();
    const { x, targets, mask } = batch(3);
    const a = createModel(CONFIG);
    const b = createModel(CONFIG);
    const input = { x, targets, mask, dropoutSeed: 4 };
    const ra = await optimiserStep(a, tf.train.sgd(1), { ...input, microBatch: 3 });
    const rb = await optimiserStep(b, tf.train.sgd(1), { ...input, microBatch: null });
    expect(ra.loss).toBe(rb.loss);
    a.params.trainable().forEach((v, i) => {
      const w = b.params.trainable()[i];
      expect(Array.from(v.dataSync())).toEqual(Array.from(w?.dataSync() ?? []));
    });
    disposeModel(a);
    disposeModel(b);
    tf.dispose([x, targets, mask]);
  });
});
