/**
 * The maths of a convolution's gradients from forward convolutions only (XNNPACK's on wasm), for
 * backends without Conv2DBackpropFilter / Conv2DBackpropInput (./wasmGrads.ts registers them):
 * dx by a convolution of dy with the flipped kernel (stride 1) or by stride phases (stride 2),
 * dW by one convolution with channels and batch swapped, and dW by im2col + matMul for the tests'
 * comparisons. Layouts are NHWC with symmetric numeric padding p, as PyTorch's Conv2d.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * w[kh-1-ky, kw-1-kx, :, :]: the kh*kw taps, each a contiguous [Cin * Cout] row, copied in reverse
 * order (kh*kw contiguous Slices and one Concat, memory copies on every backend). On wasm,
 * Reverse and Gather are generic per-element loops (46 / 68 ms for a [3, 3, 256, 256] kernel)
 * and a product by the anti-diagonal permutation, exact but an XNNPACK product with a [9, Cin *
 * Cout] weight matrix to pack, took 2-8 ms a call for our kernels.
 */
export function flipKernelSpace(w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, cin, cout] = w.shape;
  const taps = kh * kw;
  if (taps === 1) return w;
  return tf.tidy(() => {
    const rows = w.reshape<tf.Tensor2D>([taps, cin * cout]); // one row per tap
    const reversed = Array.from({ length: taps }, (_, i) =>
      rows.slice([taps - 1 - i, 0], [1, cin * cout]),
    );
    return tf.concat(reversed, 0).reshape<tf.Tensor4D>([kh, kw, cin, cout]);
  });
}

/**
 * dx of y = conv2d(x, w, stride 1, symmetric pad p) without Conv2DBackpropInput: convolve dy,
 * padded by kh-1-p before and enough after to give back H x W (the convolution's own padding, no
 * padded copy: `convPadded`), with the kernel flipped in space and with in/out channels swapped.
 * Strided convolutions go to `convDxPolyphase`.
 */
export function convDxByConv(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  xShape: readonly [number, number, number, number],
  s: number,
  p: number,
): tf.Tensor4D {
  if (s > 1) return convDxPolyphase(dy, w, xShape, s, p);
  const [, h, wd] = xShape;
  const [kh, kw] = w.shape;
  const [, ho, wo] = dy.shape;
  const flippedSpace = flipKernelSpace(w); // w[kh-1-ky, kw-1-kx]
  const flipped = flippedSpace.transpose<tf.Tensor4D>([0, 1, 3, 2]); // [kh, kw, Cout, Cin]
  // dy padded to [N, H + kh - 1, W + kw - 1, Cout] -> [N, H, W, Cin]
  return convPadded(dy, flipped, [kh - 1 - p, h - ho + p], [kw - 1 - p, wd - wo + p]);
}

/** The inputs of one stride phase along one axis (see `convDxPolyphase`). */
interface Phase {
  /** First input index i with (i + p) mod s = a; the phase holds start, start + s, ... */
  start: number;
  /** How many input indices the phase holds. */
  count: number;
  /** Kernel taps a, a + s, ... in the phase. */
  taps: number;
  /** dy padding before / after along the axis (negative: crop). */
  before: number;
  after: number;
  /** The phase's residue a. */
  a: number;
}

function phasesAlong(size: number, k: number, outSize: number, s: number, p: number): Phase[] {
  return Array.from({ length: s }, (_, a) => {
    const start = (((a - p) % s) + s) % s;
    const count = start < size ? Math.ceil((size - start) / s) : 0;
    const taps = a < k ? Math.ceil((k - a) / s) : 0;
    const q0 = (start + p - a) / s; // dy index feeding the phase's first input through tap a
    return { start, count, taps, before: taps - 1 - q0, after: q0 + count - outSize, a };
  });
}

/**
 * conv2d(t padded along H and W by `rows` / `cols` [before, after], k, stride 1, `dilation`).
 * Positive amounts are the convolution's own padding (XNNPACK reads zeros there: no padded copy
 * of t); negative amounts crop t first.
 */
