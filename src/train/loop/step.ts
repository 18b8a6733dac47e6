/**
 * One optimisation step (paper Sec. 4.1): forward in training mode, class-weighted
 * cross-entropy + the attention penalty, Adam update. Unlike src/automation/model/trainStep.ts (the benches' step) it also
 * hands back the batch's predicted classes, for the running training accuracy.
 *
 * With `microBatch` smaller than the batch, the batch goes through forward and backward in
 * slices of that many clips and their gradients are summed before one update (gradient
 * accumulation): memory follows the slice, not the batch. Each slice's loss is weighted by its
 * share of the batch's class weights (cross-entropy) and of its clips (penalty), so the summed
 * gradient is the batch loss's gradient, except that batch norm sees each slice's statistics
 * (and dropout draws its own mask per slice, from the step's seed).
 */
import * as tf from '@tensorflow/tfjs';
import { modelLoss } from '../../model/loss';
import { type FerModel, forward } from '../../model/model';

export interface StepInput {
  x: tf.Tensor5D;
  /** [B, classes] rows of class probabilities (one-hot or soft pseudo-labels). */
  targets: tf.Tensor2D;
  /** [B, T] 1 = real frame. */
  mask: tf.Tensor2D;
  classWeights?: readonly number[];
  dropoutSeed: number;
  /** Clips per forward/backward pass (gradients accumulated over the batch); null: all. */
  microBatch?: number | null;
}

export interface StepResult {
  loss: number;
  /** Predicted class per clip of the batch. */
  predicted: number[];
}

export async function optimiserStep(
  model: FerModel,
  optimizer: tf.Optimizer,
  input: StepInput,
): Promise<StepResult> {
  const clips = input.x.shape[0];
  const micro = input.microBatch ?? clips;
  if (micro < clips) return accumulatedStep(model, optimizer, input, micro);
  let argmax: tf.Tensor1D | null = null;
  const loss = optimizer.minimize(
    () => {
      const out = forward(model, input.x, {
        training: true,
        dropoutSeed: input.dropoutSeed,
        frameMask: input.mask,
      });
      argmax = tf.keep(tf.argMax<tf.Tensor1D>(out.logits, 1));
      return modelLoss(model.config, out, input.targets, { classWeights: input.classWeights })
        .total;
    },
    true,
    model.params.trainable(),
  );
  if (!loss) throw new Error('optimizer.minimize returned no loss');
  const kept = argmax as tf.Tensor1D | null;
  const [lossValue, predicted] = await Promise.all([
    loss.data(),
    kept ? kept.data() : Promise.resolve(new Int32Array()),
  ]);
  loss.dispose();
  kept?.dispose();
  return { loss: lossValue[0] ?? Number.NaN, predicted: Array.from(predicted) };
}

/** Per clip, the class weight its target row carries (Σ_c t_c w_c), or 1 without weights. */
function clipWeights(targets: tf.Tensor2D, classWeights?: readonly number[]): number[] {
  const rows = targets.arraySync();
  return rows.map((row) =>
    classWeights ? row.reduce((s, t, c) => s + t * (classWeights[c] ?? 0), 0) : 1,
  );
}

/** `optimiserStep` in slices of `micro` clips, gradients summed, one update. */
async function accumulatedStep(
  model: FerModel,
  optimizer: tf.Optimizer,
  input: StepInput,
  micro: number,
): Promise<StepResult> {
  const clips = input.x.shape[0];
  const weights = clipWeights(input.targets, input.classWeights);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const coefficient = model.config.spatialAttention.penaltyCoefficient;
  const trainable = model.params.trainable();
  let sum: tf.NamedTensorMap = {};
  let loss = 0;
  const predicted: number[] = [];
  for (let start = 0, slice = 0; start < clips; start += micro, slice++) {
    const size = Math.min(micro, clips - start);
    const sliceWeight = weights.slice(start, start + size).reduce((a, b) => a + b, 0);
    let argmax: tf.Tensor1D | null = null;
    const { value, grads } = tf.variableGrads(
      () =>
        tf.tidy(() => {
          // the slice's clips (first axis)
          const out = forward(model, tf.slice<tf.Rank.R5, tf.Tensor5D>(input.x, start, size), {
            training: true,
            dropoutSeed: input.dropoutSeed + 7919 * slice,
            frameMask: tf.slice<tf.Rank.R2, tf.Tensor2D>(input.mask, start, size),
          });
          argmax = tf.keep(tf.argMax<tf.Tensor1D>(out.logits, 1));
          const targets = tf.slice<tf.Rank.R2, tf.Tensor2D>(input.targets, start, size);
          const parts = modelLoss(model.config, out, targets, {
            classWeights: input.classWeights,
          });
          // CE = Σ w_i CE_i / Σ w_i over the batch: this slice's weighted mean x its weight share;
          // the penalty is a mean over clips: x the slice's clip share.
          const ce = tf.mul(parts.crossEntropy, totalWeight > 0 ? sliceWeight / totalWeight : 0);
          const penalty = tf.mul(parts.penalty, (coefficient * size) / clips);
          return tf.add<tf.Scalar>(ce, penalty);
        }),
      trainable,
    );
    const next: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) {
      const prev = sum[name];
      next[name] = prev ? tf.add(prev, g) : g;
      if (prev) tf.dispose([prev, g]);
    }
    sum = next;
    loss += (await value.data())[0] ?? Number.NaN;
    value.dispose();
    const kept = argmax as tf.Tensor1D | null;
    if (kept) {
      predicted.push(...(await kept.data()));
      kept.dispose();
    }
  }
  optimizer.applyGradients(sum);
  tf.dispose(Object.values(sum));
  return { loss, predicted };
}

/** One-hot rows for class indices. */
export function oneHotRows(labels: readonly number[], classes: number): number[][] {
  return labels.map((l) => Array.from({ length: classes }, (_, c) => (c === l ? 1 : 0)));
}
