/**
 * A detected face in our terms: its box, the detector's six keypoints and the 478-point mesh,
 * with the mesh indices and the eye and mouth points the alignment uses. Plain data and pure
 * functions (no tasks-vision): ./faceModels.ts converts MediaPipe's results to these and
 * re-exports them.
 */
export interface Point {
  x: number;
  y: number;
}

export interface Point3 extends Point {
  z: number;
}

/** Names of the detector's six keypoints, in its output order (the person's left/right). */
export const DETECTOR_KEYPOINTS = [
  'rightEye',
  'leftEye',
  'noseTip',
  'mouthCenter',
  'rightEarTragion',
  'leftEarTragion',
] as const;
export type DetectorKeypoint = (typeof DETECTOR_KEYPOINTS)[number];

/**
 * Indices into the 478-point mesh used for alignment and the mouth crop. "Right"/"left" are
 * the person's: the right eye is on the image's left in an unmirrored frontal photo.
 */
export const MESH_INDEX = {
  rightEyeOuter: 33,
  rightEyeInner: 133,
  leftEyeInner: 362,
  leftEyeOuter: 263,
  rightIrisCenter: 468,
  leftIrisCenter: 473,
  mouthRight: 61,
  mouthLeft: 291,
  upperLipTop: 0,
  upperLipInner: 13,
  lowerLipInner: 14,
  lowerLipBottom: 17,
  noseTip: 1,
} as const;

export const MESH_LANDMARK_COUNT = 478;

/** One face, in pixels of the image that was sent. */
export interface FaceResult {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  keypoints: Record<DetectorKeypoint, Point>;
  /** 478 points (x, y in pixels; z in the same scale as x, relative), or null. */
  landmarks: Point3[] | null;
}

/** Eye centres (iris centres when landmarks exist, else the detector's eye keypoints). */
export function eyeCentres(face: FaceResult): { right: Point; left: Point } {
  const l = face.landmarks;
  const r = l?.[MESH_INDEX.rightIrisCenter];
  const left = l?.[MESH_INDEX.leftIrisCenter];
  if (r && left) return { right: r, left };
  return { right: face.keypoints.rightEye, left: face.keypoints.leftEye };
}

/** Mouth corners from the landmarks, or null without landmarks. */
export function mouthCorners(face: FaceResult): { right: Point; left: Point } | null {
  const r = face.landmarks?.[MESH_INDEX.mouthRight];
  const l = face.landmarks?.[MESH_INDEX.mouthLeft];
  return r && l ? { right: r, left: l } : null;
}
