/**
 * Grouped 2-D convolution (Sec. 4.1: "group convolution (groups = 3)"). tfjs's conv2d has no
 * `groups` argument. The backbone keeps its activations as one tensor per group (see
 * `groupedConv2dPerGroup`), so each of its convolutions is one conv2d per group on a slice of the
 * kernel. `groupedConv2d` is the same operation on channels side by side: by default it splits
 * input channels and filters into `groups` slices, convolves each pair and concatenates the
 * results ('split'). A second implementation, a full convolution with
 * a block-diagonal (zero-masked) kernel ('blockDiagonal'), computes the same values and is kept
 * for the benchmark. Another implementation (e.g. one whose gradients use only the kernels the
 * WASM backend has) can be installed with `setGroupedConvImplementation`.
 *
 * Layouts: x is NHWC [N, H, W, groups * cinPerGroup]; the kernel is
 * [kh, kw, cinPerGroup, cout] where output channels [g*cout/groups, (g+1)*cout/groups) belong to
 * group g and read input channels [g*cinPerGroup, (g+1)*cinPerGroup). This is PyTorch's
 * Conv2d(groups=g) weight [cout, cin/g, kh, kw] transposed to [kh, kw, cin/g, cout].
 */
import * as tf from '@tensorflow/tfjs';

export interface GroupedConvOptions {
  groups: number;
  strides: number;
  /** Symmetric zero padding in pixels on every side (PyTorch's `padding`). */
  pad: number;
}

export type GroupedConvImplementation = (
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  opts: GroupedConvOptions,
) => tf.Tensor4D;

function checkShapes(x: tf.Tensor4D, kernel: tf.Tensor4D, groups: number): void {
  const [, , cinPerGroup, cout] = kernel.shape;
  const cin = x.shape[3];
  if (cin !== cinPerGroup * groups || cout % groups !== 0)
    throw new Error(
      `groupedConv2d: input has ${cin} channels, kernel ${kernel.shape.join('x')}, groups ${groups}: ` +
        `need channels = groups x kernel in-depth and out-depth divisible by groups`,
    );
}

/**
 * The grouped convolution on activations kept apart per group: xs[g] [N, H, W, cin/g] ->
 * ys[g] [N, H', W', cout/g], group g convolved with output channels [g cout/g, (g+1) cout/g) of
 * the kernel. Batch norm (per channel), ReLU, max-pooling and the residual additions all act
 * within a group, so the backbone never needs the groups side by side: kept apart, its
 * activations are never split or concatenated (on wasm, copies in runs of cin/g floats that took
 * 5.6% of a full-size training step, and as much again in the backward pass).
 */
export function groupedConv2dPerGroup(
  xs: readonly tf.Tensor4D[],
  kernel: tf.Tensor4D,
  { strides, pad }: Omit<GroupedConvOptions, 'groups'>,
): tf.Tensor4D[] {
  const groups = xs.length;
  const [, , cinPerGroup, cout] = kernel.shape;
  xs.forEach((x) => {
    if (x.shape[3] !== cinPerGroup || cout % groups !== 0)
      throw new Error(
        `groupedConv2dPerGroup: a group has ${x.shape[3]} channels, kernel ${kernel.shape.join('x')}, ` +
          `groups ${groups}: need channels = kernel in-depth and out-depth divisible by groups`,
      );
  });
  if (groups === 1) return xs.map((x) => tf.conv2d<tf.Tensor4D>(x, kernel, strides, pad));
  return tf.tidy(() => {
    const ks = tf.split<tf.Tensor4D>(kernel, groups, 3); // groups x [kh, kw, cin/g, cout/g]
    return xs.map((x, g) => tf.conv2d<tf.Tensor4D>(x, ks[g] ?? kernel, strides, pad));
  });
}

