/**
 * Inference-mode conv + batch norm (+ ReLU) as one tf.fused.conv2d per group. With the stored
 * statistics batch norm is affine per output channel, y = conv(x, W) s + (beta - mean s) with
 * s = gamma / sqrt(var + eps), so it folds into the convolution: W' = W s (per output channel),
 * bias b' = beta - mean s, and y = relu(conv(x, W') + b') is one dispatch on webgpu where the
 * stock path is conv, batch norm and ReLU (three dispatches and two extra passes over the
 * activations), plus the per-group slices of gamma, beta, mean and variance (12 more).
 *
 * The folded, per-group weights are cached per layer and reused while the five variables keep
 * their buffers: every writer of a variable (optimizer, weight loading) swaps in a new buffer
 * with `assign` (src/compute/fusedAdam.ts says why), so a changed dataId means changed weights.
 * Under a gradient tape nothing is cached, so gradients still reach the variables.
 */
import * as tf from '@tensorflow/tfjs';

/** What this needs of params.ts's Params (not imported: params.ts imports this file). */
interface ParamLookup {
  get(name: string): tf.Variable;
}

interface Folded {
  ids: object[];
  epsilon: number;
  kernels: tf.Tensor4D[]; // groups x [kh, kw, cin/g, cout/g]
  biases: tf.Tensor1D[]; // groups x [cout/g]
}

const cache = new WeakMap<tf.Variable, Folded>();

const NAMES = ['kernel', 'bn/gamma', 'bn/beta', 'bn/movingMean', 'bn/movingVariance'] as const;

/** W' = W s and b' = beta - mean s, split per group (not kept: the caller owns them). */
function fold(vars: tf.Tensor[], groups: number, epsilon: number): tf.Tensor[] {
  const [kernel, gamma, beta, mean, variance] = vars as [
    tf.Tensor4D,
    tf.Tensor1D,
    tf.Tensor1D,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
  return tf.tidy(() => {
    const scale = tf.mul<tf.Tensor1D>(gamma, tf.rsqrt(tf.add(variance, epsilon))); // [cout]
    const k = tf.mul<tf.Tensor4D>(kernel, scale); // [kh, kw, cin/g, cout]
    const b = tf.sub<tf.Tensor1D>(beta, tf.mul(mean, scale)); // [cout]
    if (groups === 1) return [k, b];
    return [...tf.split(k, groups, 3), ...tf.split(b, groups, 0)];
  });
}

function foldedWeights(
  params: ParamLookup,
  name: string,
  groups: number,
  epsilon: number,
): { kernels: tf.Tensor4D[]; biases: tf.Tensor1D[] } {
  const vars = NAMES.map((n) => params.get(`${name}/${n}`));
  const split = (ts: tf.Tensor[]) => ({
    kernels: ts.slice(0, groups) as tf.Tensor4D[],
    biases: ts.slice(groups) as tf.Tensor1D[],
  });
  // Under a tape the fold is recorded (and left to the caller's tidy) so gradients flow.
  if (tf.engine().isTapeOn()) return split(fold(vars, groups, epsilon));
  const key = vars[0] as tf.Variable;
  const ids = vars.map((v) => v.dataId);
  const hit = cache.get(key);
  if (
    hit &&
    hit.epsilon === epsilon &&
    hit.kernels.length === groups &&
    hit.ids.every((id, i) => id === ids[i])
  )
    return { kernels: hit.kernels, biases: hit.biases };
  if (hit) tf.dispose([...hit.kernels, ...hit.biases]);
  const ts = fold(vars, groups, epsilon).map((t) => tf.keep(t));
  const entry: Folded = { ids, epsilon, ...split(ts) };
  cache.set(key, entry);
  return { kernels: entry.kernels, biases: entry.biases };
}

export interface FusedConvBnOptions {
  strides: number;
  pad: number;
  epsilon: number;
  relu: boolean;
}

/**
 * xs[g] [N, H, W, cin/g] -> ys[g] [N, H', W', cout/g]: relu?(batchNorm(conv(xs[g], W_g))) with the
 * stored statistics, one fused conv per group. Same layer naming as resnet.ts's convBn:
 * `${name}/kernel` and `${name}/bn/{gamma,beta,movingMean,movingVariance}`.
 */
export function fusedConvBnInference(
  params: ParamLookup,
  name: string,
  xs: readonly tf.Tensor4D[],
  { strides, pad, epsilon, relu }: FusedConvBnOptions,
): tf.Tensor4D[] {
  const { kernels, biases } = foldedWeights(params, name, xs.length, epsilon);
  return xs.map((x, g) => {
    const filter = kernels[g];
    if (!filter) throw new Error(`fusedConvBnInference ${name}: no kernel for group ${g}`);
    const activation = relu ? 'relu' : 'linear';
    return tf.fused.conv2d({ x, filter, strides, pad, bias: biases[g], activation });
  });
}

/** Frees the cached folded weights of these variables (called when a model is disposed). */
export function releaseFoldedWeights(variables: Iterable<tf.Variable>): void {
  for (const v of variables) {
    const hit = cache.get(v);
    if (!hit) continue;
    tf.dispose([...hit.kernels, ...hit.biases]);
    cache.delete(v);
  }
}
