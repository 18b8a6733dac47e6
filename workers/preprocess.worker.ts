/// <reference lib="webworker" />
/**
 * Preprocessing worker (module worker): one item per 'run' message. Loads the face models
 * once, lazily (on the first item), decodes the item's media here (videos and stills through
 * extractFrames, which in a worker uses WebCodecs for MP4s the browser's VideoDecoder takes and
 * ffmpeg.wasm for the rest; sequence frames through createImageBitmap), runs
 * src/preprocess/pipeline.ts and posts the frames and their crops
 * back. Speaks src/preprocess/protocol.ts; imports nothing from the UI.
 */
import type { FaceDetector, FaceLandmarker } from '@mediapipe/tasks-vision';
import { extractFrames } from '../src/ingest/media/frames';
import { probeMedia } from '../src/ingest/media/probe';
import { canvasWarper } from '../src/preprocess/canvasWarp';
import { SOURCE_MAX_SIDE } from '../src/preprocess/config';
import {
  attachLandmarks,
  loadFaceDetector,
  loadFaceLandmarker,
  toFace,
  validateFaceModelsConfig,
  type FaceResult,
} from '../src/preprocess/faceModels';
import {
  CancelledError,
  detectSize,
  evenlySpread,
  processAlignedGrey,
  processFrames,
  sampleSchedule,
  scaleFaces,
  type DecodedFrame,
  type Encoder,
  type PipelineDeps,
} from '../src/preprocess/pipeline';
import type {
  FromPreprocessWorker,
  ItemResult,
  PreprocessJob,
  ToPreprocessWorker,
} from '../src/preprocess/protocol';
import { findSmallFaces } from '../src/preprocess/smallFaces';
import type { PreprocessConfig } from '../src/preprocess/types';

declare const self: DedicatedWorkerGlobalScope;

/**
 * Decoding a whole video's sampled frames (both decoders decode every frame from the keyframe
 * before a sampled one) may take longer than the media module's default 20 s on a long or
 * large video.
 */
const DECODE_TIMEOUT_MS = 120_000;

/** Image sequences (CK+) have no clock; CK+ was recorded at 30 frames per second. */
const SEQUENCE_FPS = 30;

interface Models {
  detector: FaceDetector;
  landmarker: FaceLandmarker;
}

let models: Promise<Models> | null = null;
const cancelled = new Set<number>();

function post(message: FromPreprocessWorker): void {
  self.postMessage(message);
}

function loadModels(): Promise<Models> {
  models ??= (async () => {
    const t0 = performance.now();
    // IMAGE mode: every frame is detected on its own, so items may be processed in any
    // order and a redone item gives the same result.
    const config = validateFaceModelsConfig({ runningMode: 'IMAGE', detectorRange: 'full' });
    const detector = await loadFaceDetector(config);
    const landmarker = await loadFaceLandmarker(config);
    post({ type: 'status', status: { kind: 'models-loaded', loadMs: performance.now() - t0 } });
    return { detector, landmarker };
  })().catch((e: unknown) => {
    models = null;
    const message = e instanceof Error ? e.message : String(e);
    post({ type: 'status', status: { kind: 'models-failed', message } });
    throw e;
  });
  return models;
}

/**
 * Encoder canvases: one per encoding in flight (the pipeline encodes a frame's three crops at
 * once; convertToBlob encodes off this thread), reused afterwards.
 */
const freeEncodeCanvases: OffscreenCanvas[] = [];

const encodeCrop: Encoder = async (img, config) => {
  let canvas = freeEncodeCanvases.pop();
  if (!canvas || canvas.width !== img.width || canvas.height !== img.height) {
    canvas = new OffscreenCanvas(img.width, img.height);
  }
  try {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context on OffscreenCanvas');
    ctx.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
    return await canvas.convertToBlob({ type: `image/${config.format}`, quality: config.quality });
  } finally {
    freeEncodeCanvases.push(canvas);
  }
};

/** Side the landmarker sees a small face's region at (its own detector then finds the face). */
const LANDMARK_REGION_SIDE = 256;

/** The frame's faces: the whole-frame pass, then the small-face pass (src/preprocess/smallFaces.ts). */
async function detectFaces(
  m: Models,
  image: ImageBitmap,
  config: Pick<PreprocessConfig, 'detectMaxSide' | 'tiledDetection' | 'minTileScore'>,
): Promise<FaceResult[]> {
  const size = detectSize(image.width, image.height, config.detectMaxSide);
  const small =
    size.scale === 1
      ? image
      : await createImageBitmap(image, {
          resizeWidth: size.width,
          resizeHeight: size.height,
          resizeQuality: 'medium',
        });
  let whole: FaceResult[];
  try {
    const detections = m.detector.detect(small).detections;
    const landmarks = m.landmarker.detect(small).faceLandmarks;
    const faces = detections
      .map((d) => toFace(d, size.width, size.height))
      .filter((f): f is FaceResult => f !== null);
    whole = scaleFaces(attachLandmarks(faces, landmarks, size.width, size.height), size.scale);
  } finally {
    if (small !== image) small.close();
  }
  if (config.tiledDetection === 'off') return whole;
  const frame = {
    width: image.width,
    height: image.height,
    detectSide: Math.max(size.width, size.height),
    scale: size.scale,
  };
  const found = await findSmallFaces(whole, frame, config, {
    detectTile: async (tile) => {
      const cut = await createImageBitmap(image, tile.x, tile.y, tile.width, tile.height);
      try {
        return m.detector
          .detect(cut)
          .detections.map((d) => toFace(d, tile.width, tile.height))
          .filter((f): f is FaceResult => f !== null);
      } finally {
        cut.close();
      }
    },
    landmarks: async (region, face) => {
      // Upscaled (or shrunk) so that its longest side is LANDMARK_REGION_SIDE.
      const k = LANDMARK_REGION_SIDE / Math.max(region.width, region.height);
      const w = Math.max(1, Math.round(region.width * k));
      const h = Math.max(1, Math.round(region.height * k));
      const cut = await createImageBitmap(image, region.x, region.y, region.width, region.height, {
        resizeWidth: w,
        resizeHeight: h,
        resizeQuality: 'high',
      });
      try {
        const sets = m.landmarker.detect(cut).faceLandmarks;
        // The face's box in the cut's pixels, to pick the landmark set that overlaps it.
        const local = {
          ...face,
          box: {
            x: (face.box.x - region.x) * (w / region.width),
            y: (face.box.y - region.y) * (h / region.height),
            width: face.box.width * (w / region.width),
            height: face.box.height * (h / region.height),
          },
        };
        const [withMesh] = attachLandmarks([local], sets, w, h);
        return withMesh?.landmarks
          ? withMesh.landmarks.map((p) => ({
              x: region.x + (p.x * region.width) / w,
              y: region.y + (p.y * region.height) / h,
              z: (p.z * region.width) / w,
            }))
          : null;
      } finally {
        cut.close();
      }
    },
  });
  return found.faces;
}

