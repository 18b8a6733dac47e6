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
 */
import type { RgbaImage } from '../types';
import { fromLab, toLab } from './lab';

export interface ClaheOptions {
  /** Histogram bins are clipped at clipLimit * (tile pixels / 256); 2.5 in Emotion-FAN. */
  clipLimit: number;
  /** Tiles per side (8 = an 8x8 grid); reduced for images narrower than that. */
  tiles: number;
}

const BINS = 256;
const L_TO_BIN = (BINS - 1) / 100;

/** Per-axis tile edges (rounded k * n / tiles) and, per pixel, the two tiles and the blend weight. */
function axisPlan(
  n: number,
  tiles: number,
): { lo: Int32Array; hi: Int32Array; w: Float32Array; edges: number[] } {
  const edges = Array.from({ length: tiles + 1 }, (_, k) => Math.round((k * n) / tiles));
  const centres = edges.slice(0, -1).map((e, k) => (e + (edges[k + 1] ?? n)) / 2);
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const w = new Float32Array(n);
  let k = 0;
  for (let x = 0; x < n; x++) {
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
  return { lo, hi, w, edges };
}

/** The clipped-histogram mapping of one region: bin -> 0..255. */
function regionLut(
  bins: Uint8Array,
  width: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  clipLimit: number,
): Float32Array {
  const hist = new Float64Array(BINS);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const v = bins[y * width + x] ?? 0;
      hist[v] = (hist[v] ?? 0) + 1;
    }
  }
  const count = (x1 - x0) * (y1 - y0);
  const lut = new Float32Array(BINS);
  if (count === 0) return lut;
  const clip = Math.max(1, Math.floor((clipLimit * count) / BINS));
  let excess = 0;
  for (let i = 0; i < BINS; i++) {
    const h = hist[i] ?? 0;
    if (h > clip) {
      excess += h - clip;
      hist[i] = clip;
    }
  }
  const add = excess / BINS;
  let cdf = 0;
  for (let i = 0; i < BINS; i++) {
    cdf += (hist[i] ?? 0) + add;
    lut[i] = (cdf * 255) / count;
  }
  return lut;
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
  const lab = toLab(img);
  const n = width * height;
  const bins = new Uint8Array(n);
  for (let p = 0; p < n; p++)
    bins[p] = Math.min(BINS - 1, Math.max(0, Math.round((lab.L[p] ?? 0) * L_TO_BIN)));

  const px = axisPlan(width, tx);
  const py = axisPlan(height, ty);
  // luts[ry * tx + rx]: the mapping of region (rx, ry)
  const luts: Float32Array[] = [];
  for (let ry = 0; ry < ty; ry++) {
    for (let rx = 0; rx < tx; rx++) {
      luts.push(
        regionLut(
          bins,
          width,
          px.edges[rx] ?? 0,
          px.edges[rx + 1] ?? width,
          py.edges[ry] ?? 0,
          py.edges[ry + 1] ?? height,
          opts.clipLimit,
        ),
      );
    }
  }
  const empty = new Float32Array(BINS);
  const L = lab.L;
  for (let y = 0; y < height; y++) {
    const r0 = (py.lo[y] ?? 0) * tx;
    const r1 = (py.hi[y] ?? 0) * tx;
    const wy = py.w[y] ?? 0;
    for (let x = 0; x < width; x++) {
      const c0 = px.lo[x] ?? 0;
      const c1 = px.hi[x] ?? 0;
      const wx = px.w[x] ?? 0;
      const p = y * width + x;
      const v = bins[p] ?? 0;
      const top =
        (1 - wx) * ((luts[r0 + c0] ?? empty)[v] ?? 0) + wx * ((luts[r0 + c1] ?? empty)[v] ?? 0);
      const bottom =
        (1 - wx) * ((luts[r1 + c0] ?? empty)[v] ?? 0) + wx * ((luts[r1 + c1] ?? empty)[v] ?? 0);
      L[p] = ((1 - wy) * top + wy * bottom) / L_TO_BIN;
    }
  }
  return fromLab(lab);
}
