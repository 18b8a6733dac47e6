/**
 * The RandAugment operations on a clip tensor [T, S, S, 9] (frames, rows, columns, channels
 * face RGB | eyes RGB | mouth RGB), values in [0, 1]. Every op treats each region's RGB as one
 * image and applies the same parameters to all frames and all three regions. Only kernels that
 * the cpu, wasm and webgpu backends all register are used (Transform, Reverse,
 * DepthwiseConv2dNative, Select, Floor, Min/Max/Mean, ...). Magnitude -> strength mapping:
 * docs/augmentation.md.
 */
import * as tf from '@tensorflow/tfjs';

/** ITU-R 601 luma weights, PIL's `convert('L')` (used by contrast, saturation). */
export const LUMA: readonly [number, number, number] = [0.299, 0.587, 0.114];

function clipDims(x: tf.Tensor4D): { t: number; s: number; c: number } {
  const [t, h, w, c] = x.shape;
  if (h !== w) throw new Error(`Clip frames must be square, got ${h}x${w}.`);
  if (c % 3 !== 0) throw new Error(`Clip channels must be RGB per region, got ${c}.`);
  return { t, s: h, c };
}

/** Per-pixel luma of each region: [T, S, S, R, 1] for a [T, S, S, 3R] clip. */
function luma(x: tf.Tensor4D): tf.Tensor5D {
  const { t, s, c } = clipDims(x);
  const rgb = x.reshape([t, s, s, c / 3, 3]);
  return rgb.mul(tf.tensor1d([...LUMA])).sum<tf.Tensor5D>(-1, true);
}

/** Blend with a degenerate image: deg + f (x - deg) (PIL ImageEnhance). */
function blend(x: tf.Tensor, degenerate: tf.Tensor, factor: number): tf.Tensor {
  return degenerate.add(x.sub(degenerate).mul(factor));
}

/** x * factor (PIL Brightness: blend with black). */
export function brightness(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  return x.mul(factor);
}

/** Blend with the region's mean luma over the frame (PIL Contrast). */
export function contrast(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  const { t, s, c } = clipDims(x);
  const mean = luma(x).mean([1, 2], true); // [T, 1, 1, R, 1]
  const rgb = x.reshape([t, s, s, c / 3, 3]);
  return blend(rgb, mean, factor).reshape<tf.Tensor4D>(x.shape);
}

/** Blend with the pixel's luma (PIL Color). */
export function saturation(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  const { t, s, c } = clipDims(x);
  const rgb = x.reshape([t, s, s, c / 3, 3]);
  return blend(rgb, luma(x), factor).reshape<tf.Tensor4D>(x.shape);
}

/**
 * Blend with PIL's SMOOTH filter ([[1,1,1],[1,5,1],[1,1,1]] / 13); the one-pixel border keeps
 * the original, as PIL's Sharpness does.
 */
