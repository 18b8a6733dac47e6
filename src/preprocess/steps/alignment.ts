/**
 * Face alignment (paper Sec. 3): "its alignment is corrected using the angle between the line
 * connecting the landmark points of the eyes and the horizontal line", then the face is cropped
 * and resized to 224 x 224.
 */
import type { CropConfig, FaceResult, Point } from '../types';
import { composeAffine, rotationAbout, scaling, translation } from './affine';
import type { Affine } from '../types';

export type Box = FaceResult['box'];

/**
 * Tilt of the eye line against the horizontal, radians, counter-clockwise on screen positive
 * (the person's left eye, on the image's right, higher than the right eye). The person's right
 * eye is on the image's left in an unmirrored frontal image, so the line runs right -> left eye.
 * Rotating the image by minus this angle levels the eyes. Range (-pi, pi]; a face upside down
 * gives about pi.
 */
export function eyeLineAngle(rightEye: Point, leftEye: Point): number {
  return Math.atan2(rightEye.y - leftEye.y, leftEye.x - rightEye.x);
}

/** Rotation that levels the eye line, degrees, counter-clockwise positive (FrameRecord.angleDeg). */
export function levellingAngleDeg(eyes: { right: Point; left: Point }): number {
  return (-eyeLineAngle(eyes.right, eyes.left) * 180) / Math.PI;
}

/**
 * Source pixels -> face crop pixels. Rotates about the box centre by -eyeLineAngle (eyes
 * level), then takes the square of side max(w, h) * (1 + 2 * facePadding) centred on the box
 * centre and scales it to cfg.size x cfg.size. The box centre lands on the crop centre.
 */
export function faceCropAffine(
  box: Box,
  eyes: { right: Point; left: Point },
  cfg: CropConfig,
): Affine {
  const side = Math.max(box.width, box.height) * (1 + 2 * cfg.facePadding);
  if (!(side > 0)) throw new RangeError(`face box has no area: ${JSON.stringify(box)}`);
  const center = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const level = rotationAbout(center, -eyeLineAngle(eyes.right, eyes.left));
  const k = cfg.size / side;
  // p -> k * (R(p) - c) + size / 2
  const toCrop = composeAffine(
    translation(cfg.size / 2, cfg.size / 2),
    composeAffine(scaling(k), translation(-center.x, -center.y)),
  );
  return composeAffine(toCrop, level);
}
