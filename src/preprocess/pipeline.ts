/**
 * The preprocessing pipeline (paper Sec. 3, "Pre-Processing") over decoded frames:
 *
 *   faces -> the largest one -> named keypoints -> face / eyes / mouth affines
 *         -> warp each region to size x size -> illumination correction -> encode (WebP/JPEG)
 *         -> FrameRecord + 3 Blobs
 *
 * per item, with dropped frames counted by reason and the too-few-frames flag. It does not
 * decode or detect: the worker hands it frames, a detector, a warper and an encoder, so it
 * runs under Node in tests with fakes. A frame's encoding runs while the next frame is
 * detected (the worker's encoder works off its thread). The per-frame parts are in
 * ./crops.ts, sampling in ./sampling.ts, FER2013-style items in ./alignedGrey.ts, the steps
 * in ./steps.
 */
import {
  encodeAll,
  pixelWarper,
  planFrame,
  renderCrops,
  type CropWarper,
  type Encoder,
} from './crops';
import { emptyDropCounts, zeroTimings } from './protocol';
import { smallFaceNote } from './smallFaces';
import type { ItemResult, ItemTimings, ProcessedFrame, SampledFrame } from './protocol';
import type {
  DropReason,
  FaceResult,
  FrameRecord,
  PreprocessConfig,
  Region,
  RgbaImage,
} from './types';

export {
  encodeAll,
  pixelWarper,
  planFrame,
  renderCrops,
  type CropWarper,
  type Encoder,
  type FramePlan,
  type PlanOutcome,
  type RenderedCrops,
} from './crops';
export { detectSize, evenlySpread, sampleSchedule, scaleFaces } from './sampling';
export { alignedCropPlan, greyToRgba, processAlignedGrey } from './alignedGrey';

export interface DecodedFrame<T> {
  timestampSec: number;
  /** The frame, or null when it could not be decoded (then `error` says why). */
  image: T | null;
  error?: string;
}

export interface PipelineDeps<T> {
  /**
   * Full-resolution RGBA pixels of a frame: what the crops are warped from unless `warper`
   * is given (then only its size is needed, from `size`).
   */
  pixels?(image: T): RgbaImage;
  /** The frame's size in pixels (required with `warper`). */
  size?: (image: T) => { width: number; height: number };
  /** Cuts crops out of this frame (e.g. OffscreenCanvas drawImage); default warpAffine on `pixels`. */
  warper?: (image: T) => CropWarper;
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

/** A kept frame whose crops are cut but not yet encoded. */
interface CutFrame {
  record: FrameRecord;
  crops: Record<Region, RgbaImage>;
}

/**
 * The encoding of at most one frame in flight: a kept frame is encoded while the next one is
 * detected and cut, and joins `kept` in order.
 */
class EncodeQueue {
  private pending: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly kept: ProcessedFrame[],
    private readonly encode: Encoder,
    private readonly config: PreprocessConfig,
    private readonly timings: ItemTimings,
  ) {}

  /** Waits for the frame in flight, then starts encoding `frame`. */
  async add(frame: CutFrame): Promise<void> {
    await this.drain();
    const t = performance.now();
    this.pending = encodeAll(frame.crops, this.encode, this.config.encode).then(
      (crops) => {
        this.timings.encodeMs += performance.now() - t;
        this.kept.push({ record: frame.record, crops });
      },
      (error: unknown) => {
        this.failure = { error };
      },
    );
  }

  /** Waits for the frame in flight; rethrows its encoder's error. */
  async drain(): Promise<void> {
    await this.pending;
    if (this.failure) throw this.failure.error;
  }
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
  const encoding = new EncodeQueue(kept, deps.encode, config, timings);
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
      let cut: CutFrame | null;
      try {
        const one = await processOne(frame.image, base, config, deps, timings, options.detail);
        samples.push(one.sample);
        sourceWidth = Math.max(sourceWidth, one.sample.width);
        sourceHeight = Math.max(sourceHeight, one.sample.height);
        cut = one.frame;
        if (!cut && one.sample.dropped) dropped[one.sample.dropped]++;
      } finally {
        deps.release?.(frame.image);
      }
      if (cut) await encoding.add(cut);
    }
    deps.onFrame?.(frameIndex);
    t = performance.now();
  }
  await encoding.drain();
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

function frameWarper<T>(
  image: T,
  deps: PipelineDeps<T>,
): { size: { width: number; height: number }; warp: () => CropWarper } {
  if (deps.warper && deps.size) {
    const warper = deps.warper;
    return { size: deps.size(image), warp: () => warper(image) };
  }
  if (!deps.pixels) throw new Error('the pipeline needs pixels() or size() and warper()');
  const source = deps.pixels(image);
  return { size: source, warp: () => pixelWarper(source) };
}

async function processOne<T>(
  image: T,
  base: { frameIndex: number; timestampSec: number },
  config: PreprocessConfig,
  deps: PipelineDeps<T>,
  timings: ItemTimings,
  detail = false,
): Promise<{ sample: SampledFrame; frame: CutFrame | null }> {
  let t = performance.now();
  const faces = await deps.detect(image);
  timings.detectMs += performance.now() - t;
  t = performance.now();
  const source = frameWarper(image, deps);
  timings.cropMs += performance.now() - t;
  const sample: SampledFrame = {
    ...base,
    width: source.size.width,
    height: source.size.height,
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
  const note = smallFaceNote(planned.plan.keypoints);
  if (note) {
    sample.note = note;
    sample.smallFace = true;
  }
  t = performance.now();
  const rendered = renderCrops(source.warp(), planned.plan.affines, config);
  timings.cropMs += performance.now() - t;
  const record: FrameRecord = {
    ...base,
    sourceWidth: source.size.width,
    sourceHeight: source.size.height,
    faces: faces.map((f) => f.box),
    scores: faces.map((f) => f.score),
    ...planned.plan,
    lightnessBefore: rendered.lightnessBefore,
    lightnessAfter: rendered.lightnessAfter,
  };
  return { sample, frame: { record, crops: rendered.crops } };
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
