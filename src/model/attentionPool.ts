/**
 * The two-layer attention form shared by channel attention (Eq. 3-4) and frame attention
 * (Eq. 5-6):
 *
 *   alpha_i = sigmoid(wᵀ ReLU(Wᵀ f_i))          W: l x r, w: r (no biases, as written)
 *   f̂ = Σ_i alpha_i f_i / Σ_i alpha_i           weights normalised by their sum
 *
 * over K items f_1..f_K (regions or frames) of length l. An optional 0/1 mask drops items
 * (padding frames) from both sums.
 *
 * The ratio is computed as Σ_i u_i f_i / Σ_i u_i with u_i = exp(log σ(s_i) − max_j log σ(s_j))
 * (max over unmasked j): u_i = alpha_i / max_j alpha_j, so the common factor cancels and the
 * value is the paper's wherever that is defined. Written with alpha itself, the sum is exactly 0
 * in float32 once every sigmoid underflows (s_i below about −88 to −104, by backend): 0 / 0;
 * here the largest u is 1, so forward and gradient stay finite (the limit is the plain mean of
 * the items tied at the largest score). log σ(s) = −softplus(−s) (stable).
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
  /** alpha_i = sigmoid(...): [B, K], each in [0, 1] (0 where masked, or where σ underflows). */
  alpha: tf.Tensor2D;
  /** alpha_i / Σ alpha: [B, K], summing to 1 over K (its limit where every alpha underflows). */
  weights: tf.Tensor2D;
};

/** x in the forward pass, no gradient in the backward pass (tfjs has no stop_gradient). */
const stopGradient = tf.customGrad((...inputs) => {
  const x = inputs[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

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
    let alpha: tf.Tensor2D = tf.sigmoid(logit); // (B, K), Eq. 3 / Eq. 5
    if (mask) alpha = tf.mul(alpha, mask);
    // Eq. 4 / Eq. 6 as Σ u f / Σ u, u_i = alpha_i / max_j alpha_j (see the header).
    // log σ(s) = −softplus(−s), from kernels whose gradients keep what they need: tf.logSigmoid's
    // own gradient reads its input after the tidy has freed it (WebGL / WebGPU fail on it).
    const logAlpha = tf.neg(tf.softplus(tf.neg(logit))); // (B, K)
    const real = mask ? tf.greater(mask, 0) : null; // (B, K) bool
    const forMax = real ? tf.where(real, logAlpha, tf.fill([b, k], -Infinity)) : logAlpha;
    // The shift cancels in the ratio: it carries no gradient, and the value is unchanged.
    const shift = stopGradient(tf.max(forMax, 1, true)); // (B, 1) = max over real j of log alpha_j
    const shifted = tf.sub(logAlpha, shift); // (B, K), ≤ 0 on real items, the largest 0
    // Masked items take exp(0) x 0: neither the value nor the gradient meets exp of a large number.
    const u =
      real && mask
        ? tf.mul(tf.exp(tf.where(real, shifted, tf.zerosLike(shifted))), mask)
        : tf.exp(shifted); // (B, K)
    const weights = tf.div<tf.Tensor2D>(u, tf.sum(u, 1, true)); // (B, K), rows sum to 1
    const pooled = tf.sum<tf.Tensor2D>(tf.mul(f, weights.expandDims(2)), 1); // (B, l), Eq. 4 / 6
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
