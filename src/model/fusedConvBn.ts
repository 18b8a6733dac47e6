/**
 * Inference-mode conv + batch norm (+ ReLU) as one grouped convolution with bias and ReLU on the
 * packed activations (all groups side by side, see resnet.ts). With the stored statistics batch
 * norm is affine per output channel, y = conv(x, W) s + (beta - mean s) with
 * s = gamma / sqrt(var + eps), so it folds into the convolution: W' = W s (per output channel),
 * bias b' = beta - mean s, and y = relu(conv(x, W') + b') is one dispatch on webgpu
 * (src/compute/webgpuGroupedConv.ts) where the stock path is, per group, conv, batch norm and
 * ReLU plus the per-group slices of the kernel, gamma, beta, mean and variance.
 *
 * The folded weights (one kernel [kh, kw, cin/g, cout], one bias [cout]: batch norm is per
 * channel, so the fold needs no per-group split) are cached per layer and reused while the five
 * variables keep their buffers: every writer of a variable (optimizer, weight loading) swaps in a
 * new buffer with `assign` (src/compute/fusedAdam.ts says why), so a changed dataId means changed
 * weights. Under a gradient tape nothing is cached, so gradients still reach the variables.
 */
import * as tf from '@tensorflow/tfjs';
import { groupedConv2dWebgpu } from '../compute/webgpuGroupedConv';
import { groupedConv2d } from './groupedConv';

/** What this needs of params.ts's Params (not imported: params.ts imports this file). */
interface ParamLookup {
  get(name: string): tf.Variable;
}

interface FoldedWeights {
  kernel: tf.Tensor4D; // [kh, kw, cin/g, cout]
  bias: tf.Tensor1D; // [cout]
}

interface Folded extends FoldedWeights {
  ids: object[];
  epsilon: number;
}

const cache = new WeakMap<tf.Variable, Folded>();

const NAMES = ['kernel', 'bn/gamma', 'bn/beta', 'bn/movingMean', 'bn/movingVariance'] as const;

/** W' = W s and b' = beta - mean s (not kept: the caller owns them). */
function fold(vars: tf.Tensor[], epsilon: number): FoldedWeights {
  const [kernel, gamma, beta, mean, variance] = vars as [
    tf.Tensor4D,
    tf.Tensor1D,
    tf.Tensor1D,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
  return tf.tidy(() => {
    const scale = tf.mul<tf.Tensor1D>(gamma, tf.rsqrt(tf.add(variance, epsilon))); // [cout]
    return {
      kernel: tf.mul<tf.Tensor4D>(kernel, scale), // [kh, kw, cin/g, cout]
      bias: tf.sub<tf.Tensor1D>(beta, tf.mul(mean, scale)), // [cout]
    };
  });
}

function foldedWeights(params: ParamLookup, name: string, epsilon: number): FoldedWeights {
  const vars = NAMES.map((n) => params.get(`${name}/${n}`));
  // Under a tape the fold is recorded (and left to the caller's tidy) so gradients flow.
  if (tf.engine().isTapeOn()) return fold(vars, epsilon);
  const key = vars[0] as tf.Variable;
  const ids = vars.map((v) => v.dataId);
  const hit = cache.get(key);
  if (hit && hit.epsilon === epsilon && hit.ids.every((id, i) => id === ids[i])) return hit;
  if (hit) tf.dispose([hit.kernel, hit.bias]);
  const { kernel, bias } = fold(vars, epsilon);
  const entry: Folded = { ids, epsilon, kernel: tf.keep(kernel), bias: tf.keep(bias) };
  cache.set(key, entry);
  return entry;
}

export interface FusedConvBnOptions {
  groups: number;
  strides: number;
  pad: number;
  epsilon: number;
  relu: boolean;
}

/**
 * x [N, H, W, groups cin/g] -> [N, H', W', cout]: relu?(batchNorm(groupedConv(x, W))) with the
 * stored statistics. On webgpu one `groupedConv2dWebgpu` with the folded bias and ReLU (under a
 * tape, where that kernel is differentiable in x and the kernel only, bias and ReLU as tf ops);
 * elsewhere the tf-op equivalent. Same layer naming as resnet.ts's convBn: `${name}/kernel` and
 * `${name}/bn/{gamma,beta,movingMean,movingVariance}`.
 */
export function fusedConvBnInference(
  params: ParamLookup,
  name: string,
  x: tf.Tensor4D,
  { groups, strides, pad, epsilon, relu }: FusedConvBnOptions,
): tf.Tensor4D {
  const { kernel, bias } = foldedWeights(params, name, epsilon);
  const conv = { groups, strides, pad };
  if (tf.getBackend() === 'webgpu' && !tf.engine().isTapeOn())
    return groupedConv2dWebgpu(x, kernel, { ...conv, bias, relu });
  if (groups === 1 && tf.getBackend() !== 'webgpu') {
    const activation = relu ? 'relu' : 'linear';
    return tf.fused.conv2d({ x, filter: kernel, strides, pad, bias, activation });
  }
  return tf.tidy(() => {
    const y =
      tf.getBackend() === 'webgpu'
        ? groupedConv2dWebgpu(x, kernel, conv)
        : groupedConv2d(x, kernel, conv);
    const biased = tf.add<tf.Tensor4D>(y, bias);
    return relu ? tf.relu(biased) : biased;
  });
}

/** Frees the cached folded weights of these variables (called when a model is disposed). */
export function releaseFoldedWeights(variables: Iterable<tf.Variable>): void {
  for (const v of variables) {
    const hit = cache.get(v);
    if (!hit) continue;
    tf.dispose([hit.kernel, hit.bias]);
    cache.delete(v);
  }
}
