/**
 * Batch normalisation (Ioffe & Szegedy 2015) as in PyTorch's BatchNorm2d: training uses the
 * batch's per-channel mean and biased variance and moves the stored statistics towards them
 * (new = (1 - momentum) old + momentum batch, with the batch variance unbiased for the update);
 * inference uses the stored statistics. y = gamma (x - mean) / sqrt(var + eps) + beta.
 */
import * as tf from '@tensorflow/tfjs';
import { BN_APPLY, BN_DX, BN_GRAD_SUMS, BN_MOMENTS, hasBatchNormSimd } from '../compute/bnKernels';
import { batchNormTrainingWebgpu } from '../compute/webgpuBatchNorm';
import { fusedKernelsActive } from './kernels';
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
  /** ReLU after the batch norm (one kernel with it on webgpu with the fused kernels). */
  relu?: boolean;
}

/** x: [N, H, W, C] -> [N, H, W, C]. */
export function batchNorm(
  params: Params,
  prefix: string,
  x: tf.Tensor4D,
  opts: BatchNormOptions,
): tf.Tensor4D {
  const [y] = batchNormPerGroup(params, prefix, [x], opts);
  if (!y) throw new Error('batchNorm: no output');
  return y;
}

/**
 * Batch norm of channels kept apart per group (see `groupedConv2dPerGroup`): xs[g] [N, H, W, C/G]
 * holds channels [g C/G, (g+1) C/G) of the layer's C. Every channel's statistics are its own, so
 * this equals `batchNorm` on the groups concatenated along channels.
 */
export function batchNormPerGroup(
  params: Params,
  prefix: string,
  xs: readonly tf.Tensor4D[],
  { training, momentum, epsilon, relu = false }: BatchNormOptions,
): tf.Tensor4D[] {
  const reluAll = (ys: tf.Tensor4D[]) => (relu ? ys.map((y) => tf.relu(y)) : ys);
  const groups = xs.length;
  const perGroup = (name: string): tf.Tensor1D[] => {
    const t = params.get(`${prefix}/${name}`) as tf.Tensor1D;
    return groups === 1 ? [t] : tf.split<tf.Tensor1D>(t, groups);
  };
  const gammas = perGroup('gamma');
  const betas = perGroup('beta');
  const at = (ts: tf.Tensor1D[], g: number): tf.Tensor1D => {
    const t = ts[g];
    if (!t) throw new Error(`batchNorm ${prefix}: no parameters for group ${g}`);
    return t;
  };
  if (!training) {
    const means = perGroup('movingMean');
    const variances = perGroup('movingVariance');
    return reluAll(
      xs.map((x, g) =>
        batchNormInference(x, at(means, g), at(variances, g), at(betas, g), at(gammas, g), epsilon),
      ),
    );
  }
  const means: tf.Tensor1D[] = [];
  const variances: tf.Tensor1D[] = [];
  const onMoments = (mean: tf.Tensor1D, variance: tf.Tensor1D) => {
    // Kept past the scope tf.customGrad runs its forward function in, disposed below.
    means.push(tf.keep(mean));
    variances.push(tf.keep(variance));
  };
  const webgpu = fusedKernelsActive() && tf.getBackend() === 'webgpu';
  const ys = webgpu
    ? xs.map((x, g) =>
        batchNormTrainingWebgpu(x, at(gammas, g), at(betas, g), epsilon, relu, onMoments),
      )
    : reluAll(
        xs.map((x, g) => batchNormTraining(x, at(gammas, g), at(betas, g), epsilon, onMoments)),
      );
  const first = xs[0];
  if (momentum > 0 && first && hostVectors()) {
    const count = first.shape[0] * first.shape[1] * first.shape[2];
    const unbias = count > 1 ? count / (count - 1) : 1;
    const read = (ts: tf.Tensor1D[]) => Float32Array.from(ts.flatMap((t) => [...t.dataSync()]));
    const [mean, variance] = [read(means), read(variances)];
    // assign() is not recorded on the gradient tape: the running statistics get no gradient.
    for (const [name, batch, k] of [
      ['movingMean', mean, 1],
      ['movingVariance', variance, unbias],
    ] as const) {
      const moving = params.get(`${prefix}/${name}`);
      const old = moving.dataSync();
      moving.assign(
        tf.tensor1d(old.map((v, i) => (1 - momentum) * v + momentum * k * (batch[i] ?? NaN))),
      );
    }
  } else if (momentum > 0 && first) {
    const count = first.shape[0] * first.shape[1] * first.shape[2];
    const movingMean = params.get(`${prefix}/movingMean`);
    const movingVariance = params.get(`${prefix}/movingVariance`);
    const mean = groups === 1 ? at(means, 0) : tf.concat(means);
    const variance = groups === 1 ? at(variances, 0) : tf.concat(variances);
    const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
    // assign() is not recorded on the gradient tape: the running statistics get no gradient.
    movingMean.assign(tf.add(tf.mul(movingMean, 1 - momentum), tf.mul(mean, momentum)));
    movingVariance.assign(tf.add(tf.mul(movingVariance, 1 - momentum), tf.mul(unbiased, momentum)));
  }
  tf.dispose([...means, ...variances]);
  return ys;
}

