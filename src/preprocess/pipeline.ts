/**
 * The preprocessing pipeline (paper Sec. 3, "Pre-Processing") over decoded frames:
 *
 *   faces -> the largest one -> named keypoints -> face / eyes / mouth affines
 *         -> warp each region to size x size -> illumination correction -> encode (WebP/JPEG)
 *         -> FrameRecord + 3 Blobs
 *
 * and, per item, the sampling plan (cfg.fps, at most cfg.maxFramesPerVideo spread evenly),
 * dropped frames counted by reason and the too-few-frames flag. It does not decode or
 * detect: the worker hands it frames and a detector, so it runs under Node in tests with a
 * fake detector and encoder. The steps themselves are in ./steps.
 */
import { emptyDropCounts } from './protocol';
import type { ItemResult, ItemTimings, ProcessedFrame, SampledFrame } from './protocol';
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

/** Warps the three regions out of `source` and corrects their illumination. */
export function renderCrops(
  source: RgbaImage,
  affines: Record<Region, Affine>,
  config: PreprocessConfig,
): RenderedCrops {
  const size = { width: config.crop.size, height: config.crop.size };
  let lightnessBefore = 0;
  let lightnessAfter = 0;
  const crops = {} as Record<Region, RgbaImage>;
  for (const region of REGIONS) {
    const raw = warpAffine(source, affines[region], size);
    const corrected = correctIllumination(raw, config.illumination);
    if (region === 'face') {
      lightnessBefore = meanLightness(raw);
      lightnessAfter = corrected === raw ? lightnessBefore : meanLightness(corrected);
    }
    crops[region] = corrected;
  }
  return { crops, lightnessBefore, lightnessAfter };
}

/** Faces found on a scaled copy, mapped back to source pixels (multiply by `k`). */
export function scaleFaces(faces: readonly FaceResult[], k: number): FaceResult[] {
  if (k === 1) return [...faces];
  const p = <T extends { x: number; y: number }>(q: T): T => ({ ...q, x: q.x * k, y: q.y * k });
  return faces.map((f) => ({
    box: { x: f.box.x * k, y: f.box.y * k, width: f.box.width * k, height: f.box.height * k },
    score: f.score,
    keypoints: Object.fromEntries(
      Object.entries(f.keypoints).map(([name, q]) => [name, p(q)]),
    ) as FaceResult['keypoints'],
    landmarks: f.landmarks ? f.landmarks.map((q) => ({ ...p(q), z: q.z * k })) : null,
  }));
}

/** Size a frame is scaled to for detection (longest side at most maxSide, never up). */
export function detectSize(
  width: number,
  height: number,
  maxSide: number,
): { width: number; height: number; scale: number } {
  const longest = Math.max(width, height);
  if (longest <= maxSide) return { width, height, scale: 1 };
  const s = maxSide / longest;
  const w = Math.max(1, Math.round(width * s));
  const h = Math.max(1, Math.round(height * s));
  // `scale` maps detection pixels back to source pixels.
  return { width: w, height: h, scale: width / w };
}

/**
 * How a video is sampled: cfg.fps, but when the video is longer than
 * maxFramesPerVideo / fps seconds the rate drops so that maxFramesPerVideo frames spread
 * evenly over the whole video (instead of covering only its start).
 */
export function sampleSchedule(
  durationSec: number | null,
  config: Pick<PreprocessConfig, 'fps' | 'maxFramesPerVideo'>,
): { fps: number; maxFrames: number; expected: number | null } {
  const max = config.maxFramesPerVideo;
  if (durationSec === null || !(durationSec > 0)) {
    return { fps: config.fps, maxFrames: max, expected: null };
  }
  const fps = Math.min(config.fps, max / durationSec);
  // extractFrames yields t = i / fps for t < duration - half a frame.
  const expected = Math.min(max, Math.max(1, Math.ceil(durationSec * fps - 0.5)));
  return { fps, maxFrames: max, expected };
}

/** `max` indices spread evenly over 0..count-1 (all of them when count <= max). */
export function evenlySpread(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  if (max === 1) return [0];
  return Array.from({ length: max }, (_, i) => Math.round((i * (count - 1)) / (max - 1)));
}

export interface DecodedFrame<T> {
  timestampSec: number;
  /** The frame, or null when it could not be decoded (then `error` says why). */
  image: T | null;
  error?: string;
}

export interface PipelineDeps<T> {
  /** Full-resolution RGBA pixels of a frame. */
  pixels(image: T): RgbaImage;
  /** All faces in the frame, in its pixels (FaceResult with keypoints and landmarks). */
  detect(image: T): Promise<FaceResult[]>;
  encode: Encoder;
  /** Called when the pipeline is done with a frame (e.g. ImageBitmap.close). */
  release?(image: T): void;
  onFrame?(framesDone: number): void;
  /** Checked between frames; true stops the item with an error. */
  cancelled?(): boolean;
}

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

function zeroTimings(): ItemTimings {
  return { decodeMs: 0, detectMs: 0, cropMs: 0, encodeMs: 0, totalMs: 0 };
}

