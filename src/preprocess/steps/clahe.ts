/**
 * Contrast-limited adaptive histogram equalisation (Zuiderveld 1994) of the lightness L* only:
 * L* is quantised to 256 bins; the image is cut into tiles x tiles regions; each region's
 * histogram is clipped at clipLimit times the mean bin count and the excess spread evenly over
 * all bins; the clipped CDF, scaled to 0..255, is the region's mapping; every pixel's new L* is
 * the bilinear blend of the mappings of the four nearest region centres (nearest one or two at
 * the image's border). a* and b* are kept, so hue is kept.
 *
 * Clip limit and tiles follow OpenCV's createCLAHE (clip limit relative to the mean bin
 * count, at least 1), which Emotion-FAN calls with clipLimit 2.5 and an 8x8 grid.
 *
 * Two passes over the pixels, no per-pixel allocation: the first converts to f(X), f(Y), f(Z)
 * (CIE Lab before the scaling) into reused scratch planes and fills every region's histogram
 * at once; the second blends the mappings and converts back. Keeping a* and b* while L* moves
 * from L to L' shifts all three of f(X), f(Y), f(Z) by (L' - L) / 116, so no a*, b* planes are
 * needed. `steps/testing/claheReference.ts` is the plain version it is tested against.
 */
import type { RgbaImage } from '../types';
import { KAPPA, SRGB_TO_LINEAR, XN, ZN, cieF, encodeSrgb } from './lab';
import { createImage } from './warp';

export interface ClaheOptions {
  /** Histogram bins are clipped at clipLimit * (tile pixels / 256); 2.5 in Emotion-FAN. */
  clipLimit: number;
  /** Tiles per side (8 = an 8x8 grid); reduced for images narrower than that. */
  tiles: number;
}

const BINS = 256;
const L_TO_BIN = (BINS - 1) / 100;
const F_KNEE = 6 / 29;

/** Per-axis tile edges (rounded k * n / tiles) and, per pixel, its tile, the two tiles to blend and the weight. */
export function axisPlan(
  n: number,
  tiles: number,
): { tile: Int32Array; lo: Int32Array; hi: Int32Array; w: Float32Array; edges: number[] } {
  const edges = Array.from({ length: tiles + 1 }, (_, k) => Math.round((k * n) / tiles));
  const centres = edges.slice(0, -1).map((e, k) => (e + (edges[k + 1] ?? n)) / 2);
  const tile = new Int32Array(n);
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const w = new Float32Array(n);
  let k = 0;
  let t = 0;
  for (let x = 0; x < n; x++) {
    while (t + 1 < tiles && (edges[t + 1] ?? n) <= x) t++;
    tile[x] = t;
    const c = x + 0.5;
    while (k + 1 < tiles && (centres[k + 1] ?? Infinity) <= c) k++;
    const c0 = centres[k] ?? 0;
    if (c <= c0 || k + 1 >= tiles) {
      lo[x] = k;
      hi[x] = k;
      w[x] = 0;
    } else {
      const c1 = centres[k + 1] ?? c0;
      lo[x] = k;
      hi[x] = k + 1;
      w[x] = (c - c0) / (c1 - c0);
    }
  }
  return { tile, lo, hi, w, edges };
}

// Scratch planes reused between calls (one crop size per run, so they are allocated once).
let fxs = new Float32Array(0);
let fys = new Float32Array(0);
let fzs = new Float32Array(0);
let binsOf = new Uint8Array(0);

function scratch(n: number): void {
  if (fxs.length >= n) return;
  fxs = new Float32Array(n);
  fys = new Float32Array(n);
  fzs = new Float32Array(n);
  binsOf = new Uint8Array(n);
}

/** Clips each region's histogram and turns it into its mapping (bin -> 0..255), in place. */
function regionLuts(hist: Float32Array, counts: readonly number[], clipLimit: number): void {
  for (let r = 0; r < counts.length; r++) {
    const count = counts[r] ?? 0;
    const base = r * BINS;
    if (count === 0) {
      hist.fill(0, base, base + BINS);
      continue;
    }
    const clip = Math.max(1, Math.floor((clipLimit * count) / BINS));
    let excess = 0;
    for (let i = base; i < base + BINS; i++) {
      const h = hist[i] ?? 0;
      if (h > clip) {
        excess += h - clip;
        hist[i] = clip;
      }
    }
    const add = excess / BINS;
    const scale = 255 / count;
    let cdf = 0;
    for (let i = base; i < base + BINS; i++) {
      cdf += (hist[i] ?? 0) + add;
      hist[i] = cdf * scale;
    }
  }
}

