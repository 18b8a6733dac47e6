/**
 * Affine warp of an RGBA image: every output pixel centre (i + 0.5, j + 0.5) is mapped back
 * through the inverse of `m` and the source is sampled bilinearly between source pixel centres
 * (integer + 0.5). Outside the source the fill colour is used (alpha 255), neighbour by
 * neighbour, so the border is blended over one source pixel (OpenCV's BORDER_CONSTANT).
 *
 * Shrinking maps are antialiased (unless `antialias: false`): with k = floor(the smaller source
 * step per output pixel) >= 2 the part of the source the crop covers is first box-averaged over
 * k x k blocks; then each output pixel averages n x n bilinear samples spread over its
 * footprint, n = ceil(step / k) per axis (1 or 2 for a similarity), so nothing is skipped.
 */
import type { Affine, RgbaImage } from '../types';
import { applyAffine, composeAffine, invertAffine } from './affine';

export interface WarpOptions {
  /** Colour outside the source, RGB 0..255; default black. */
  fill?: readonly [number, number, number];
  /** Prefilter and supersample shrinking maps (default true). */
  antialias?: boolean;
  /** Cap on samples per axis per output pixel (default 4). */
  maxSamples?: number;
}

export interface WarpPlan {
  /** Box prefilter block size in source pixels (1 = none). */
  prefilter: number;
  /** Bilinear samples per output pixel, per axis. */
  samples: { x: number; y: number };
}

