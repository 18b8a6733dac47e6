/**
 * Training-mode batch norm (+ ReLU) on webgpu in a few WGSL programs per call instead of ~15
 * forward and ~18 backward stock kernels (batchNorm.ts `batchNormTraining`, tensor path). Same
 * closed form as there, with n = N H W, xc = x - mean, r = 1/sqrt(var + eps), dy' = dy masked by
 * y > 0 when ReLU is fused:
 *   forward:  moments partials -> merge (skipped for one chunk) -> y = relu?(xc (gamma r) + beta);
 *   backward: gradient partials -> dbeta = Σdy', dgamma = r Σdy' xc (one program, run twice) ->
 *             dx = gr dy' + kx xc + k0, kx = -gr r dgamma / n, k0 = -gr dbeta / n.
 * Dispatches per call, forward + backward: 8 for one chunk, 9 for several (the two [C] slices
 * handed to `onMoments` included); before the chunked layout: 8.
 * Reduction layout (./webgpuBnLayout.ts): x is viewed as [rows, C] (rows = N H W, channels
 * contiguous). A workgroup covers CHANNEL_TILE adjacent channels x ROW_LANES row lanes over one
 * chunk of rows, so adjacent invocations read adjacent addresses (coalesced) and tiles x chunks
 * workgroups run at once (the old layout: one workgroup per channel reading a strided column).
 * Each writes per-chunk partials [chunks, 2C]:
 *   moments:  (mean_k, var_k) of chunk k, two-pass inside the chunk (Σ(x - p) with p the chunk's
 *             first row, then Σ(x - mean_k)^2, the second read of the chunk mostly from cache),
 *             merged over chunks with Chan et al.'s pairwise formula, shifted by mean_0:
 *             mean = mean_0 + Σ n_k (mean_k - mean_0) / n,
 *             var = Σ n_k (var_k + (mean_k - mean)^2) / n.
 *             No E[x^2] - E[x]^2 cancellation anywhere, and the shifts keep the mean exact to
 *             about an ulp when |mean| >> std (a large-mean test checks both);
 *   gradient: (Σ_k dy', r Σ_k dy' xc), summed over chunks (linear: r can go in early).
 * With one chunk the partials already are the result. Sizes are uniforms: one shader per program
 * (and ReLU variant) whatever the shape. Programs are run as ./webgpuProgram.ts describes.
 */
import * as tf from '@tensorflow/tfjs';
import { bnLayout, CHANNEL_TILE, ROW_LANES, type BnLayout } from './webgpuBnLayout';
import { f32, flatProgram, i32, runProgram, type Program } from './webgpuProgram';

const GROUP = CHANNEL_TILE * ROW_LANES;

/** Layout uniforms of the partials programs, in the order their `uniforms` string declares. */
const layoutUniforms = (rows: number, c: number, l: BnLayout) => [
  i32(rows),
  i32(c),
  i32(l.tiles),
  i32(l.chunkRows),
];
const LAYOUT_FIELDS = 'rows : i32, channels : i32, tiles : i32, chunkRows : i32,';

/** Invocation -> (channel c, row lane rl, chunk k, rows [r0, r1)); shared by the partials programs. */
const chunkHeader = `
      let l = i32(localId.x);
      let cl = l % ${CHANNEL_TILE};
      let rl = l / ${CHANNEL_TILE};
      let wg = i32(workgroupId.x);
      let c = (wg % uniforms.tiles) * ${CHANNEL_TILE} + cl;
      let k = wg / uniforms.tiles;
      let r0 = k * uniforms.chunkRows;
      let r1 = min(r0 + uniforms.chunkRows, uniforms.rows);
      let live = c < uniforms.channels;`;

/** Sums `buf` over the row lanes into buf[cl] (all lanes call it: uniform control flow). */
const laneReduce = (buf: string) => `
      workgroupBarrier();
      for (var w = ${ROW_LANES / 2}; w > 0; w = w / 2) {
        if (rl < w) { ${buf}[l] = ${buf}[l] + ${buf}[l + w * ${CHANNEL_TILE}]; }
        workgroupBarrier();
      }`;

