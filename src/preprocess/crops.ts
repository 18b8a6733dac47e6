/**
 * One frame's geometry and crops: choose the face (the largest box), name its keypoints,
 * compute the face / eyes / mouth affines, warp each region to size x size, correct its
 * illumination, and encode the three crops.
 */
import { levellingAngleDeg } from './steps/alignment';
import { correctIllumination, meanLightness } from './steps/illumination';
import { namedKeypoints } from './steps/keypoints';
import { regionAffines } from './steps/regionCrops';
import { selectLargestFace } from './steps/selectFace';
import { warpAffine } from './steps/warp';
import {
  REGIONS,
  type Affine,
  type CropConfig,
  type DropReason,
  type EncodeConfig,
  type FaceResult,
  type FrameRecord,
  type PreprocessConfig,
  type Region,
  type RgbaImage,
} from './types';

/** Encodes one crop (the worker uses OffscreenCanvas.convertToBlob). */
export type Encoder = (image: RgbaImage, config: EncodeConfig) => Promise<Blob>;

/**
 * Cuts one crop: the pixels of `m` (source -> crop, pixel centres at integer + 0.5) applied to
 * the source, `size` x `size`, black outside the source. The default is `warpAffine` on the
 * source's pixels; the worker draws with OffscreenCanvas instead (workers/cropCanvas.ts).
 */
export type CropWarper = (m: Affine, size: number) => RgbaImage;

/** The geometric part of a kept frame: which face, its points, and the three maps. */
export interface FramePlan {
  chosen: number;
  keypoints: FrameRecord['keypoints'];
  angleDeg: number;
  affines: Record<Region, Affine>;
}

export type PlanOutcome =
  { ok: true; plan: FramePlan } | { ok: false; reason: DropReason; note?: string };

/** Chooses the face (the largest box) and computes the crop maps, or says why not. */
export function planFrame(faces: readonly FaceResult[], crop: CropConfig): PlanOutcome {
  const chosen = selectLargestFace(faces);
  const face = faces[chosen];
  if (chosen < 0 || !face) return { ok: false, reason: 'no-face' };
  try {
    const keypoints = namedKeypoints(face);
    const angleDeg = levellingAngleDeg({ right: keypoints.rightEye, left: keypoints.leftEye });
    const affines = regionAffines(face.box, keypoints, crop);
    if (!REGIONS.every((r) => affines[r].every(Number.isFinite))) {
      return { ok: false, reason: 'no-landmarks', note: 'the keypoints give no usable crop' };
    }
    return { ok: true, plan: { chosen, keypoints, angleDeg, affines } };
  } catch (e) {
    // E.g. both eyes on one point: no similarity maps them apart.
    return { ok: false, reason: 'no-landmarks', note: e instanceof Error ? e.message : String(e) };
  }
}

export interface RenderedCrops {
  crops: Record<Region, RgbaImage>;
  /** Mean lightness (0..1) of the face crop before and after the correction. */
  lightnessBefore: number;
  lightnessAfter: number;
}

/** The default warper: bilinear (antialiased when shrinking) in JS on the source's pixels. */
export function pixelWarper(source: RgbaImage): CropWarper {
  return (m, size) => warpAffine(source, m, { width: size, height: size });
}

/** Warps the three regions (with `warp`, or from `source`) and corrects their illumination. */
export function renderCrops(
  source: RgbaImage | CropWarper,
  affines: Record<Region, Affine>,
  config: PreprocessConfig,
): RenderedCrops {
  const warp = typeof source === 'function' ? source : pixelWarper(source);
  let lightnessBefore = 0;
  let lightnessAfter = 0;
  const crops = {} as Record<Region, RgbaImage>;
  for (const region of REGIONS) {
    const raw = warp(affines[region], config.crop.size);
    const corrected = correctIllumination(raw, config.illumination);
    if (region === 'face') {
      lightnessBefore = meanLightness(raw);
      lightnessAfter = corrected === raw ? lightnessBefore : meanLightness(corrected);
    }
    crops[region] = corrected;
  }
  return { crops, lightnessBefore, lightnessAfter };
}

/** Encodes the three crops at once (the worker's encoder runs off its thread). */
export async function encodeAll(
  crops: Record<Region, RgbaImage>,
  encode: Encoder,
  config: EncodeConfig,
): Promise<Record<Region, Blob>> {
  const blobs = await Promise.all(REGIONS.map((region) => encode(crops[region], config)));
  const out = {} as Record<Region, Blob>;
  REGIONS.forEach((region, i) => {
    const blob = blobs[i];
    if (!blob) throw new Error(`no encoded ${region} crop`);
    out[region] = blob;
  });
  return out;
}
