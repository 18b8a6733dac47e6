/**
 * Batch normalisation (Ioffe & Szegedy 2015) as in PyTorch's BatchNorm2d: training uses the
 * batch's per-channel mean and biased variance and moves the stored statistics towards them
 * (new = (1 - momentum) old + momentum batch, with the batch variance unbiased for the update);
 * inference uses the stored statistics. y = gamma (x - mean) / sqrt(var + eps) + beta.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec, Params } from './params';

export function batchNormParamSpecs(prefix: string, channels: number): ParamSpec[] {
  return [
    { name: `${prefix}/gamma`, shape: [channels], init: { kind: 'ones' }, trainable: true },
    { name: `${prefix}/beta`, shape: [channels], init: { kind: 'zeros' }, trainable: true },
    { name: `${prefix}/movingMean`, shape: [channels], init: { kind: 'zeros' }, trainable: false },
    {
      name: `${prefix}/movingVariance`,
      shape: [channels],
      init: { kind: 'ones' },
      trainable: false,
    },
  ];
}

export interface BatchNormOptions {
  training: boolean;
  momentum: number;
  epsilon: number;
}

/** x: [N, H, W, C] -> [N, H, W, C]. */
export function batchNorm(
  params: Params,
  prefix: string,
  x: tf.Tensor4D,
  { training, momentum, epsilon }: BatchNormOptions,
): tf.Tensor4D {
  const gamma = params.get(`${prefix}/gamma`) as tf.Tensor1D;
  const beta = params.get(`${prefix}/beta`) as tf.Tensor1D;
  const movingMean = params.get(`${prefix}/movingMean`);
  const mean0 = movingMean as tf.Tensor1D;
  const movingVariance = params.get(`${prefix}/movingVariance`);
  const variance0 = movingVariance as tf.Tensor1D;
  if (!training) return tf.batchNorm4d(x, mean0, variance0, beta, gamma, epsilon);
  const moments = tf.moments(x, [0, 1, 2]);
  const mean = moments.mean as tf.Tensor1D; // [C]
  const variance = moments.variance as tf.Tensor1D; // [C]
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  if (momentum > 0) {
    const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
    // assign() is not recorded on the gradient tape: the running statistics get no gradient.
    movingMean.assign(tf.add(tf.mul(movingMean, 1 - momentum), tf.mul(mean, momentum)));
    movingVariance.assign(tf.add(tf.mul(movingVariance, 1 - momentum), tf.mul(unbiased, momentum)));
  }
  return tf.batchNorm4d(x, mean, variance, beta, gamma, epsilon);
}
