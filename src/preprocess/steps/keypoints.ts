/** The named keypoints kept per frame (FrameRecord.keypoints), from landmarks when there are any. */
import { eyeCentres, MESH_INDEX, mouthCorners } from '../faceGeometry';
import type { FaceResult, FrameRecord, Point } from '../types';

function midpoint(a: Point, b: Point): Point {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/**
 * Eyes: iris centres (mesh 468 / 473) when the mesh exists, else the detector's eye keypoints.
 * Mouth corners: mesh 61 / 291, or null without a mesh. Nose tip: mesh 1, else the detector's.
 * Mouth centre: midway between the inner lip points (mesh 13 / 14), else the detector's.
 * Points are copied as plain {x, y} (no z).
 */
export function namedKeypoints(face: FaceResult): FrameRecord['keypoints'] {
  const xy = (p: Point): Point => ({ x: p.x, y: p.y });
  const eyes = eyeCentres(face);
  const mouth = mouthCorners(face);
  const l = face.landmarks;
  const nose = l?.[MESH_INDEX.noseTip];
  const upper = l?.[MESH_INDEX.upperLipInner];
  const lower = l?.[MESH_INDEX.lowerLipInner];
  return {
    rightEye: xy(eyes.right),
    leftEye: xy(eyes.left),
    noseTip: xy(nose ?? face.keypoints.noseTip),
    mouthRight: mouth ? xy(mouth.right) : null,
    mouthLeft: mouth ? xy(mouth.left) : null,
    mouthCenter: upper && lower ? midpoint(upper, lower) : xy(face.keypoints.mouthCenter),
  };
}
