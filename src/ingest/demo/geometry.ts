/**
 * The face's own coordinate frame, in which every expression and identity displacement is
 * defined, so that they fit any photo whatever its size, position and tilt.
 *
 * Landmarks are MediaPipe FaceLandmarker's 478 points, stored flat as `[x0, y0, x1, y1, ...]`
 * in pixels of the base photo. The frame: origin at the midpoint of the iris centres
 * (points 468 and 473), u along the line from the person's right iris to the left one
 * (image left to right in an unmirrored frontal photo), v perpendicular to it pointing down
 * towards the chin, and the unit is the inter-ocular distance D (iris to iris). On a frontal
 * face the brows then sit near v = -0.3, the nose tip near v = 0.65, the mouth corners near
 * (±0.5, 0.9) and the chin near v = 1.75 (astronaut.png's values).
 */

export const LANDMARK_COUNT = 478;

/** Flat `[x0, y0, x1, y1, ...]`. */
export type Points = Float64Array;

/** Indices of the mesh points the frame and the expression model are anchored on. */
export const ANCHOR = {
  rightIris: 468,
  leftIris: 473,
  rightEyeOuter: 33,
  rightEyeInner: 133,
  leftEyeInner: 362,
  leftEyeOuter: 263,
  upperLipTop: 0,
  upperLipInner: 13,
  lowerLipInner: 14,
  lowerLipBottom: 17,
  mouthRight: 61,
  mouthLeft: 291,
  noseTip: 1,
  chin: 152,
} as const;

/** The first iris point: 468-477 are the two irises (5 points each). */
export const FIRST_IRIS_POINT = 468;

export interface FaceFrame {
  /** Origin (pixels). */
  ox: number;
  oy: number;
  /** Unit vector of u (pixels per pixel). */
  ux: number;
  uy: number;
  /** Inter-ocular distance in pixels: one unit of u and v. */
  d: number;
}

export function px(points: Points, i: number): number {
  return points[2 * i] ?? NaN;
}
export function py(points: Points, i: number): number {
  return points[2 * i + 1] ?? NaN;
}

export function faceFrameOf(points: Points): FaceFrame {
  if (points.length < 2 * LANDMARK_COUNT)
    throw new RangeError(`expected ${LANDMARK_COUNT} landmarks, got ${points.length / 2}`);
  const rx = px(points, ANCHOR.rightIris);
  const ry = py(points, ANCHOR.rightIris);
  const lx = px(points, ANCHOR.leftIris);
  const ly = py(points, ANCHOR.leftIris);
  const d = Math.hypot(lx - rx, ly - ry);
  if (!(d > 1)) throw new RangeError('the iris centres coincide: not a usable face');
  return { ox: (rx + lx) / 2, oy: (ry + ly) / 2, ux: (lx - rx) / d, uy: (ly - ry) / d, d };
}

/** Pixel points -> face coordinates (u, v), flat like the input. */
export function toFaceCoords(frame: FaceFrame, points: Points): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    const dx = (points[i] ?? 0) - frame.ox;
    const dy = (points[i + 1] ?? 0) - frame.oy;
    out[i] = (dx * frame.ux + dy * frame.uy) / frame.d;
    out[i + 1] = (-dx * frame.uy + dy * frame.ux) / frame.d;
  }
  return out;
}

/** Face coordinates -> pixels (the inverse of toFaceCoords). */
export function fromFaceCoords(frame: FaceFrame, uv: Float64Array): Points {
  const out = new Float64Array(uv.length);
  for (let i = 0; i < uv.length; i += 2) {
    const u = (uv[i] ?? 0) * frame.d;
    const v = (uv[i + 1] ?? 0) * frame.d;
    out[i] = frame.ox + u * frame.ux - v * frame.uy;
    out[i + 1] = frame.oy + u * frame.uy + v * frame.ux;
  }
  return out;
}

/** Hermite smoothstep from 0 at `a` to 1 at `b` (a > b makes it fall instead of rise). */
export function ramp(x: number, a: number, b: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/** exp(-((x - c) / r)^2): 1 at c, 0.37 at c ± r. */
export function bump(x: number, c: number, r: number): number {
  const z = (x - c) / r;
  return Math.exp(-z * z);
}