/** Split into groups, one tf.conv2d per group, concatenate along channels. */
export const splitGroupedConv: GroupedConvImplementation = (
  x,
  kernel,
  { groups, strides, pad },
) => {
  checkShapes(x, kernel, groups);
  if (groups === 1) return tf.conv2d<tf.Tensor4D>(x, kernel, strides, pad);
  return tf.tidy(() => {
    const xs = tf.split<tf.Tensor4D>(x, groups, 3); // groups x [N, H, W, cin/g]
    return tf.concat<tf.Tensor4D>(groupedConv2dPerGroup(xs, kernel, { strides, pad }), 3); // [N, H', W', cout]
  });
};

/**
 * The kernel expanded to [kh, kw, cin, cout] with zeros outside the diagonal blocks; one dense
 * conv2d. Same result as 'split' but groups-times more multiply-adds.
 */
export const blockDiagonalGroupedConv: GroupedConvImplementation = (
  x,
  kernel,
  { groups, strides, pad },
) => {
  checkShapes(x, kernel, groups);
  if (groups === 1) return tf.conv2d<tf.Tensor4D>(x, kernel, strides, pad);
  return tf.tidy(() => {
    const [kh, kw, cinG, cout] = kernel.shape;
    const coutG = cout / groups;
    const mask = new Float32Array(cinG * groups * cout);
    for (let i = 0; i < cinG * groups; i++)
      for (let o = 0; o < cout; o++)
        if (Math.floor(i / cinG) === Math.floor(o / coutG)) mask[i * cout + o] = 1;
    const tiled = tf.tile(kernel, [1, 1, groups, 1]); // [kh, kw, cin, cout]
    const full = tf.mul(tiled, tf.tensor4d(mask, [1, 1, cinG * groups, cout]));
    return tf.conv2d<tf.Tensor4D>(
      x,
      full.reshape<tf.Tensor4D>([kh, kw, cinG * groups, cout]),
      strides,
      pad,
    );
  });
};

let current: GroupedConvImplementation = splitGroupedConv;

/** Replaces the implementation used by `groupedConv2d`; returns the previous one. */
export function setGroupedConvImplementation(
  impl: GroupedConvImplementation,
): GroupedConvImplementation {
  const previous = current;
  current = impl;
  return previous;
}

/** Grouped convolution; every convolution of the model calls this. */
export function groupedConv2d(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  opts: GroupedConvOptions,
): tf.Tensor4D {
  return current(x, kernel, opts);
}

/**
 * Direct loops in plain JavaScript: the reference the tests hold the tensor implementations
 * against. Same layouts as `groupedConv2d`; returns the NHWC output and its shape.
 */
export function naiveGroupedConv2d(
  x: Float32Array,
  xShape: readonly [number, number, number, number],
  kernel: Float32Array,
  kShape: readonly [number, number, number, number],
  { groups, strides, pad }: GroupedConvOptions,
): { data: Float32Array; shape: [number, number, number, number] } {
  const [n, h, w, cin] = xShape;
  const [kh, kw, cinG, cout] = kShape;
  if (cin !== cinG * groups) throw new Error('naiveGroupedConv2d: channel mismatch');
  const coutG = cout / groups;
  const ho = Math.floor((h + 2 * pad - kh) / strides) + 1;
  const wo = Math.floor((w + 2 * pad - kw) / strides) + 1;
  const out = new Float32Array(n * ho * wo * cout);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++)
        for (let o = 0; o < cout; o++) {
          const g = Math.floor(o / coutG);
          let acc = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * strides - pad + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * strides - pad + kx;
              if (ix < 0 || ix >= w) continue;
              for (let c = 0; c < cinG; c++) {
                const xv = x[((b * h + iy) * w + ix) * cin + g * cinG + c] ?? 0;
                const kv = kernel[((ky * kw + kx) * cinG + c) * cout + o] ?? 0;
                acc += xv * kv;
              }
            }
          }
          out[((b * ho + oy) * wo + ox) * cout + o] = acc;
        }
  return { data: out, shape: [n, ho, wo, cout] };
}