/**
 * Per-channel sums of [N, H, W, C]: a global average pool per sample (XNNPACK's pooling on wasm,
 * channels contiguous), times H W, summed over N. On wasm 5x faster than summing over W then over
 * N H, 11x faster than one tf.sum over axes [0, 1, 2], and 13x faster than a product by ones
 * (whose XNNPACK operator packs the whole map as weights each call): 0.46 / 2.3 / 5.2 / 6.0 ms
 * for a fresh [2, 112, 112, 32] map (Node, SIMD, one thread).
 */
export function channelSums(t: tf.Tensor4D): tf.Tensor1D {
  const [n, h, w, c] = t.shape;
  return tf.tidy(() => {
    const means = tf.avgPool(t, [h, w], 1, 'valid').reshape<tf.Tensor2D>([n, c]); // (N, C)
    return tf.mul(tf.sum<tf.Tensor1D>(means, 0), h * w);
  });
}

/**
 * Training-mode batch norm with the batch statistics, and its gradient in closed form (the
 * standard one, through the mean and variance): with n = N H W, xc = x - mean, r = 1/sqrt(var +
 * eps), dbeta = sum dy, dgamma = r sum(dy xc),
 *   dx = gamma r dy - (gamma r^2 dgamma / n) xc - gamma r dbeta / n.
 * Same values as differentiating tf.moments + tf.batchNorm4d, in 8 full-size element-wise ops and
 * 4 sums (`channelSums`) instead of tfjs's ~25, which include Tiles of every [C] vector to the
 * full map (13% of a full-size step on wasm). The output is xc (gamma r) + beta, not
 * tf.batchNorm4d: wasm's BatchNorm kernel is a scalar loop with a square root per element
 * (9.1 ms against 3.3 ms for a multiply and an add on [2, 112, 112, 32]); xc is kept for the
 * backward pass instead of x.
 * `onMoments` sees the batch mean (sum / n) and biased variance (mean of squared deviations).
 */
