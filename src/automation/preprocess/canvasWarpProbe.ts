/**
 * An in-browser check of the canvas warper (e2e and the preprocessing benchmark call it via
 * window.__ferPreprocess.canvasWarpProbe): bright discs at eye and mouth positions are cut
 * with `canvasWarper` exactly as the worker cuts crops, and the discs' centroids in the crops
 * are compared with where the affines send their centres. Returns each case's error in crop
 * pixels (the unit tests check the same with a spec-following fake context in Node).
 */
import { canvasWarper } from '../../preprocess/canvasWarp';
import { applyAffine } from '../../preprocess/steps/affine';
import {
  DEFAULT_CROP_CONFIG,
  eyesCropAffine,
  mouthCropAffine,
} from '../../preprocess/steps/regionCrops';
import { brightCentroid, discs } from './images';
import type { Affine, Point } from '../../preprocess/types';

export interface WarpProbeCase {
  name: string;
  /** Distance between each disc's centroid in the crop and its mapped centre, crop px. */
  errorsPx: number[];
}

async function probe(
  name: string,
  size: { width: number; height: number },
  points: Point[],
  radius: number,
  m: Affine,
): Promise<WarpProbeCase> {
  const img = discs(size.width, size.height, points, radius);
  const bitmap = await createImageBitmap(
    new ImageData(new Uint8ClampedArray(img.data), img.width, img.height),
  );
  try {
    const crop = canvasWarper(bitmap)(m, DEFAULT_CROP_CONFIG.size);
    return {
      name,
      errorsPx: points.map((p) => {
        const target = applyAffine(m, p);
        const c = brightCentroid(crop, target, 20);
        return Math.hypot(c.x - target.x, c.y - target.y);
      }),
    };
  } finally {
    bitmap.close();
  }
}

export async function canvasWarpProbe(): Promise<WarpProbeCase[]> {
  const cfg = DEFAULT_CROP_CONFIG;
  const eyes = { right: { x: 140.3, y: 97.8 }, left: { x: 190.6, y: 122.1 } };
  const mouth = { right: { x: 201.7, y: 139.2 }, left: { x: 245.3, y: 141.4 } };
  // A large face in a 1280x720 frame: the eyes crop shrinks it (2.2 source px per crop px).
  const big = { right: { x: 500.2, y: 300.7 }, left: { x: 800.9, y: 310.3 } };
  return Promise.all([
    probe(
      'eyes, tilted',
      { width: 480, height: 320 },
      [eyes.right, eyes.left],
      4,
      eyesCropAffine(eyes, cfg),
    ),
    probe(
      'mouth',
      { width: 400, height: 300 },
      [mouth.right, mouth.left],
      3,
      mouthCropAffine(mouth, cfg),
    ),
    probe(
      'eyes, shrinking',
      { width: 1280, height: 720 },
      [big.right, big.left],
      16,
      eyesCropAffine(big, cfg),
    ),
  ]);
}
