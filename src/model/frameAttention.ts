/**
 * Frame attention (Sec. 4.1, Eq. 5-6; the form of Frame Attention Networks, Meng et al. 2019):
 * one weight per frame from the frame's vector f̂_i, then the weight-normalised average.
 *
 *   alpha-hat_i = sigmoid(ŵᵀ ReLU(Ŵᵀ f̂_i)),  i = 1..n    (Eq. 5)  Ŵ: l̂ x r̂, ŵ: r̂
 *   f_v = Σ_i alpha-hat_i f̂_i / Σ_i alpha-hat_i          (Eq. 6)
 *
 * With a frame mask, padding frames get weight 0 in both sums.
 */
import type * as tf from '@tensorflow/tfjs';
import { attentionPool, attentionPoolParamSpecs, type AttentionPoolOutput } from './attentionPool';
import type { ParamSpec, Params } from './params';

export const FRAME_ATTENTION_PREFIX = 'frameAttention';

export function frameAttentionParamSpecs(length: number, hidden: number): ParamSpec[] {
  return attentionPoolParamSpecs(FRAME_ATTENTION_PREFIX, length, hidden);
}

/** f: [B, n, l̂], mask: [B, n] or null -> f_v: [B, l̂], alpha-hat: [B, n]. */
export function frameAttention(
  params: Params,
  f: tf.Tensor3D,
  mask: tf.Tensor2D | null,
): AttentionPoolOutput {
  return attentionPool(
    f,
    params.get(`${FRAME_ATTENTION_PREFIX}/W`) as tf.Tensor2D,
    params.get(`${FRAME_ATTENTION_PREFIX}/w`) as tf.Tensor1D,
    mask,
  );
}
