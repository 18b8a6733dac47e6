/**
 * The training objective of Sec. 4.1 ("Implementation Details"): class-weighted cross-entropy
 * plus the spatial-attention penalty ‖M Mᵀ − I‖²_F times a coefficient.
 *
 *   CE = Σ_i w(y_i) CE_i / Σ_i w(y_i),   CE_i = −Σ_c t_ic log softmax(z_i)_c,  w(y_i) = Σ_c t_ic w_c
 *
 * Targets are rows of class probabilities (one-hot labels, or soft pseudo-labels); for one-hot
 * targets this is PyTorch's CrossEntropyLoss(weight=w, reduction='mean').
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config';
import type { ForwardOutput } from './model';

export interface LossOptions {
  /** One weight per class (e.g. inverse class frequency); default all 1. */
  classWeights?: readonly number[];
}

export interface LossParts {
  total: tf.Scalar;
  crossEntropy: tf.Scalar;
  /** The unweighted penalty (coefficient not applied). */
  penalty: tf.Scalar;
}

/** Class weights n_total / (classes x n_c): the usual "balanced" weights from training counts. */
export function balancedClassWeights(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (c > 0 ? total / (counts.length * c) : 0));
}

export function weightedCrossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor2D,
  classWeights?: readonly number[],
): tf.Scalar {
  return tf.tidy(() => {
    const perSample = tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1)); // (B)
    if (!classWeights) return tf.mean(perSample);
    if (classWeights.length !== logits.shape[1])
      throw new Error(
        `classWeights has ${classWeights.length} entries for ${logits.shape[1]} classes`,
      );
    const w = tf.sum(tf.mul(targets, tf.tensor1d([...classWeights])), 1); // (B)
    return tf.div(tf.sum(tf.mul(w, perSample)), tf.sum(w));
  });
}

export function modelLoss(
  config: ModelConfig,
  output: ForwardOutput,
  targets: tf.Tensor2D,
  opts: LossOptions = {},
): LossParts {
  return tf.tidy(() => {
    const crossEntropy = weightedCrossEntropy(output.logits, targets, opts.classWeights);
    const penalty = tf.clone(output.penalty);
    const total = tf.add<tf.Scalar>(
      crossEntropy,
      tf.mul(penalty, config.spatialAttention.penaltyCoefficient),
    );
    return { total, crossEntropy, penalty };
  });
}
