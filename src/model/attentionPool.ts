/**
 * The two-layer attention form shared by channel attention (Eq. 3-4) and frame attention
 * (Eq. 5-6):
 *
 *   alpha_i = sigmoid(wᵀ ReLU(Wᵀ f_i))          W: l x r, w: r (no biases, as written)
 *   f̂ = Σ_i alpha_i f_i / Σ_i alpha_i           weights normalised by their sum
 *
 * over K items f_1..f_K (regions or frames) of length l. An optional 0/1 mask drops items
 * (padding frames) from both sums.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec } from './params';

export function attentionPoolParamSpecs(
  prefix: string,
  length: number,
  hidden: number,
): ParamSpec[] {
  return [
    {
      name: `${prefix}/W`,
      shape: [length, hidden],
      init: { kind: 'glorotUniform', fanIn: length, fanOut: hidden },
      trainable: true,
    },
    {
      name: `${prefix}/w`,
      shape: [hidden],
      init: { kind: 'glorotUniform', fanIn: hidden, fanOut: 1 },
      trainable: true,
    },
  ];
}

// A type alias (not an interface) so tf.tidy accepts it as a TensorContainer.
export type AttentionPoolOutput = {
  /** Σ alpha_i f_i / Σ alpha_i: [B, l]. */
  pooled: tf.Tensor2D;
  /** alpha_i = sigmoid(...): [B, K], each in (0, 1); 0 where masked. */
  alpha: tf.Tensor2D;
  /** alpha_i / Σ alpha: [B, K], summing to 1 over K. */
  weights: tf.Tensor2D;
};

/** f: [B, K, l], bigW: [l, r], w: [r], mask: [B, K] of 0/1 or null. */
export function attentionPool(
  f: tf.Tensor3D,
  bigW: tf.Tensor2D,
  w: tf.Tensor1D,
  mask: tf.Tensor2D | null,
): AttentionPoolOutput {
  return tf.tidy(() => {
    const [b, k, l] = f.shape;
    const hidden = tf.relu(tf.matMul(f.reshape([b * k, l]), bigW)); // (B K, r) = ReLU(Wᵀ f_i)
    const logit = tf.matMul(hidden, w.reshape([-1, 1])).reshape<tf.Tensor2D>([b, k]); // (B, K) = wᵀ(...)
    let alpha: tf.Tensor2D = tf.sigmoid(logit); // (B, K)
    if (mask) alpha = tf.mul(alpha, mask);
    const weights = tf.div<tf.Tensor2D>(alpha, tf.sum(alpha, 1, true)); // (B, K), rows sum to 1
    const pooled = tf.sum<tf.Tensor2D>(tf.mul(f, weights.expandDims(2)), 1); // (B, l)
    return { pooled, alpha, weights };
  });
}

/** The unweighted (or mask-weighted) mean over K: the ablation rows without attention. */
export function averagePool(f: tf.Tensor3D, mask: tf.Tensor2D | null): tf.Tensor2D {
  return tf.tidy(() => {
    if (!mask) return tf.mean<tf.Tensor2D>(f, 1);
    const weights = tf.div(mask, tf.sum(mask, 1, true)); // (B, K)
    return tf.sum<tf.Tensor2D>(tf.mul(f, weights.expandDims(2)), 1);
  });
}