/** Accumulates `term` (WGSL over i = r C + c) over this lane's rows of the chunk into `acc`. */
const chunkLoop = (acc: string, body: string) => `
      if (live) {
        for (var r = r0 + rl; r < r1; r = r + ${ROW_LANES}) {
          let i = r * uniforms.channels + c;
          ${body}
        }
      }
      ${acc}`;

/** x [rows, C] -> [chunks, 2C]: per chunk (mean_k, var_k) of each channel, two-pass. */
function momentsPartialsProgram(l: BnLayout, channels: number): Program {
  return flatProgram(
    l.chunks * 2 * channels,
    'fer_bn_moments_part',
    ['X'],
    LAYOUT_FIELDS,
    `var<workgroup> red : array<f32, ${GROUP}>;
    fn main(index : i32) {
      ${chunkHeader}
      // Shifted by the chunk's first row: the sum adds small numbers when |mean| >> std.
      let pivot = select(0.0, X[r0 * uniforms.channels + min(c, uniforms.channels - 1)], live);
      var s = 0.0;
      ${chunkLoop('red[l] = s;', 's = s + (X[i] - pivot);')}
      ${laneReduce('red')}
      let cnt = f32(r1 - r0);
      let mean = pivot + red[cl] / cnt;
      workgroupBarrier();
      var q = 0.0;
      ${chunkLoop('red[l] = q;', 'let d = X[i] - mean; q = q + d * d;')}
      ${laneReduce('red')}
      if (live && rl == 0) {
        setOutputAtIndex(k * 2 * uniforms.channels + c, mean);
        setOutputAtIndex(k * 2 * uniforms.channels + uniforms.channels + c, red[cl] / cnt);
      }
    }`,
    { workgroup: GROUP, workgroups: l.tiles * l.chunks, size: false },
  );
}

