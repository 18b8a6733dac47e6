/**
 * The triangulation the piecewise-affine warp runs over: the 478 landmarks, a ring of
 * points around the face (which stays put, so the face moves against its surroundings) and
 * a far square frame (so every output pixel falls in some triangle), Delaunay-triangulated
 * once per base photo on the neutral landmarks. The same triangles are then used with the
 * displaced points of every frame.
 */
import Delaunator from 'delaunator';
import { fromFaceCoords, type FaceFrame, type Points } from './geometry';

export interface WarpMesh {
  /** Source points (pixels of the base photo): landmarks, then ring, then frame. */
  points: Points;
  /** How many of the points are landmarks (the rest are fixed). */
  landmarkCount: number;
  /** Triangles as index triples into `points`. */
  triangles: Uint32Array;
}

/** Ring: 24 points on an ellipse around the face; frame: 8 points on a square of ±6 D. */
export const RING_POINTS = 24;
export const RING_CENTRE_V = 0.5;
export const RING_RADII = { u: 1.6, v: 1.9 } as const;
export const FRAME_HALF_SIZE = 6;

export function fixedPointsUv(): Float64Array {
  const out: number[] = [];
  for (let k = 0; k < RING_POINTS; k++) {
    const a = (2 * Math.PI * k) / RING_POINTS;
    out.push(RING_RADII.u * Math.cos(a), RING_CENTRE_V + RING_RADII.v * Math.sin(a));
  }
  const h = FRAME_HALF_SIZE;
  for (const [x, y] of [
    [-h, -h],
    [0, -h],
    [h, -h],
    [h, 0],
    [h, h],
    [0, h],
    [-h, h],
    [-h, 0],
  ] as const)
    out.push(x, RING_CENTRE_V + y);
  return Float64Array.from(out);
}

export function buildMesh(landmarks: Points, frame: FaceFrame): WarpMesh {
  const fixed = fromFaceCoords(frame, fixedPointsUv());
  const points = new Float64Array(landmarks.length + fixed.length);
  points.set(landmarks);
  points.set(fixed, landmarks.length);
  const d = new Delaunator(points);
  return { points, landmarkCount: landmarks.length / 2, triangles: d.triangles };
}