async function* decodeVideoOrImage(
  file: Blob,
  name: string,
  fps: number,
  maxFrames: number,
): AsyncGenerator<DecodedFrame<ImageBitmap>> {
  const opts = { fps, maxFrames, maxSide: SOURCE_MAX_SIDE, timeoutMs: DECODE_TIMEOUT_MS };
  for await (const f of extractFrames(file, name, opts)) {
    yield { timestampSec: f.timestampSec, image: f.image };
  }
}

async function* decodeSequence(
  files: { name: string; blob: Blob }[],
  config: PreprocessConfig,
): AsyncGenerator<DecodedFrame<ImageBitmap>> {
  for (const i of evenlySpread(files.length, config.maxFramesPerVideo)) {
    const f = files[i];
    if (!f) continue;
    const timestampSec = i / SEQUENCE_FPS;
    try {
      const full = await createImageBitmap(f.blob);
      const size = detectSize(full.width, full.height, SOURCE_MAX_SIDE);
      if (size.scale === 1) {
        yield { timestampSec, image: full };
      } else {
        const image = await createImageBitmap(full, {
          resizeWidth: size.width,
          resizeHeight: size.height,
          resizeQuality: 'high',
        });
        full.close();
        yield { timestampSec, image };
      }
    } catch (e) {
      yield {
        timestampSec,
        image: null,
        error: `${f.name}: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }
}

async function runJob(jobId: number, job: PreprocessJob): Promise<ItemResult> {
  const { source, config } = job;
  if (source.kind === 'pixels') {
    const bytes =
      source.data instanceof ArrayBuffer ? source.data : await source.data.arrayBuffer();
    return processAlignedGrey(
      job.itemId,
      new Uint8Array(bytes),
      source.width,
      source.height,
      config,
      encodeCrop,
    );
  }
  const m = await loadModels();
  let frames: AsyncIterable<DecodedFrame<ImageBitmap>> | Iterable<DecodedFrame<ImageBitmap>>;
  let total: number | null = null;
  let sampleFps: number | null = null;
  switch (source.kind) {
    case 'video': {
      // Without a known duration (loose files) probe it, so long videos are spread evenly.
      const duration =
        source.durationSec ?? (await probeMedia(source.file.blob, source.file.name)).durationSec;
      const plan = sampleSchedule(duration, config);
      total = plan.expected;
      sampleFps = plan.fps;
      frames = decodeVideoOrImage(source.file.blob, source.file.name, plan.fps, plan.maxFrames);
      break;
    }
    case 'image':
      total = 1;
      frames = decodeVideoOrImage(source.file.blob, source.file.name, 1, 1);
      break;
    case 'image-sequence':
      total = Math.min(source.files.length, config.maxFramesPerVideo);
      frames = decodeSequence(source.files, config);
      break;
    case 'bitmaps':
      total = source.frames.length;
      frames = source.frames.map((f) => ({ timestampSec: f.timestampSec, image: f.image }));
      break;
  }
  const deps: PipelineDeps<ImageBitmap> = {
    size: (image) => ({ width: image.width, height: image.height }),
    warper: canvasWarper,
    detect: (image) => detectFaces(m, image, config),
    encode: encodeCrop,
    release: (image) => {
      image.close();
    },
    onFrame: (framesDone) => {
      post({
        type: 'progress',
        jobId,
        progress: { itemId: job.itemId, framesDone, framesTotal: total },
      });
    },
    cancelled: () => cancelled.has(jobId),
  };
  return processFrames(job.itemId, frames, config, deps, { detail: job.detail, sampleFps });
}

self.onmessage = async (event: MessageEvent<ToPreprocessWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'cancel':
      cancelled.add(msg.jobId);
      break;
    case 'run':
      try {
        const result = await runJob(msg.jobId, msg.request);
        post({ type: 'result', jobId: msg.jobId, result });
      } catch (e) {
        const message =
          e instanceof CancelledError ? 'cancelled' : e instanceof Error ? e.message : String(e);
        post({ type: 'error', jobId: msg.jobId, message });
      } finally {
        cancelled.delete(msg.jobId);
      }
      break;
  }
};
