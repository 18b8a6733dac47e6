/**
 * Spatial attention (Sec. 4.1, Eq. 1-2; the structured self-attention of Lin et al. 2017),
 * applied to one stage's output for one region:
 *
 *   L = reshape(C)                        C: H x W x D  ->  L: R x D, R = H W
 *   M = softmax(Ws2 tanh(Ws1 Lᵀ))         (Eq. 1)  Ws1: U x D, Ws2: h x U, M: h x R,
 *                                                   softmax over R in each of the h rows
 *   v = flatten(M L)                      (Eq. 2)  v: h D
 *   P = ‖M Mᵀ − I‖²_F                     the penalty added to the loss (Lin et al. 2017)
 *
 * Ws1 and Ws2 are stored exactly as the paper writes them (U x D and h x U); no biases.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec, Params } from './params';

export interface SpatialAttentionShape {
  /** D: channels of this region's part of the stage output. */
  depth: number;
  /** U. */
  hidden: number;
  /** h. */
  hops: number;
}

export function spatialAttentionParamSpecs(
  prefix: string,
  { depth, hidden, hops }: SpatialAttentionShape,
): ParamSpec[] {
  return [
    {
      name: `${prefix}/ws1`,
      shape: [hidden, depth],
      init: { kind: 'glorotUniform', fanIn: depth, fanOut: hidden },
      trainable: true,
    },
    {
      name: `${prefix}/ws2`,
      shape: [hops, hidden],
      init: { kind: 'glorotUniform', fanIn: hidden, fanOut: hops },
      trainable: true,
    },
  ];
}

// A type alias (not an interface) so tf.tidy accepts it as a TensorContainer.
export type SpatialAttentionOutput = {
  /** v: [N, h * D], hop-major (v = [M₁ L, M₂ L, ...]). */
  v: tf.Tensor2D;
  /** M: [N, h, R], each row sums to 1 over R (positions in row-major y, x order). */
  m: tf.Tensor3D;
  /** ‖M Mᵀ − I‖²_F per sample: [N]. */
  penalty: tf.Tensor1D;
};

/**
 * tanh(x) = 2 sigmoid(2x) - 1. The same values (within 2e-7 here), but wasm's Tanh is a scalar
 * loop and its Sigmoid XNNPACK's: 2.2 against 10.3 ms for stage 1's [6272, 64] (Node).
 */
function tanh(x: tf.Tensor2D): tf.Tensor2D {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/** Eq. 1-2 on L: [N, R, D] with Ws1 [U, D], Ws2 [h, U]. */
export function spatialAttentionFromMatrices(
  l: tf.Tensor3D,
  ws1: tf.Tensor2D,
  ws2: tf.Tensor2D,
): SpatialAttentionOutput {
  return tf.tidy(() => {
    const [n, r, d] = l.shape;
    const hops = ws2.shape[0];
    const flat = l.reshape([n * r, d]); // (N R, D)
    const a = tanh(tf.matMul(flat, ws1, false, true)); // (N R, U) = (Ws1 Lᵀ)ᵀ
    const scores = tf.matMul(a, ws2, false, true).reshape<tf.Tensor3D>([n, r, hops]); // (N, R, h)
    const m = tf.softmax(tf.transpose<tf.Tensor3D>(scores, [0, 2, 1])); // (N, h, R), Eq. 1
    const v = tf.matMul(m, l).reshape<tf.Tensor2D>([n, hops * d]); // (N, h, D) -> (N, h D), Eq. 2
    const mmT = tf.matMul(m, m, false, true); // (N, h, h)
    const diff = tf.sub(mmT, tf.eye(hops).expandDims(0)); // M Mᵀ − I
    const penalty = tf.sum<tf.Tensor1D>(tf.square(diff), [1, 2]); // (N)
    return { v, m, penalty };
  });
}

/**
 * Spatial attention for one region of one stage: `c` [N, H, W, D] is that region's part of the
 * stage output (the backbone keeps regions apart).
 */
export function spatialAttention(
  params: Params,
  prefix: string,
  c: tf.Tensor4D,
): SpatialAttentionOutput {
  return tf.tidy(() => {
    const [n, h, w, d] = c.shape;
    const l = c.reshape<tf.Tensor3D>([n, h * w, d]); // (N, R, D): C reshaped to L
    return spatialAttentionFromMatrices(
      l,
      params.get(`${prefix}/ws1`) as tf.Tensor2D,
      params.get(`${prefix}/ws2`) as tf.Tensor2D,
    );
  });
}
