/**
 * Affine warp of an RGBA image: every output pixel centre (i + 0.5, j + 0.5) is mapped back
 * through the inverse of `m` and the source is sampled bilinearly between source pixel centres
 * (integer + 0.5). Outside the source the fill colour is used (alpha 255), neighbour by
 * neighbour, so the border is blended over one source pixel (OpenCV's BORDER_CONSTANT).
 *
 * When the map shrinks the source (more than one source pixel per output pixel), each output
 * pixel averages n x n bilinear samples spread over its footprint (n = ceil of the source step,
 * at most `maxSamples`), so downscaled crops are not aliased. n = 1 samples the centre only.
 */
import type { Affine, RgbaImage } from '../types';
import { invertAffine } from './affine';

export interface WarpOptions {
  /** Colour outside the source, RGB 0..255; default black. */
  fill?: readonly [number, number, number];
  /** Supersample shrinking maps (default true). */
  antialias?: boolean;
  /** Cap on samples per axis per output pixel (default 4). */
  maxSamples?: number;
}

export function createImage(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/** Samples per axis: ceil of the source distance covered by one output pixel step in x / y. */
export function warpSamples(m: Affine, maxSamples = 4): { x: number; y: number } {
  const inv = invertAffine(m);
  const n = (step: number): number => Math.max(1, Math.min(maxSamples, Math.ceil(step - 1e-6)));
  return { x: n(Math.hypot(inv[0], inv[3])), y: n(Math.hypot(inv[1], inv[4])) };
}

export function warpAffine(
  src: RgbaImage,
  m: Affine,
  size: { width: number; height: number },
  opts: WarpOptions = {},
): RgbaImage {
  const { width: W, height: H } = size;
  if (!(Number.isInteger(W) && Number.isInteger(H) && W > 0 && H > 0)) {
    throw new RangeError(`warpAffine: bad output size ${W}x${H}`);
  }
  if (src.data.length !== src.width * src.height * 4) {
    throw new RangeError('warpAffine: source data length is not width * height * 4');
  }
  const fill = opts.fill ?? [0, 0, 0];
  const fr = fill[0];
  const fg = fill[1];
  const fb = fill[2];
  const inv = invertAffine(m);
  const [a, b, c, d, e, f] = inv;
  const { x: nx, y: ny } =
    opts.antialias === false ? { x: 1, y: 1 } : warpSamples(m, opts.maxSamples ?? 4);
  const sw = src.width;
  const sh = src.height;
  const s = src.data;
  const out = createImage(W, H);
  const o = out.data;
  const norm = 1 / (nx * ny);
  let acc0 = 0;
  let acc1 = 0;
  let acc2 = 0;
  let acc3 = 0;

  // Adds one bilinear sample at source point (sx, sy) to acc0..acc3.
  const sample = (sx: number, sy: number): void => {
    const fx = sx - 0.5;
    const fy = sy - 0.5;
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const tx = fx - x0;
    const ty = fy - y0;
    const w00 = (1 - tx) * (1 - ty);
    const w10 = tx * (1 - ty);
    const w01 = (1 - tx) * ty;
    const w11 = tx * ty;
    if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
      // Fast path: all four neighbours inside.
      const i00 = (y0 * sw + x0) * 4;
      const i01 = i00 + sw * 4;
      acc0 +=
        w00 * (s[i00] ?? 0) +
        w10 * (s[i00 + 4] ?? 0) +
        w01 * (s[i01] ?? 0) +
        w11 * (s[i01 + 4] ?? 0);
      acc1 +=
        w00 * (s[i00 + 1] ?? 0) +
        w10 * (s[i00 + 5] ?? 0) +
        w01 * (s[i01 + 1] ?? 0) +
        w11 * (s[i01 + 5] ?? 0);
      acc2 +=
        w00 * (s[i00 + 2] ?? 0) +
        w10 * (s[i00 + 6] ?? 0) +
        w01 * (s[i01 + 2] ?? 0) +
        w11 * (s[i01 + 6] ?? 0);
      acc3 +=
        w00 * (s[i00 + 3] ?? 0) +
        w10 * (s[i00 + 7] ?? 0) +
        w01 * (s[i01 + 3] ?? 0) +
        w11 * (s[i01 + 7] ?? 0);
      return;
    }
    corner(x0, y0, w00);
    corner(x0 + 1, y0, w10);
    corner(x0, y0 + 1, w01);
    corner(x0 + 1, y0 + 1, w11);
  };
  // One neighbour with weight w: the source pixel, or the fill colour outside the source.
  const corner = (x: number, y: number, w: number): void => {
    if (w === 0) return;
    if (x >= 0 && x < sw && y >= 0 && y < sh) {
      const i = (y * sw + x) * 4;
      acc0 += w * (s[i] ?? 0);
      acc1 += w * (s[i + 1] ?? 0);
      acc2 += w * (s[i + 2] ?? 0);
      acc3 += w * (s[i + 3] ?? 0);
    } else {
      acc0 += w * fr;
      acc1 += w * fg;
      acc2 += w * fb;
      acc3 += w * 255;
    }
  };

  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      acc0 = acc1 = acc2 = acc3 = 0;
      for (let q = 0; q < ny; q++) {
        const y = j + (q + 0.5) / ny;
        for (let p = 0; p < nx; p++) {
          const x = i + (p + 0.5) / nx;
          sample(a * x + b * y + c, d * x + e * y + f);
        }
      }
      const k = (j * W + i) * 4;
      o[k] = acc0 * norm;
      o[k + 1] = acc1 * norm;
      o[k + 2] = acc2 * norm;
      o[k + 3] = acc3 * norm;
    }
  }
  return out;
}
