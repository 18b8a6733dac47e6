/**
 * One optimisation step on one batch: forward in training mode, loss, gradients of the
 * trainable variables, update. Leaves no tensor behind except the returned loss.
 */
import * as tf from '@tensorflow/tfjs';
import { type LossOptions, modelLoss } from '../../model/loss';
import { type FerModel, forward } from '../../model/model';

export interface TrainStepOptions extends LossOptions {
  dropoutSeed?: number;
  frameMask?: tf.Tensor2D | null;
}

/** Returns the total loss of the batch before the update (caller disposes it). */
export function trainStep(
  model: FerModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor5D,
  targets: tf.Tensor2D,
  opts: TrainStepOptions = {},
): tf.Scalar {
  const loss = optimizer.minimize(
    () => {
      const out = forward(model, x, {
        training: true,
        dropoutSeed: opts.dropoutSeed,
        frameMask: opts.frameMask ?? null,
      });
      // Everything but the returned loss (attention maps, logits, penalty parts) is disposed by
      // the tidy that tfjs runs the forward function in; the backward pass uses its own copies.
      return modelLoss(model.config, out, targets, opts).total;
    },
    true,
    model.params.trainable(),
  );
  if (!loss) throw new Error('optimizer.minimize returned no loss');
  return loss;
}
