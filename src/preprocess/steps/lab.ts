/**
 * sRGB <-> CIE L*a*b* (D65 white, the sRGB primaries), per pixel, into planes. Photometric
 * steps change L only and keep a*, b*, so the hue angle atan2(b*, a*) is kept (up to gamut
 * clipping and 8-bit rounding). L is 0..100.
 */
import type { RgbaImage } from '../types';
import { createImage } from './warp';

export interface LabPlanes {
  width: number;
  height: number;
  L: Float32Array;
  a: Float32Array;
  b: Float32Array;
  /** The source's alpha, kept as is. */
  alpha: Uint8ClampedArray;
}

// sRGB transfer: 8-bit code -> linear light.
const TO_LINEAR = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  TO_LINEAR[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

// D65 reference white.
const XN = 0.95047;
const ZN = 1.08883;
const EPS = (6 / 29) ** 3;
const KAPPA = 3 * (6 / 29) ** 2;

/** CIE f(t) = t^(1/3) (linear below EPS), exactly. */
export function cieFExact(t: number): number {
  return t > EPS ? Math.cbrt(t) : t / KAPPA + 4 / 29;
}

// CIE f(t) on 0..1 by table, linear interpolation between F_STEPS + 1 entries: Math.cbrt is
// most of the per-pixel cost of the Lab conversion. Worst error 1e-5 of f, 0.001 of L*
// (lab.test.ts checks it).
const F_STEPS = 4096;
const F_TABLE = new Float64Array(F_STEPS + 2);
for (let i = 0; i <= F_STEPS + 1; i++) F_TABLE[i] = cieFExact(i / F_STEPS);

/** CIE f(t): by table for t in [0, 1) (X/Xn, Y, Z/Zn of sRGB colours are), exact elsewhere. */
export function cieF(t: number): number {
  if (!(t >= 0 && t < 1)) return cieFExact(t);
  const u = t * F_STEPS;
  const i = u | 0;
  const lo = F_TABLE[i] ?? 0;
  return lo + (u - i) * ((F_TABLE[i + 1] ?? 0) - lo);
}

const f = cieF;

function finv(t: number): number {
  return t > 6 / 29 ? t * t * t : KAPPA * (t - 4 / 29);
}

function encodeExact(c: number): number {
  return 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
}

// Linear light -> 8-bit code by table (linear interpolation between ENCODE_STEPS + 1 entries);
// worst error 0.01 of a code against encodeExact (checked in lab.test.ts).
const ENCODE_STEPS = 4096;
const ENCODE = new Float64Array(ENCODE_STEPS + 2);
for (let i = 0; i <= ENCODE_STEPS; i++) ENCODE[i] = encodeExact(i / ENCODE_STEPS);
ENCODE[ENCODE_STEPS + 1] = 255;

/** Linear light (0..1, clipped) -> sRGB 0..255 (unrounded). */
export function encodeSrgb(c: number): number {
  if (!(c > 0)) return 0;
  if (c >= 1) return 255;
  const t = c * ENCODE_STEPS;
  const i = Math.floor(t);
  const lo = ENCODE[i] ?? 0;
  return lo + (t - i) * ((ENCODE[i + 1] ?? 255) - lo);
}

export { encodeExact as encodeSrgbExact };

/** L* (0..100) of one 8-bit sRGB colour. */
export function lightnessOf(r: number, g: number, b: number): number {
  const rl = TO_LINEAR[r] ?? 0;
  const gl = TO_LINEAR[g] ?? 0;
  const bl = TO_LINEAR[b] ?? 0;
  return 116 * f(0.2126729 * rl + 0.7151522 * gl + 0.072175 * bl) - 16;
}

/**
 * Mean CIE L* of all pixels, scaled to 0..1 (alpha ignored). This is the "mean lightness"
 * reported before and after illumination correction.
 */
export function meanLightness(img: RgbaImage): number {
  const d = img.data;
  const n = img.width * img.height;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n * 4; i += 4) sum += lightnessOf(d[i] ?? 0, d[i + 1] ?? 0, d[i + 2] ?? 0);
  return sum / n / 100;
}

export function toLab(img: RgbaImage): LabPlanes {
  const n = img.width * img.height;
  const d = img.data;
  const L = new Float32Array(n);
  const A = new Float32Array(n);
  const B = new Float32Array(n);
  const alpha = new Uint8ClampedArray(n);
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const r = TO_LINEAR[d[i] ?? 0] ?? 0;
    const g = TO_LINEAR[d[i + 1] ?? 0] ?? 0;
    const b = TO_LINEAR[d[i + 2] ?? 0] ?? 0;
    const fx = f((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / XN);
    const fy = f(0.2126729 * r + 0.7151522 * g + 0.072175 * b);
    const fz = f((0.0193339 * r + 0.119192 * g + 0.9503041 * b) / ZN);
    L[p] = 116 * fy - 16;
    A[p] = 500 * (fx - fy);
    B[p] = 200 * (fy - fz);
    alpha[p] = d[i + 3] ?? 255;
  }
  return { width: img.width, height: img.height, L, a: A, b: B, alpha };
}

/** Back to 8-bit sRGB; out-of-gamut channels are clipped. */
export function fromLab(lab: LabPlanes): RgbaImage {
  const n = lab.width * lab.height;
  const out = createImage(lab.width, lab.height);
  const o = out.data;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const fy = ((lab.L[p] ?? 0) + 16) / 116;
    const x = XN * finv(fy + (lab.a[p] ?? 0) / 500);
    const y = finv(fy);
    const z = ZN * finv(fy - (lab.b[p] ?? 0) / 200);
    o[i] = encodeSrgb(3.2404542 * x - 1.5371385 * y - 0.4985314 * z);
    o[i + 1] = encodeSrgb(-0.969266 * x + 1.8760108 * y + 0.041556 * z);
    o[i + 2] = encodeSrgb(0.0556434 * x - 0.2040259 * y + 1.0572252 * z);
    o[i + 3] = lab.alpha[p] ?? 255;
  }
  return out;
}