function convPadded(
  t: tf.Tensor4D,
  k: tf.Tensor4D,
  rows: [number, number],
  cols: [number, number],
  dilation = 1,
): tf.Tensor4D {
  const [n, h, w, c] = t.shape;
  const [top, bottom, left, right] = [rows[0], rows[1], cols[0], cols[1]].map((v) =>
    Math.max(-v, 0),
  ) as [number, number, number, number];
  const cropped =
    top + bottom + left + right === 0
      ? t
      : t.slice([0, top, left, 0], [n, h - top - bottom, w - left - right, c]);
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [Math.max(rows[0], 0), Math.max(rows[1], 0)],
    [Math.max(cols[0], 0), Math.max(cols[1], 0)],
    [0, 0],
  ];
  return tf.conv2d<tf.Tensor4D>(cropped, k, 1, pad, 'NHWC', dilation);
}

/**
 * `parts` ([N, H_i, W, C] or [N, H, W_i, C], ordered by their first index, sizes differing by at
 * most one) interleaved along `axis` (1 or 2) into `size` rows or columns: part i holds indices
 * i, i + s, i + 2s, ... (s = parts.length).
 */
function interleave(parts: tf.Tensor4D[], axis: 1 | 2, size: number): tf.Tensor4D {
  const first = parts[0];
  if (!first) throw new Error('interleave: no parts');
  if (parts.length === 1) return first;
  const m = first.shape[axis];
  const even = parts.map((t) => {
    const short = m - t.shape[axis];
    if (short === 0) return t;
    const pad: [number, number][] = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    pad[axis] = [0, short];
    return tf.pad(t, pad);
  }); // each [N, M, W, C] or [N, H, M, C]
  const [n, h, w, c] = first.shape;
  const s = parts.length;
  const stacked = tf.stack(even, axis + 1); // [N, M, s, W, C] or [N, H, M, s, C]
  const full =
    axis === 1
      ? stacked.reshape<tf.Tensor4D>([n, m * s, w, c])
      : stacked.reshape<tf.Tensor4D>([n, h, m * s, c]);
  if (full.shape[axis] === size) return full;
  return axis === 1
    ? full.slice([0, 0, 0, 0], [n, size, w, c])
    : full.slice([0, 0, 0, 0], [n, h, size, c]);
}

/**
 * dx of a strided convolution by stride phases ("sub-pixel" form): the inputs i with
 * (i + p) mod s = a receive dy only through the kernel taps a, a + s, ..., so each of the s x s
 * phases is a stride-1 convolution of dy with that sub-kernel (flipped, channels swapped), and
 * the phases interleave back into dx. For a 3x3/2 layer the four phases use 2x2, 2x1, 1x2 and 1x1
 * sub-kernels: 9 products per input position and channel pair, where convolving dy dilated by
 * zeros does 36 (three quarters of them with zeros).
 */
function convDxPolyphase(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  xShape: readonly [number, number, number, number],
  s: number,
  p: number,
): tf.Tensor4D {
  const [n, h, wd, cin] = xShape;
  const [kh, kw, , cout] = w.shape;
  const [, ho, wo] = dy.shape;
  const rows = phasesAlong(h, kh, ho, s, p).sort((u, v) => u.start - v.start);
  const cols = phasesAlong(wd, kw, wo, s, p).sort((u, v) => u.start - v.start);
  const wt = w.transpose<tf.Tensor4D>([0, 1, 3, 2]).reshape<tf.Tensor2D>([kh * kw, cout * cin]); // tap rows
  const phase = (r: Phase, c: Phase): tf.Tensor4D => {
    if (r.count === 0 || c.count === 0 || r.taps === 0 || c.taps === 0)
      return tf.zeros<tf.Rank.R4>([n, r.count, c.count, cin]);
    const taps: tf.Tensor2D[] = []; // sub-kernel flipped: row j holds tap a + s (taps - 1 - j)
    for (let j = 0; j < r.taps; j++)
      for (let l = 0; l < c.taps; l++) {
        const ky = r.a + s * (r.taps - 1 - j);
        const kx = c.a + s * (c.taps - 1 - l);
        taps.push(wt.slice([ky * kw + kx, 0], [1, cout * cin]));
      }
    const k = (
      taps.length === 1 ? (taps[0] as tf.Tensor2D) : tf.concat(taps, 0)
    ).reshape<tf.Tensor4D>([r.taps, c.taps, cout, cin]);
    // dy padded to [N, r.count + r.taps - 1, c.count + c.taps - 1, Cout] -> [N, r.count, c.count, Cin]
    return convPadded(dy, k, [r.before, r.after], [c.before, c.after]);
  };
  const rowParts = rows.map((r) =>
    interleave(
      cols.map((c) => phase(r, c)),
      2,
      wd,
    ),
  ); // [N, r.count, W, Cin]
  return interleave(rowParts, 1, h); // [N, H, W, Cin]
}

