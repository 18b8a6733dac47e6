/**
 * Channel attention (Sec. 4.1, Eq. 3-4): one weight per region (face, eyes, mouth) from the
 * region's own vector, then the weight-normalised average of the three.
 *
 *   alpha_i = sigmoid(wᵀ ReLU(Wᵀ f_i)),  i = 1..3       (Eq. 3)  W: l x r, w: r
 *   f̂_v = Σ_i alpha_i f_i / Σ_i alpha_i                  (Eq. 4)
 *
 * W and w are shared by the three regions (the equation has one W and one w).
 */
import type * as tf from '@tensorflow/tfjs';
import { attentionPool, attentionPoolParamSpecs, type AttentionPoolOutput } from './attentionPool';
import type { ParamSpec, Params } from './params';

export const CHANNEL_ATTENTION_PREFIX = 'channelAttention';

export function channelAttentionParamSpecs(length: number, hidden: number): ParamSpec[] {
  return attentionPoolParamSpecs(CHANNEL_ATTENTION_PREFIX, length, hidden);
}

/** f: [N, 3, l] (N = clips x frames) -> f̂: [N, l], alpha: [N, 3]. */
export function channelAttention(params: Params, f: tf.Tensor3D): AttentionPoolOutput {
  return attentionPool(
    f,
    params.get(`${CHANNEL_ATTENTION_PREFIX}/W`) as tf.Tensor2D,
    params.get(`${CHANNEL_ATTENTION_PREFIX}/w`) as tf.Tensor1D,
    null,
  );
}