export function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onMoments: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void = () => undefined,
): tf.Tensor4D {
  if (hostVectors()) return batchNormTrainingHost(x, gamma, beta, epsilon, onMoments);
  const f = tf.customGrad<tf.Tensor4D>((...args) => {
    const [x4, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const n = x4.shape[0] * x4.shape[1] * x4.shape[2];
    const mean = tf.div<tf.Tensor1D>(channelSums(x4), n);
    const xc = tf.sub<tf.Tensor4D>(x4, mean); // [N, H, W, C]
    const variance = tf.div<tf.Tensor1D>(channelSums(tf.square(xc)), n);
    onMoments(mean, variance);
    const r = tf.rsqrt(tf.add(variance, epsilon)); // [C]
    save([xc, g, r]);
    return {
      value: tf.add(tf.mul(xc, tf.mul(g, r)), b),
      gradFunc: (dy, saved) => {
        const [xcs, gs, rs] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        const n = xcs.shape[0] * xcs.shape[1] * xcs.shape[2];
        const d4 = dy;
        const dbeta = channelSums(d4); // [C]
        const dgamma = tf.mul(channelSums(tf.mul<tf.Tensor4D>(d4, xcs)), rs); // [C]
        const gr = tf.mul(gs, rs); // [C]
        const kx = tf.div(tf.mul(tf.mul(gr, rs), dgamma), -n); // [C]
        const k0 = tf.div(tf.mul(gr, dbeta), -n); // [C]
        const dx = tf.add(tf.add(tf.mul(dy, gr), tf.mul(xcs, kx)), k0);
        return [dx, dgamma, dbeta];
      },
    };
  });
  return f(x, gamma, beta);
}

/**
 * Whether per-channel vectors can be read synchronously at next to no cost: on wasm and cpu the
 * tensors live in memory JavaScript reads directly, so the [C]-sized arithmetic of batch norm is
 * done in JavaScript (float64) instead of as ~25 tiny kernels per layer and group, each costing
 * ~20-40 µs of tfjs overhead (1,500 of a full-size step's 6,650 kernel calls). On GPU backends a
 * synchronous read would stall the pipeline, so they keep the tensor form.
 */
function hostVectors(): boolean {
  const backend = tf.getBackend();
  return hostVectorsAllowed && (backend === 'wasm' || backend === 'cpu');
}

let hostVectorsAllowed = true;

/** Turns the JavaScript path off (tests run the GPU backends' tensor path on cpu with it). */
export function allowHostVectors(allowed: boolean): void {
  hostVectorsAllowed = allowed;
}

/** Σ over N H W per channel of [N, H, W, C], in float64: per-sample means (one pool) x H W. */
function hostChannelSums(t: tf.Tensor4D): Float64Array {
  const [n, h, w, c] = t.shape;
  const pooled = tf.avgPool(t, [h, w], 1, 'valid'); // (N, 1, 1, C)
  const means = pooled.dataSync();
  pooled.dispose();
  const sums = new Float64Array(c);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < c; j++) sums[j] = (sums[j] ?? 0) + (means[i * c + j] ?? NaN) * h * w;
  return sums;
}

const vector = (values: ArrayLike<number>): tf.Tensor1D => tf.tensor1d(Float32Array.from(values));

/**
 * The backward pass's [C] vectors from Σ dy and Σ dy (x - mean) over `count` positions (the
 * closed form in `batchNormTraining`): dgamma = r Σ dy xc, dbeta = Σ dy, and dx = gr dy + kx xc
 * + k0 with kx = -gr r dgamma / count, k0 = -gr dbeta / count.
 */
function gradCoefficients(
  sumDy: ArrayLike<number>,
  sumDyXc: ArrayLike<number>,
  r: ArrayLike<number>,
  gr: ArrayLike<number>,
  count: number,
): { dgamma: number[]; dbeta: number[]; kx: number[]; k0: number[] } {
  const dgamma = Array.from(sumDyXc, (v, j) => v * (r[j] ?? NaN));
  const dbeta = Array.from(sumDy);
  const kx = Array.from(gr, (v, j) => (-v * (r[j] ?? NaN) * (dgamma[j] ?? NaN)) / count);
  const k0 = Array.from(gr, (v, j) => (-v * (dbeta[j] ?? NaN)) / count);
  return { dgamma, dbeta, kx, k0 };
}

