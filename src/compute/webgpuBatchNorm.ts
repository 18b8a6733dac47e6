/**
 * Training-mode batch norm (+ ReLU) on webgpu in four WGSL programs per call instead of ~15
 * forward and ~18 backward stock kernels (batchNorm.ts `batchNormTraining`, tensor path), and
 * two full passes over the activations forward, two backward. Same closed form as there, with
 * n = N H W, xc = x - mean, r = 1/sqrt(var + eps), dy' = dy masked by y > 0 when ReLU is fused:
 *   forward:  moments (one workgroup per channel: Σx, then Σ(x - mean)^2, two-pass in one
 *             dispatch) -> y = relu?(xc (gamma r) + beta);
 *   backward: Σdy', Σdy' xc per channel (one workgroup per channel) ->
 *             dx = gr dy' + kx xc + k0, kx = -gr r dgamma / n, k0 = -gr Σdy' / n,
 *             dgamma = r Σdy' xc, dbeta = Σdy'.
 * The per-channel reductions read a column of the [n, C] map (strided): simple, not tuned for
 * coalescing on a real GPU. Programs are run as ./webgpuProgram.ts describes.
 */
import * as tf from '@tensorflow/tfjs';
import { f32, flatProgram, i32, runProgram, type Program } from './webgpuProgram';

const LANES = 64;

/** Workgroup-per-channel sum of `term` (WGSL over r, c) into partial[0]; uniform control flow. */
const reduceSnippet = (term: string) => `{
    var acc = 0.0;
    for (var r = lane; r < uniforms.rows; r = r + ${LANES}) {
      let i = r * uniforms.channels + c;
      acc = acc + ${term};
    }
    partial[lane] = acc;
    workgroupBarrier();
    for (var w = ${LANES / 2}; w > 0; w = w / 2) {
      if (lane < w) { partial[lane] = partial[lane] + partial[lane + w]; }
      workgroupBarrier();
    }
  }`;

/** x [n, C] -> [2C]: mean (biased) then variance, per channel. */
function momentsProgram(channels: number): Program {
  return flatProgram(
    2 * channels,
    'fer_bn_moments',
    ['X'],
    'rows : i32, channels : i32,',
    `var<workgroup> partial : array<f32, ${LANES}>;
    fn main(index : i32) {
      let c = i32(workgroupId.x);
      let lane = i32(localId.x);
      ${reduceSnippet('X[i]')}
      let mean = partial[0] / f32(uniforms.rows);
      workgroupBarrier();
      ${reduceSnippet('(X[i] - mean) * (X[i] - mean)')}
      if (lane == 0) {
        setOutputAtIndex(c, mean);
        setOutputAtIndex(uniforms.channels + c, partial[0] / f32(uniforms.rows));
      }
    }`,
    { workgroup: LANES, workgroups: channels, size: false },
  );
}

/** y = relu?((x - mean) (gamma r) + beta), flat over [n C]. */
function applyProgram(size: number, relu: boolean): Program {
  return flatProgram(
    size,
    `fer_bn_apply_${relu ? 'relu' : 'linear'}`,
    ['X', 'MV', 'G', 'B'],
    'channels : i32, eps : f32,',
    `fn main(index : i32) {
      if (index < uniforms.size) {
        let c = index % uniforms.channels;
        let r = inverseSqrt(MV[uniforms.channels + c] + uniforms.eps);
        let y = (X[index] - MV[c]) * (G[c] * r) + B[c];
        setOutputAtIndex(index, ${relu ? 'max(y, 0.0)' : 'y'});
      }
    }`,
  );
}

const maskedDy = (relu: boolean) => (relu ? 'select(0.0, DY[i], Y[i] > 0.0)' : 'DY[i]');