export function sharpness(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  const { s, c } = clipDims(x);
  if (s < 3) return x.clone();
  const k = [1, 1, 1, 1, 5, 1, 1, 1, 1].map((v) => v / 13);
  const filter = tf.tensor4d(
    k.flatMap((v) => new Array<number>(c).fill(v)),
    [3, 3, c, 1],
  );
  const smooth = tf.depthwiseConv2d(x, filter, 1, 'same');
  const inner = tf.pad(tf.ones([1, s - 2, s - 2, 1]), [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const degenerate = smooth.mul(inner).add(x.mul(tf.scalar(1).sub(inner)));
  return blend(x, degenerate, factor) as tf.Tensor4D;
}

/** Stretches each channel of each frame to [0, 1] (PIL autocontrast, no cutoff). */
export function autoContrast(x: tf.Tensor4D): tf.Tensor4D {
  const lo = x.min([1, 2], true);
  const hi = x.max([1, 2], true);
  const range = hi.sub(lo);
  const flat = range.lessEqual(0);
  const scaled = x.sub(lo).div(tf.where(flat, tf.onesLike(range), range));
  return tf.where(flat.broadcastTo(x.shape), x, scaled) as tf.Tensor4D;
}

/** Keeps the top `bits` bits of each 8-bit value (PIL posterize). */
export function posterize(x: tf.Tensor4D, bits: number): tf.Tensor4D {
  const step = 2 ** (8 - Math.max(0, Math.min(8, Math.round(bits))));
  if (step === 1) return x.clone();
  return x
    .mul(255)
    .round()
    .div(step)
    .floor()
    .mul(step / 255);
}

/** Inverts values at or above `threshold` (0..1 of 255; PIL solarize with threshold x 255). */
export function solarize(x: tf.Tensor4D, threshold: number): tf.Tensor4D {
  // Compare on the 8-bit scale so a threshold of 256/255 leaves everything, as in PIL.
  const mask = x
    .mul(255)
    .round()
    .greaterEqual(threshold * 255);
  return tf.where(mask, tf.scalar(1).sub(x), x) as tf.Tensor4D;
}

/** Mirrors every frame and region left-right. */
export function flipLeftRight(x: tf.Tensor4D): tf.Tensor4D {
  return x.reverse(2);
}

/**
 * Affine warp of every frame with one inverse map: output pixel (col, row) samples the input at
 * (a0 col + a1 row + a2, b0 col + b1 row + b2) (pixel indices), bilinear, `fill` outside. The T
 * frames ride in the channel axis ([1, S, S, T*C]) so the kernel runs once; this also avoids
 * the cpu backend's Transform, which fills every batch entry after the first with `fill`.
 */
export function warp(
  x: tf.Tensor4D,
  inverse: readonly [number, number, number, number, number, number],
  fill = 0,
): tf.Tensor4D {
  const { t, s, c } = clipDims(x);
  const packed = x.transpose([1, 2, 0, 3]).reshape<tf.Tensor4D>([1, s, s, t * c]);
  const m = tf.tensor2d([[...inverse, 0, 0]], [1, 8]);
  const out = tf.image.transform(packed, m, 'bilinear', 'constant', fill);
  return out.reshape([s, s, t, c]).transpose([2, 0, 1, 3]);
}

/** Moves the content by (dx, dy) pixels (right, down positive). */
export function translate(x: tf.Tensor4D, dx: number, dy: number): tf.Tensor4D {
  return warp(x, [1, 0, -dx, 0, 1, -dy]);
}

/** Rotates the content by `degrees` counter-clockwise on screen, about the frame's centre. */
export function rotate(x: tf.Tensor4D, degrees: number): tf.Tensor4D {
  const { s } = clipDims(x);
  const c0 = (s - 1) / 2;
  const th = (degrees * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  // Output -> input: rotate back by -theta about the centre (y down, so CCW on screen).
  return warp(x, [cos, -sin, c0 - cos * c0 + sin * c0, sin, cos, c0 - sin * c0 - cos * c0]);
}

/** Shears about the frame's centre: input x = x + k (y - centre) ('x'), or y likewise. */
export function shear(x: tf.Tensor4D, k: number, axis: 'x' | 'y'): tf.Tensor4D {
  const { s } = clipDims(x);
  const c0 = (s - 1) / 2;
  return axis === 'x' ? warp(x, [1, k, -k * c0, 0, 1, 0]) : warp(x, [1, 0, 0, k, 1, -k * c0]);
}

/**
 * Fills a square of side `side` pixels centred at (cx, cy) (fractions of the frame) with
 * `fill` in every frame and region (Cutout, DeVries & Taylor 2017).
 */
export function cutout(
  x: tf.Tensor4D,
  side: number,
  cx: number,
  cy: number,
  fill = 0.5,
): tf.Tensor4D {
  const { s } = clipDims(x);
  const half = side / 2;
  const x0 = Math.max(0, Math.round(cx * s - half));
  const x1 = Math.min(s, Math.round(cx * s + half));
  const y0 = Math.max(0, Math.round(cy * s - half));
  const y1 = Math.min(s, Math.round(cy * s + half));
  if (x1 <= x0 || y1 <= y0) return x.clone();
  const keep = new Float32Array(s * s).fill(1);
  for (let r = y0; r < y1; r++) keep.fill(0, r * s + x0, r * s + x1);
  const k = tf.tensor4d(keep, [1, s, s, 1]);
  return x.mul(k).add(tf.scalar(1).sub(k).mul(fill));
}