/** `batchNormTraining` with its per-channel arithmetic in JavaScript (see `hostVectors`). */
function batchNormTrainingHost(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onMoments: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  if (tf.getBackend() === 'wasm' && hasBatchNormSimd())
    return batchNormTrainingSimd(x, gamma, beta, epsilon, onMoments);
  const f = tf.customGrad<tf.Tensor4D>((...args) => {
    const [x4, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const count = x4.shape[0] * x4.shape[1] * x4.shape[2];
    const mean = hostChannelSums(x4).map((v) => v / count);
    const xc = tf.sub<tf.Tensor4D>(x4, vector(mean)); // [N, H, W, C]
    const sq = tf.square(xc);
    const variance = hostChannelSums(sq).map((v) => v / count);
    sq.dispose();
    onMoments(vector(mean), vector(variance));
    const gv = g.dataSync();
    const r = variance.map((v) => 1 / Math.sqrt(v + epsilon));
    save([xc]);
    return {
      value: tf.add(tf.mul(xc, vector(r.map((ri, j) => ri * (gv[j] ?? NaN)))), b),
      gradFunc: (dy, saved) => {
        const [xcs] = saved as [tf.Tensor4D];
        const sumDy = hostChannelSums(dy);
        const dyXc = tf.mul<tf.Tensor4D>(dy, xcs);
        const sumDyXc = hostChannelSums(dyXc);
        dyXc.dispose();
        const gr = r.map((ri, j) => ri * (gv[j] ?? NaN));
        const { dgamma, dbeta, kx, k0 } = gradCoefficients(sumDy, sumDyXc, r, gr, count);
        const dx = tf.add(tf.add(tf.mul(dy, vector(gr)), tf.mul(xcs, vector(kx))), vector(k0));
        return [dx, vector(dgamma), vector(dbeta)];
      },
    };
  });
  return f(x, gamma, beta);
}

/**
 * `batchNormTrainingHost` on wasm with SIMD: each full-size pass is one fused f32x4 kernel over
 * the heap (src/compute/bnKernels.ts) instead of 6 passes forward and 7 backward through stock
 * kernels: the moments (Σx, then Σ(x - mean)², sums in float64 per block of rows), y = (x - mean)
 * scale + beta, then Σdy and Σdy (x - mean) together, and dx = dy gr + (x - mean) kx + k0. x is
 * kept for the backward pass instead of xc; the [C] arithmetic is the host path's, in float64.
 */
function batchNormTrainingSimd(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onMoments: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const engine = tf.engine();
  const f = tf.customGrad<tf.Tensor4D>((...args) => {
    const [x4, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const count = x4.shape[0] * x4.shape[1] * x4.shape[2];
    const moments = engine.runKernel<tf.Tensor1D[]>(BN_MOMENTS, { x: x4 });
    const [meanT, varianceT] = moments as [tf.Tensor1D, tf.Tensor1D];
    const mean = Array.from(meanT.dataSync()); // float32: what every pass subtracts
    const variance = varianceT.dataSync();
    onMoments(meanT, varianceT);
    const gv = g.dataSync();
    const r = Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
    const gr = r.map((ri, j) => ri * (gv[j] ?? NaN));
    save([x4]);
    const attrs = { mean, scale: gr, beta: Array.from(b.dataSync()) };
    return {
      value: engine.runKernel<tf.Tensor4D>(BN_APPLY, { x: x4 }, attrs),
      gradFunc: (dy, saved) => {
        const [xs] = saved as [tf.Tensor4D];
        const c = mean.length;
        const sumsT = engine.runKernel<tf.Tensor2D>(BN_GRAD_SUMS, { dy, x: xs }, { mean });
        const sums = sumsT.dataSync();
        sumsT.dispose();
        const { dgamma, dbeta, kx, k0 } = gradCoefficients(
          sums.subarray(0, c),
          sums.subarray(c),
          r,
          gr,
          count,
        );
        const dx = engine.runKernel<tf.Tensor4D>(BN_DX, { dy, x: xs }, { mean, gr, kx, k0 });
        return [dx, vector(dgamma), vector(dbeta)];
      },
    };
  });
  return f(x, gamma, beta);
}

/**
 * Inference-mode batch norm, y = x scale + shift with scale = gamma / sqrt(var + eps) and shift =
 * beta - mean scale: two SIMD passes on wasm, where tf.batchNorm4d is a scalar loop with a square
 * root per element (9.1 against 3.3 ms for [2, 112, 112, 32]).
 */
function batchNormInference(
  x: tf.Tensor4D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  beta: tf.Tensor1D,
  gamma: tf.Tensor1D,
  epsilon: number,
): tf.Tensor4D {
  if (!hostVectors()) return tf.batchNorm4d(x, mean, variance, beta, gamma, epsilon);
  const [m, v, b, g] = [mean, variance, beta, gamma].map((t) => t.dataSync());
  const scale = Float32Array.from(g ?? [], (gj, j) => gj / Math.sqrt((v?.[j] ?? NaN) + epsilon));
  const shift = Float32Array.from(b ?? [], (bj, j) => bj - (m?.[j] ?? NaN) * (scale[j] ?? NaN));
  return tf.tidy(() => tf.add<tf.Tensor4D>(tf.mul(x, tf.tensor1d(scale)), tf.tensor1d(shift)));
}
