/**
 * Landmark-based region crops (paper Sec. 3): the upper face from the two eye centres, the
 * lower face from the two mouth corners, each by the similarity that puts the two points at
 * fixed normalised positions of a cfg.size x cfg.size crop. Defaults and their sources are in
 * docs/preprocessing.md.
 */
import type { Affine, CropConfig, FrameRecord, Point, Region } from '../types';
import { faceCropAffine, type Box } from './alignment';
import { similarityFromPairs } from './affine';

export interface PointPair {
  right: Point;
  left: Point;
}

/**
 * Defaults. size 224 and the eye targets (0.2, 0.6) / (0.8, 0.6) are the paper's; padding 0.25
 * is Emotion-FAN's; the mouth targets are ours, chosen so the crop holds the nose tip, lips and
 * chin but not the eyes for mouth widths of 0.68 to 1.26 eye distances (docs/preprocessing.md,
 * "Mouth crop").
 */
export const DEFAULT_CROP_CONFIG: CropConfig = {
  size: 224,
  facePadding: 0.25,
  eyesTarget: { right: { x: 0.2, y: 0.6 }, left: { x: 0.8, y: 0.6 } },
  mouthTarget: { right: { x: 0.25, y: 0.35 }, left: { x: 0.75, y: 0.35 } },
};

/**
 * Without mesh landmarks (detector only) the mouth corners are synthesised from the detector's
 * mouth centre: a segment parallel to the eye line, this many eye distances long. 0.9 lies
 * between a neutral mouth (about 0.8 of the interpupillary distance) and a smile (about 1.0;
 * astronaut.png: 43 px mouth, 43 px between the irises).
 */
export const MOUTH_WIDTH_PER_EYE_DISTANCE = 0.9;

function scaled(p: Point, size: number): Point {
  return { x: p.x * size, y: p.y * size };
}

/** Source -> crop map putting `src.right` on `target.right` and `src.left` on `target.left` (normalised). */
export function pairCropAffine(src: PointPair, target: PointPair, size: number): Affine {
  return similarityFromPairs(
    src.right,
    src.left,
    scaled(target.right, size),
    scaled(target.left, size),
  );
}

/** Eyes (upper face) crop: eye centres onto cfg.eyesTarget. */
export function eyesCropAffine(eyes: PointPair, cfg: CropConfig): Affine {
  return pairCropAffine(eyes, cfg.eyesTarget, cfg.size);
}

/** Mouth (lower face) crop: mouth corners (mesh 61 / 291) onto cfg.mouthTarget. */
export function mouthCropAffine(mouth: PointPair, cfg: CropConfig): Affine {
  return pairCropAffine(mouth, cfg.mouthTarget, cfg.size);
}

/**
 * Stand-in mouth corners from the mouth centre and the eyes: centre -/+ half of
 * `widthPerEyeDistance` times the right->left eye vector (so the mouth line is parallel to the
 * eye line and its length scales with the eye distance, not with the expression).
 */
export function mouthCornersFromCentre(
  mouthCenter: Point,
  eyes: PointPair,
  widthPerEyeDistance = MOUTH_WIDTH_PER_EYE_DISTANCE,
): PointPair {
  const hx = ((eyes.left.x - eyes.right.x) * widthPerEyeDistance) / 2;
  const hy = ((eyes.left.y - eyes.right.y) * widthPerEyeDistance) / 2;
  return {
    right: { x: mouthCenter.x - hx, y: mouthCenter.y - hy },
    left: { x: mouthCenter.x + hx, y: mouthCenter.y + hy },
  };
}

/** Mouth crop without mesh landmarks: the detector's mouth centre and eye keypoints. */
export function mouthCropAffineFromCentre(
  mouthCenter: Point,
  eyes: PointPair,
  cfg: CropConfig,
  widthPerEyeDistance = MOUTH_WIDTH_PER_EYE_DISTANCE,
): Affine {
  return mouthCropAffine(mouthCornersFromCentre(mouthCenter, eyes, widthPerEyeDistance), cfg);
}

/**
 * All three crops of one face from its named keypoints (see keypoints.ts) and detector box.
 * The mouth uses the mesh corners when present, else the mouth-centre fallback.
 */
export function regionAffines(
  box: Box,
  k: FrameRecord['keypoints'],
  cfg: CropConfig,
): Record<Region, Affine> {
  const eyes = { right: k.rightEye, left: k.leftEye };
  return {
    face: faceCropAffine(box, eyes, cfg),
    eyes: eyesCropAffine(eyes, cfg),
    mouth:
      k.mouthRight && k.mouthLeft
        ? mouthCropAffine({ right: k.mouthRight, left: k.mouthLeft }, cfg)
        : mouthCropAffineFromCentre(k.mouthCenter, eyes, cfg),
  };
}