export function createImage(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/** How warpAffine will sample `m` (see the module comment). */
export function warpPlan(m: Affine, antialias = true, maxSamples = 4): WarpPlan {
  if (!antialias) return { prefilter: 1, samples: { x: 1, y: 1 } };
  const inv = invertAffine(m);
  const sx = Math.hypot(inv[0], inv[3]);
  const sy = Math.hypot(inv[1], inv[4]);
  const k = Math.max(1, Math.floor(Math.min(sx, sy) + 1e-9));
  const n = (step: number): number => Math.max(1, Math.min(maxSamples, Math.ceil(step / k - 1e-6)));
  return { prefilter: k, samples: { x: n(sx), y: n(sy) } };
}

/** RGBA with float channels (0..255, unrounded): the prefiltered source, so it is rounded once. */
export interface FloatRgbaImage {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Mean of k x k blocks of the source rectangle [x0, x1) x [y0, y1) (integers, inside the
 * image); partial blocks at the right and bottom average the pixels they have.
 */
export function boxReduce(
  src: RgbaImage,
  k: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): FloatRgbaImage {
  const w = Math.ceil((x1 - x0) / k);
  const h = Math.ceil((y1 - y0) / k);
  const out = { width: w, height: h, data: new Float32Array(w * h * 4) };
  const o = out.data;
  const s = src.data;
  const acc = new Float64Array(w * 4);
  for (let v = 0; v < h; v++) {
    acc.fill(0);
    const ya = y0 + v * k;
    const yb = Math.min(y1, ya + k);
    for (let y = ya; y < yb; y++) {
      let i = (y * src.width + x0) * 4;
      for (let x = x0; x < x1; x++, i += 4) {
        const u = (((x - x0) / k) | 0) * 4;
        acc[u] = (acc[u] ?? 0) + (s[i] ?? 0);
        acc[u + 1] = (acc[u + 1] ?? 0) + (s[i + 1] ?? 0);
        acc[u + 2] = (acc[u + 2] ?? 0) + (s[i + 2] ?? 0);
        acc[u + 3] = (acc[u + 3] ?? 0) + (s[i + 3] ?? 0);
      }
    }
    for (let u = 0; u < w; u++) {
      const count = (yb - ya) * (Math.min(x1, x0 + (u + 1) * k) - (x0 + u * k));
      const j = (v * w + u) * 4;
      for (let ch = 0; ch < 4; ch++) o[j + ch] = (acc[u * 4 + ch] ?? 0) / count;
    }
  }
  return out;
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
  const plan = warpPlan(m, opts.antialias ?? true, opts.maxSamples ?? 4);
  const k = plan.prefilter;
  if (k > 1) {
    // The source rectangle the output covers, with a margin so every bilinear tap is inside it.
    const inv = invertAffine(m);
    const corners = [
      { x: 0, y: 0 },
      { x: W, y: 0 },
      { x: 0, y: H },
      { x: W, y: H },
    ].map((p) => applyAffine(inv, p));
    const xs = corners.map((p) => p.x);
    const ys = corners.map((p) => p.y);
    const x0 = Math.max(0, Math.floor(Math.min(...xs)) - 2 * k);
    const y0 = Math.max(0, Math.floor(Math.min(...ys)) - 2 * k);
    const x1 = Math.min(src.width, Math.ceil(Math.max(...xs)) + 2 * k);
    const y1 = Math.min(src.height, Math.ceil(Math.max(...ys)) + 2 * k);
    if (x1 > x0 && y1 > y0) {
      const reduced = boxReduce(src, k, x0, y0, x1, y1);
      // reduced pixel u covers source [x0 + u k, x0 + (u + 1) k): X = k U + x0
      const m2 = composeAffine(m, [k, 0, x0, 0, k, y0]);
      return warpSampled(reduced, m2, W, H, fill, plan.samples.x, plan.samples.y);
    }
  }
  return warpSampled(src, m, W, H, fill, plan.samples.x, plan.samples.y);
}

/**
 * Adds w times the source pixel (x, y), or the fill colour when it is outside, to acc[0..3].
 * The slow path, used only near the source's border.
 */
function addTap(
  src: RgbaImage | FloatRgbaImage,
  x: number,
  y: number,
  w: number,
  fill: readonly [number, number, number],
  acc: Float64Array,
): void {
  if (w === 0) return;
  if (x >= 0 && x < src.width && y >= 0 && y < src.height) {
    const i = (y * src.width + x) * 4;
    for (let ch = 0; ch < 4; ch++) acc[ch] = (acc[ch] ?? 0) + w * (src.data[i + ch] ?? 0);
  } else {
    for (let ch = 0; ch < 3; ch++) acc[ch] = (acc[ch] ?? 0) + w * fill[ch as 0 | 1 | 2];
    acc[3] = (acc[3] ?? 0) + w * 255;
  }
}

/** The sampling loop: nx x ny bilinear samples per output pixel. */
function warpSampled(
  src: RgbaImage | FloatRgbaImage,
  m: Affine,
  W: number,
  H: number,
  fill: readonly [number, number, number],
  nx: number,
  ny: number,
): RgbaImage {
  const [a, b, c, d, e, f] = invertAffine(m);
  const sw = src.width;
  const sh = src.height;
  const s = src.data;
  const row = sw * 4;
  const out = createImage(W, H);
  const o = out.data;
  const norm = 1 / (nx * ny);
  const edge = new Float64Array(4);
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      let al = 0;
      for (let q = 0; q < ny; q++) {
        const y = j + (q + 0.5) / ny;
        for (let p = 0; p < nx; p++) {
          const x = i + (p + 0.5) / nx;
          // Source point, shifted so pixel centres are at integers.
          const fx = a * x + b * y + c - 0.5;
          const fy = d * x + e * y + f - 0.5;
          const x0 = Math.floor(fx);
          const y0 = Math.floor(fy);
          const tx = fx - x0;
          const ty = fy - y0;
          const w00 = (1 - tx) * (1 - ty);
          const w10 = tx * (1 - ty);
          const w01 = (1 - tx) * ty;
          const w11 = tx * ty;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
            const k = (y0 * sw + x0) * 4;
            const l = k + row;
            r +=
              w00 * (s[k] ?? 0) + w10 * (s[k + 4] ?? 0) + w01 * (s[l] ?? 0) + w11 * (s[l + 4] ?? 0);
            g +=
              w00 * (s[k + 1] ?? 0) +
              w10 * (s[k + 5] ?? 0) +
              w01 * (s[l + 1] ?? 0) +
              w11 * (s[l + 5] ?? 0);
            bl +=
              w00 * (s[k + 2] ?? 0) +
              w10 * (s[k + 6] ?? 0) +
              w01 * (s[l + 2] ?? 0) +
              w11 * (s[l + 6] ?? 0);
            al +=
              w00 * (s[k + 3] ?? 0) +
              w10 * (s[k + 7] ?? 0) +
              w01 * (s[l + 3] ?? 0) +
              w11 * (s[l + 7] ?? 0);
          } else {
            edge.fill(0);
            addTap(src, x0, y0, w00, fill, edge);
            addTap(src, x0 + 1, y0, w10, fill, edge);
            addTap(src, x0, y0 + 1, w01, fill, edge);
            addTap(src, x0 + 1, y0 + 1, w11, fill, edge);
            r += edge[0] ?? 0;
            g += edge[1] ?? 0;
            bl += edge[2] ?? 0;
            al += edge[3] ?? 0;
          }
        }
      }
      const k = (j * W + i) * 4;
      o[k] = r * norm;
      o[k + 1] = g * norm;
      o[k + 2] = bl * norm;
      o[k + 3] = al * norm;
    }
  }
  return out;
}
