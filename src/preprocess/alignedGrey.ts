/**
 * FER2013-style items: 48x48 grey crops that are already aligned faces, so no detection. The
 * face crop is the whole image, the eyes and mouth crops its top and bottom halves
 * (docs/preprocess-engine.md, "FER2013-style items").
 */
import { encodeAll, renderCrops, type Encoder, type FramePlan } from './crops';
import { emptyDropCounts, zeroTimings, type ItemResult } from './protocol';
import type { Affine, CropConfig, FrameRecord, PreprocessConfig, RgbaImage } from './types';

/** Grey bytes -> RGBA (R = G = B = grey, opaque). */
export function greyToRgba(grey: Uint8Array, width: number, height: number): RgbaImage {
  if (grey.length < width * height) {
    throw new RangeError(`expected ${width * height} grey bytes, got ${grey.length}`);
  }
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = grey[i] ?? 0;
    data[4 * i] = v;
    data[4 * i + 1] = v;
    data[4 * i + 2] = v;
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}

/**
 * The plan for an already aligned grey crop (FER2013): no detection. The face crop is the
 * whole image scaled to size x size; the eyes crop is the top half and the mouth crop the
 * bottom half, each stretched to size x size (2x vertically: these are 48 x 24 px strips).
 * The keypoints are nominal, not detected: the points the eyes/mouth maps send to the crop
 * targets, so that mapping them through the stored affines lands on the targets as for
 * detected faces.
 */
export function alignedCropPlan(width: number, height: number, crop: CropConfig): FramePlan {
  const s = crop.size;
  const half = height / 2;
  const face: Affine = [s / width, 0, 0, 0, s / height, 0];
  const eyes: Affine = [s / width, 0, 0, 0, s / half, 0];
  const mouth: Affine = [s / width, 0, 0, 0, s / half, -s];
  const inEyes = (p: { x: number; y: number }) => ({ x: p.x * width, y: p.y * half });
  const inMouth = (p: { x: number; y: number }) => ({ x: p.x * width, y: half + p.y * half });
  return {
    chosen: 0,
    keypoints: {
      rightEye: inEyes(crop.eyesTarget.right),
      leftEye: inEyes(crop.eyesTarget.left),
      noseTip: { x: width / 2, y: half },
      mouthRight: inMouth(crop.mouthTarget.right),
      mouthLeft: inMouth(crop.mouthTarget.left),
      mouthCenter: {
        x: width / 2,
        y: half + ((crop.mouthTarget.right.y + crop.mouthTarget.left.y) / 2) * half,
      },
    },
    angleDeg: 0,
    affines: { face, eyes, mouth },
  };
}

/** One FER2013-style item: a single kept frame. */
export async function processAlignedGrey(
  itemId: string,
  grey: Uint8Array,
  width: number,
  height: number,
  config: PreprocessConfig,
  encode: Encoder,
): Promise<ItemResult> {
  const started = performance.now();
  const timings = zeroTimings();
  const source = greyToRgba(grey, width, height);
  const plan = alignedCropPlan(width, height, config.crop);
  let t = performance.now();
  const rendered = renderCrops(source, plan.affines, config);
  timings.cropMs = performance.now() - t;
  t = performance.now();
  const crops = await encodeAll(rendered.crops, encode, config.encode);
  timings.encodeMs = performance.now() - t;
  const box = { x: 0, y: 0, width, height };
  const record: FrameRecord = {
    frameIndex: 0,
    timestampSec: 0,
    sourceWidth: width,
    sourceHeight: height,
    faces: [box],
    scores: [1],
    ...plan,
    lightnessBefore: rendered.lightnessBefore,
    lightnessAfter: rendered.lightnessAfter,
  };
  timings.totalMs = performance.now() - started;
  return {
    itemId,
    frames: [{ record, crops }],
    samples: [
      {
        frameIndex: 0,
        timestampSec: 0,
        width,
        height,
        faces: [{ box, score: 1 }],
        dropped: null,
        note: 'aligned grey crop: not detected',
      },
    ],
    dropped: emptyDropCounts(),
    sampleFps: null,
    sourceWidth: width,
    sourceHeight: height,
    timings,
  };
}