async function encodeAll(
  crops: Record<Region, RgbaImage>,
  encode: Encoder,
  config: EncodeConfig,
): Promise<Record<Region, Blob>> {
  const out = {} as Record<Region, Blob>;
  for (const region of REGIONS) out[region] = await encode(crops[region], config);
  return out;
}

/**
 * Runs the per-frame pipeline over an item's decoded frames, in order. frameIndex counts the
 * sampled frames from 0 (kept or not). Frames without a face, without usable keypoints or
 * that failed to decode are dropped and counted by reason; the rest are kept.
 */
export async function processFrames<T>(
  itemId: string,
  frames: AsyncIterable<DecodedFrame<T>> | Iterable<DecodedFrame<T>>,
  config: PreprocessConfig,
  deps: PipelineDeps<T>,
  options: { detail?: boolean; sampleFps?: number | null } = {},
): Promise<ItemResult> {
  const started = performance.now();
  const timings = zeroTimings();
  const kept: ProcessedFrame[] = [];
  const samples: SampledFrame[] = [];
  const dropped = emptyDropCounts();
  let sourceWidth = 0;
  let sourceHeight = 0;
  let frameIndex = 0;
  let t = performance.now();
  for await (const frame of frames) {
    timings.decodeMs += performance.now() - t;
    if (deps.cancelled?.()) {
      if (frame.image !== null) deps.release?.(frame.image);
      throw new CancelledError();
    }
    const index = frameIndex++;
    const base = { frameIndex: index, timestampSec: frame.timestampSec };
    if (frame.image === null) {
      dropped['decode-error']++;
      samples.push({
        ...base,
        width: 0,
        height: 0,
        faces: [],
        dropped: 'decode-error',
        note: frame.error ?? 'could not decode the frame',
      });
    } else {
      try {
        const sample = await processOne(frame.image, base, config, deps, timings, options.detail);
        samples.push(sample.sample);
        sourceWidth = Math.max(sourceWidth, sample.sample.width);
        sourceHeight = Math.max(sourceHeight, sample.sample.height);
        if (sample.frame) kept.push(sample.frame);
        else if (sample.sample.dropped) dropped[sample.sample.dropped]++;
      } finally {
        deps.release?.(frame.image);
      }
    }
    deps.onFrame?.(frameIndex);
    t = performance.now();
  }
  timings.totalMs = performance.now() - started;
  return {
    itemId,
    frames: kept,
    samples,
    dropped,
    sampleFps: options.sampleFps ?? null,
    sourceWidth,
    sourceHeight,
    timings,
  };
}

async function processOne<T>(
  image: T,
  base: { frameIndex: number; timestampSec: number },
  config: PreprocessConfig,
  deps: PipelineDeps<T>,
  timings: ItemTimings,
  detail = false,
): Promise<{ sample: SampledFrame; frame: ProcessedFrame | null }> {
  let t = performance.now();
  const faces = await deps.detect(image);
  const source = deps.pixels(image);
  timings.detectMs += performance.now() - t;
  const sample: SampledFrame = {
    ...base,
    width: source.width,
    height: source.height,
    faces: faces.map((f) => ({ box: f.box, score: f.score })),
    dropped: null,
  };
  if (detail) sample.detail = faces;
  const planned = planFrame(faces, config.crop);
  if (!planned.ok) {
    sample.dropped = planned.reason;
    if (planned.note) sample.note = planned.note;
    return { sample, frame: null };
  }
  t = performance.now();
  const rendered = renderCrops(source, planned.plan.affines, config);
  timings.cropMs += performance.now() - t;
  t = performance.now();
  const crops = await encodeAll(rendered.crops, deps.encode, config.encode);
  timings.encodeMs += performance.now() - t;
  const record: FrameRecord = {
    ...base,
    sourceWidth: source.width,
    sourceHeight: source.height,
    faces: faces.map((f) => f.box),
    scores: faces.map((f) => f.score),
    ...planned.plan,
    lightnessBefore: rendered.lightnessBefore,
    lightnessAfter: rendered.lightnessAfter,
  };
  return { sample, frame: { record, crops } };
}

// ---------------------------------------------------------------------------------------
// FER2013-style items: 48x48 grey crops that are already aligned faces.

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

// ---------------------------------------------------------------------------------------

export interface ItemSummary {
  kept: number;
  sampled: number;
  dropped: Record<DropReason, number>;
  /** Fewer kept frames than config.minFramesPerVideo (videos and sequences only). */
  tooFewFrames: boolean;
}

export function summariseItem(
  result: ItemResult,
  config: Pick<PreprocessConfig, 'minFramesPerVideo'>,
  multiFrame: boolean,
): ItemSummary {
  const kept = result.frames.length;
  return {
    kept,
    sampled: result.samples.length,
    dropped: { ...result.dropped },
    tooFewFrames: multiFrame ? kept < config.minFramesPerVideo : kept === 0,
  };
}
