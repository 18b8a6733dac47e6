/**
 * One optimisation step (paper Sec. 4.1): forward in training mode, class-weighted
 * cross-entropy + the attention penalty, Adam update. Unlike src/model/trainStep.ts it also
 * hands back the batch's predicted classes, for the running training accuracy.
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

/** One-hot rows for class indices. */
export function oneHotRows(labels: readonly number[], classes: number): number[][] {
  return labels.map((l) => Array.from({ length: classes }, (_, c) => (c === l ? 1 : 0)));
}