/**
 * dW of y = conv2d(x, w, s, p) as one convolution (XNNPACK on wasm): input channels become the
 * batch and the batch becomes the channels, dy is the kernel, dilated by the stride:
 * dW[ky, kx, ci, co] = sum_{n, oy, ox} xp[n, oy*s + ky, ox*s + kx, ci] * dy[n, oy, ox, co].
 */
export function convDwByConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kShape: readonly [number, number, number, number],
  s: number,
  p: number,
): tf.Tensor4D {
  const [kh, kw] = kShape;
  const [, h, w] = x.shape;
  const [, ho, wo] = dy.shape;
  // Padded by p before and cropped after to exactly the rows and columns the taps read, so the
  // convolution gives kh x kw and no more (uncropped, a 3x3/2 layer's gave 4x4, a 1x1/2's 2x2).
  const xt = tf.transpose<tf.Tensor4D>(x, [3, 1, 2, 0]); // [Cin, H, W, N]
  const k = tf.transpose<tf.Tensor4D>(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Cout]
  // xt padded to [Cin, (Ho-1) s + kh, (Wo-1) s + kw, N] -> [Cin, kh, kw, Cout]
  const dw = convPadded(xt, k, [p, (ho - 1) * s + kh - h - p], [p, (wo - 1) * s + kw - w - p], s);
  return tf.transpose<tf.Tensor4D>(dw, [1, 2, 0, 3]); // [kh, kw, Cin, Cout]
}

/** dW of y = conv2d(x, w, s, p): patches^T . dy with one strided slice per kernel tap. */
export function convDw(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kShape: readonly [number, number, number, number],
  s: number,
  p: number,
): tf.Tensor4D {
  const [kh, kw, cin, cout] = kShape;
  const [n, ho, wo] = dy.shape;
  const xp =
    p > 0
      ? tf.pad(x, [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ])
      : x; // [N, H + 2p, W + 2p, Cin]
  const taps: tf.Tensor4D[] = [];
  for (let ky = 0; ky < kh; ky++)
    for (let kx = 0; kx < kw; kx++)
      taps.push(
        tf.stridedSlice(
          xp,
          [0, ky, kx, 0],
          [n, ky + (ho - 1) * s + 1, kx + (wo - 1) * s + 1, cin],
          [1, s, s, 1],
        ) as tf.Tensor4D, // [N, Ho, Wo, Cin]
      );
  const patches = (taps.length === 1 ? taps[0] : tf.concat(taps, 3)) as tf.Tensor4D; // [N, Ho, Wo, kh*kw*Cin]
  const m = n * ho * wo;
  const dw = tf.matMul(
    patches.reshape<tf.Tensor2D>([m, kh * kw * cin]),
    dy.reshape<tf.Tensor2D>([m, cout]),
    true,
    false,
  ); // [kh*kw*Cin, Cout]
  return dw.reshape<tf.Tensor4D>([kh, kw, cin, cout]);
}