/** [chunks, 2C] partials -> [2C] mean, biased variance: Chan's merge, mean first (two-pass). */
function momentsMergeProgram(channels: number): Program {
  return flatProgram(
    2 * channels,
    'fer_bn_moments_merge',
    ['P'],
    'rows : i32, channels : i32, chunks : i32, chunkRows : i32,',
    `fn main(index : i32) {
      if (index < uniforms.size) {
        let c = index % uniforms.channels;
        let stride = 2 * uniforms.channels;
        let pivot = P[c]; // chunk 0's mean: the sum adds small numbers when |mean| >> std
        var s = 0.0;
        for (var k = 1; k < uniforms.chunks; k = k + 1) {
          let nk = f32(min(uniforms.chunkRows, uniforms.rows - k * uniforms.chunkRows));
          s = s + nk * (P[k * stride + c] - pivot);
        }
        let mean = pivot + s / f32(uniforms.rows);
        if (index < uniforms.channels) {
          setOutputAtIndex(index, mean);
        } else {
          var m2 = 0.0;
          for (var k = 0; k < uniforms.chunks; k = k + 1) {
            let nk = f32(min(uniforms.chunkRows, uniforms.rows - k * uniforms.chunkRows));
            let d = P[k * stride + c] - mean;
            m2 = m2 + nk * (P[k * stride + uniforms.channels + c] + d * d);
          }
          setOutputAtIndex(index, m2 / f32(uniforms.rows));
        }
      }
    }`,
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

/** [chunks, 2C]: per chunk Σdy' and r Σdy' (x - mean) of each channel. */
function gradPartialsProgram(l: BnLayout, channels: number, relu: boolean): Program {
  return flatProgram(
    l.chunks * 2 * channels,
    `fer_bn_grad_part_${relu ? 'relu' : 'linear'}`,
    relu ? ['DY', 'X', 'MV', 'Y'] : ['DY', 'X', 'MV'], // an unused binding is an error
    `${LAYOUT_FIELDS} eps : f32,`,
    `var<workgroup> red : array<f32, ${GROUP}>;
    var<workgroup> redX : array<f32, ${GROUP}>;
    fn main(index : i32) {
      ${chunkHeader}
      let cc = min(c, uniforms.channels - 1); // in bounds for the lanes past C (not written)
      let mean = MV[cc];
      var s = 0.0;
      var sx = 0.0;
      ${chunkLoop('red[l] = s; redX[l] = sx;', `let dy = ${maskedDy(relu)}; s = s + dy; sx = sx + dy * (X[i] - mean);`)}
      ${laneReduce('red')}
      ${laneReduce('redX')}
      if (live && rl == 0) {
        let r = inverseSqrt(MV[uniforms.channels + c] + uniforms.eps);
        setOutputAtIndex(k * 2 * uniforms.channels + c, red[cl]);
        setOutputAtIndex(k * 2 * uniforms.channels + uniforms.channels + c, r * redX[cl]);
      }
    }`,
    { workgroup: GROUP, workgroups: l.tiles * l.chunks, size: false },
  );
}

/** [C]: Σ_k P[k, half C + c], i.e. dbeta (half 0) or dgamma (half 1). */
function chunkSumProgram(channels: number): Program {
  return flatProgram(
    channels,
    'fer_bn_chunk_sum',
    ['P'],
    'chunks : i32, half : i32,',
    `fn main(index : i32) {
      if (index < uniforms.size) {
        var s = 0.0;
        for (var k = 0; k < uniforms.chunks; k = k + 1) {
          s = s + P[(2 * k + uniforms.half) * uniforms.size + index];
        }
        setOutputAtIndex(index, s);
      }
    }`,
  );
}

/** dx = gr dy' + kx xc + k0, flat over [n C]. */
function dxProgram(size: number, relu: boolean): Program {
  return flatProgram(
    size,
    `fer_bn_dx_${relu ? 'relu' : 'linear'}`,
    // 7 inputs + the output: the 8 storage buffers every WebGPU adapter allows per stage.
    relu ? ['DY', 'X', 'MV', 'G', 'DB', 'DG', 'Y'] : ['DY', 'X', 'MV', 'G', 'DB', 'DG'],
    'channels : i32, eps : f32, count : f32,',
    `fn main(index : i32) {
      if (index < uniforms.size) {
        let i = index;
        let c = index % uniforms.channels;
        let r = inverseSqrt(MV[uniforms.channels + c] + uniforms.eps);
        let gr = G[c] * r;
        let kx = -(gr * r * DG[c]) / uniforms.count;
        let k0 = -(gr * DB[c]) / uniforms.count;
        setOutputAtIndex(index, ${maskedDy(relu)} * gr + (X[index] - MV[c]) * kx + k0);
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
    const rows = n * h * w; // x4 viewed as [rows, C]
    const l = bnLayout(rows, c);
    const partUniforms = layoutUniforms(rows, c, l);
    const parts = runProgram(momentsPartialsProgram(l, c), [x4], partUniforms); // [chunks, 2C]
    const mv =
      l.chunks === 1
        ? parts
        : runProgram(
            momentsMergeProgram(c),
            [parts],
            [i32(rows), i32(c), i32(l.chunks), i32(l.chunkRows)],
          ); // [2C]
    if (mv !== parts) parts.dispose();
    const mv1 = mv as tf.Tensor1D;
    onMoments(tf.slice(mv1, [0], [c]), tf.slice(mv1, [c], [c]));
    const y = runProgram(applyProgram(x4.size, relu), [x4, mv, g, b], [i32(c), f32(epsilon)]);
    const y4 = y.reshape<tf.Tensor4D>(x4.shape);
    save([x4, mv, g, y4]);
    return {
      value: y4,
      gradFunc: (dy, saved) => {
        const [xs, mvs, gs, ys] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D];
        const gradIn = relu ? [dy, xs, mvs, ys] : [dy, xs, mvs];
        const gparts = runProgram(gradPartialsProgram(l, c, relu), gradIn, [
          ...partUniforms,
          f32(epsilon),
        ]); // [chunks, 2C]
        const sumHalf = (half: number) =>
          runProgram(chunkSumProgram(c), [gparts], [i32(l.chunks), i32(half)]) as tf.Tensor1D;
        const dbeta = sumHalf(0);
        const dgamma = sumHalf(1);
        gparts.dispose();
        const dx = runProgram(
          dxProgram(xs.size, relu),
          relu ? [dy, xs, mvs, gs, dbeta, dgamma, ys] : [dy, xs, mvs, gs, dbeta, dgamma],
          [i32(c), f32(epsilon), f32(rows)],
        ).reshape<tf.Tensor4D>(xs.shape);
        return [dx, dgamma, dbeta];
      },
    };
  });
  return f(x, gamma, beta);
}
