/**
 * Helpers on the 2x3 `Affine` of types.ts: [a, b, c, d, e, f] maps a source point (x, y) to
 * (a*x + b*y + c, d*x + e*y + f). Coordinates are continuous pixels with pixel centres at
 * integer + 0.5 (the top-left pixel covers [0, 1) x [0, 1)), y pointing down.
 *
 * Angles follow the screen: a positive angle turns counter-clockwise as the image is
 * displayed (y down), like OpenCV's getRotationMatrix2D.
 */
import type { Affine, Point } from '../types';

export const IDENTITY_AFFINE: Affine = [1, 0, 0, 0, 1, 0];

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

export function affineDeterminant(m: Affine): number {
  return m[0] * m[4] - m[1] * m[3];
}

/** The inverse map. Throws a RangeError for a singular (or non-finite) matrix. */
export function invertAffine(m: Affine): Affine {
  const det = affineDeterminant(m);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) {
    throw new RangeError(`affine matrix is singular (determinant ${det})`);
  }
  const [a, b, c, d, e, f] = m;
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** `outer ∘ inner`: the map that applies `inner` first, then `outer`. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [p, q, r, s, t, u] = inner;
  return [
    a * p + b * s,
    a * q + b * t,
    a * r + b * u + c,
    d * p + e * s,
    d * q + e * t,
    d * r + e * u + f,
  ];
}

export function translation(dx: number, dy: number): Affine {
  return [1, 0, dx, 0, 1, dy];
}

/** Uniform scale by `k` about the origin. */
export function scaling(k: number): Affine {
  return [k, 0, 0, 0, k, 0];
}

/**
 * Rotation by `angleRad` about `center`, counter-clockwise on screen for a positive angle.
 * With y down that is [cos, sin; -sin, cos] on the offset from the centre.
 */
export function rotationAbout(center: Point, angleRad: number): Affine {
  const cos = Math.cos(angleRad);
  const sin = Math.sin(angleRad);
  return [
    cos,
    sin,
    center.x - cos * center.x - sin * center.y,
    -sin,
    cos,
    center.y + sin * center.x - cos * center.y,
  ];
}

/**
 * The similarity (rotation, uniform scale, translation; no reflection) that maps `srcA` onto
 * `dstA` and `srcB` onto `dstB` exactly. In complex numbers z = x + iy it is w = s*z + t with
 * s = (dstB - dstA) / (srcB - srcA) and t = dstA - s*srcA. Throws if the source points coincide.
 */
export function similarityFromPairs(srcA: Point, srcB: Point, dstA: Point, dstB: Point): Affine {
  const sx = srcB.x - srcA.x;
  const sy = srcB.y - srcA.y;
  const dx = dstB.x - dstA.x;
  const dy = dstB.y - dstA.y;
  const norm = sx * sx + sy * sy;
  if (!(norm > 1e-12)) {
    throw new RangeError('similarityFromPairs: the two source points coincide');
  }
  // s = (dx + i dy) / (sx + i sy) = ((dx + i dy)(sx - i sy)) / |src|^2
  const re = (dx * sx + dy * sy) / norm;
  const im = (dy * sx - dx * sy) / norm;
  const tx = dstA.x - (re * srcA.x - im * srcA.y);
  const ty = dstA.y - (im * srcA.x + re * srcA.y);
  return [re, -im, tx, im, re, ty];
}

/** Uniform scale factor of a similarity (sqrt of |determinant| for a general affine). */
export function affineScale(m: Affine): number {
  return Math.sqrt(Math.abs(affineDeterminant(m)));
}

/**
 * Rotation angle of the linear part, radians, counter-clockwise on screen (as rotationAbout).
 * Meaningful for similarities.
 */
export function affineRotation(m: Affine): number {
  return Math.atan2(m[1], m[0]);
}