export function clahe(img: RgbaImage, opts: ClaheOptions): RgbaImage {
  const { width, height } = img;
  if (!(opts.clipLimit > 0))
    throw new RangeError(`clahe: clipLimit must be > 0, got ${opts.clipLimit}`);
  if (!(Number.isInteger(opts.tiles) && opts.tiles >= 1)) {
    throw new RangeError(`clahe: tiles must be a positive integer, got ${opts.tiles}`);
  }
  if (width === 0 || height === 0) return { width, height, data: img.data.slice() };
  const tx = Math.min(opts.tiles, width);
  const ty = Math.min(opts.tiles, height);
  const n = width * height;
  scratch(n);
  const px = axisPlan(width, tx);
  const py = axisPlan(height, ty);
  const d = img.data;
  const lin = SRGB_TO_LINEAR;

  // Pass 1: f(X), f(Y), f(Z), the L* bin, and every region's histogram.
  const luts = new Float32Array(tx * ty * BINS);
  for (let y = 0, p = 0; y < height; y++) {
    const rowRegion = (py.tile[y] ?? 0) * tx;
    for (let x = 0; x < width; x++, p++) {
      const i = 4 * p;
      const r = lin[d[i] ?? 0] ?? 0;
      const g = lin[d[i + 1] ?? 0] ?? 0;
      const b = lin[d[i + 2] ?? 0] ?? 0;
      const fy = cieF(0.2126729 * r + 0.7151522 * g + 0.072175 * b);
      fxs[p] = cieF((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / XN);
      fys[p] = fy;
      fzs[p] = cieF((0.0193339 * r + 0.119192 * g + 0.9503041 * b) / ZN);
      const bin = Math.round((116 * fy - 16) * L_TO_BIN);
      const v = bin < 0 ? 0 : bin > BINS - 1 ? BINS - 1 : bin;
      binsOf[p] = v;
      const h = (rowRegion + (px.tile[x] ?? 0)) * BINS + v;
      luts[h] = (luts[h] ?? 0) + 1;
    }
  }
  const counts: number[] = [];
  for (let ry = 0; ry < ty; ry++) {
    for (let rx = 0; rx < tx; rx++) {
      const w = (px.edges[rx + 1] ?? width) - (px.edges[rx] ?? 0);
      counts.push(w * ((py.edges[ry + 1] ?? height) - (py.edges[ry] ?? 0)));
    }
  }
  regionLuts(luts, counts, opts.clipLimit);

  // Pass 2: blend the four nearest mappings, shift f(X), f(Y), f(Z) and convert back.
  const out = createImage(width, height);
  const o = out.data;
  const toF = 1 / (116 * L_TO_BIN);
  for (let y = 0, p = 0; y < height; y++) {
    const r0 = (py.lo[y] ?? 0) * tx * BINS;
    const r1 = (py.hi[y] ?? 0) * tx * BINS;
    const wy = py.w[y] ?? 0;
    for (let x = 0; x < width; x++, p++) {
      const c0 = (px.lo[x] ?? 0) * BINS;
      const c1 = (px.hi[x] ?? 0) * BINS;
      const wx = px.w[x] ?? 0;
      const v = binsOf[p] ?? 0;
      const top = (1 - wx) * (luts[r0 + c0 + v] ?? 0) + wx * (luts[r0 + c1 + v] ?? 0);
      const bottom = (1 - wx) * (luts[r1 + c0 + v] ?? 0) + wx * (luts[r1 + c1 + v] ?? 0);
      // New f(Y) = (L' + 16) / 116 with L' = blend / L_TO_BIN.
      const fyNew = ((1 - wy) * top + wy * bottom) * toF + 16 / 116;
      const shift = fyNew - (fys[p] ?? 0);
      const fx = (fxs[p] ?? 0) + shift;
      const fz = (fzs[p] ?? 0) + shift;
      const X = XN * (fx > F_KNEE ? fx * fx * fx : KAPPA * (fx - 4 / 29));
      const Y = fyNew > F_KNEE ? fyNew * fyNew * fyNew : KAPPA * (fyNew - 4 / 29);
      const Z = ZN * (fz > F_KNEE ? fz * fz * fz : KAPPA * (fz - 4 / 29));
      const i = 4 * p;
      o[i] = encodeSrgb(3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z);
      o[i + 1] = encodeSrgb(-0.969266 * X + 1.8760108 * Y + 0.041556 * Z);
      o[i + 2] = encodeSrgb(0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z);
      o[i + 3] = d[i + 3] ?? 255;
    }
  }
  return out;
}