/** [2C]: Σdy', Σdy' (x - mean) per channel. */
function gradSumsProgram(channels: number, relu: boolean): Program {
  return flatProgram(
    2 * channels,
    `fer_bn_grad_sums_${relu ? 'relu' : 'linear'}`,
    relu ? ['DY', 'X', 'MV', 'Y'] : ['DY', 'X', 'MV'], // an unused binding is an error
    'rows : i32, channels : i32,',
    `var<workgroup> partial : array<f32, ${LANES}>;
    fn main(index : i32) {
      let c = i32(workgroupId.x);
      let lane = i32(localId.x);
      ${reduceSnippet(maskedDy(relu))}
      let sumDy = partial[0];
      workgroupBarrier();
      ${reduceSnippet(`${maskedDy(relu)} * (X[i] - MV[c])`)}
      if (lane == 0) {
        setOutputAtIndex(c, sumDy);
        setOutputAtIndex(uniforms.channels + c, partial[0]);
      }
    }`,
    { workgroup: LANES, workgroups: channels, size: false },
  );
}

/** dx = gr dy' + kx xc + k0, flat over [n C]. */
function dxProgram(size: number, relu: boolean): Program {
  return flatProgram(
    size,
    `fer_bn_dx_${relu ? 'relu' : 'linear'}`,
    relu ? ['DY', 'X', 'MV', 'G', 'S', 'Y'] : ['DY', 'X', 'MV', 'G', 'S'],
    'channels : i32, eps : f32, count : f32,',
    `fn main(index : i32) {
      if (index < uniforms.size) {
        let i = index;
        let c = index % uniforms.channels;
        let r = inverseSqrt(MV[uniforms.channels + c] + uniforms.eps);
        let gr = G[c] * r;
        let dgamma = S[uniforms.channels + c] * r;
        let kx = -(gr * r * dgamma) / uniforms.count;
        let k0 = -(gr * S[c]) / uniforms.count;
        setOutputAtIndex(index, ${maskedDy(relu)} * gr + (X[index] - MV[c]) * kx + k0);
      }
    }`,
  );
}

/** dgamma = r Σdy' xc, [C]. */
function dgammaProgram(channels: number): Program {
  return flatProgram(
    channels,
    'fer_bn_dgamma',
    ['S', 'MV'],
    'channels : i32, eps : f32,',
    `fn main(index : i32) {
      if (index < uniforms.size) {
        let c = index;
        setOutputAtIndex(c, S[uniforms.channels + c] * inverseSqrt(MV[uniforms.channels + c] + uniforms.eps));
      }
    }`,
  );
}

/**
 * `batchNormTraining` (batchNorm.ts) with the ReLU after it fused when `relu`, on webgpu.
 * `onMoments` sees the batch mean and biased variance ([C] each).
 */
export function batchNormTrainingWebgpu(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  relu: boolean,
  onMoments: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const f = tf.customGrad<tf.Tensor4D>((...args) => {
    const [x4, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [n, h, w, c] = x4.shape;
    const rows = n * h * w;
    const mv = runProgram(momentsProgram(c), [x4], [i32(rows), i32(c)]); // [2C]
    const mv1 = mv as tf.Tensor1D;
    onMoments(tf.slice(mv1, [0], [c]), tf.slice(mv1, [c], [c]));
    const y = runProgram(applyProgram(x4.size, relu), [x4, mv, g, b], [i32(c), f32(epsilon)]);
    const y4 = y.reshape<tf.Tensor4D>(x4.shape);
    save([x4, mv, g, y4]);
    return {
      value: y4,
      gradFunc: (dy, saved) => {
        const [xs, mvs, gs, ys] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D];
        const sumsIn = relu ? [dy, xs, mvs, ys] : [dy, xs, mvs];
        const sums = runProgram(gradSumsProgram(c, relu), sumsIn, [i32(rows), i32(c)]);
        const dx = runProgram(
          dxProgram(xs.size, relu),
          relu ? [dy, xs, mvs, gs, sums, ys] : [dy, xs, mvs, gs, sums],
          [i32(c), f32(epsilon), f32(rows)],
        ).reshape<tf.Tensor4D>(xs.shape);
        const dgamma = runProgram(dgammaProgram(c), [sums, mvs], [i32(c), f32(epsilon)]);
        const dbeta = tf.slice(sums as tf.Tensor1D, [0], [c]);
        return [dx, dgamma, dbeta];
      },
    };
  });
  return f(x, gamma, beta);
}
