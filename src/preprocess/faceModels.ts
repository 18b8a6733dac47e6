/**
 * Loads MediaPipe Tasks' FaceDetector and FaceLandmarker (CPU delegate) entirely from files
 * our own build serves: the tasks-vision wasm (imported with `?url`, so Vite copies it into
 * dist/assets and serves it in dev) and the converted models in public/models/face/ (made by
 * scripts/face-models/build.ts; see docs/face-models.md). Nothing is fetched from elsewhere:
 * before a task is made, fetch in its thread is restricted to our origin, which silences
 * tasks-vision's usage statistics to Google (src/security/sameOriginFetch.ts).
 *
 * Works in a module Web Worker (our workers are ES modules) and on the main thread. In a
 * module worker tasks-vision loads its wasm loader with `import()`, which evaluates a URL only
 * once; every task therefore gets its own loader URL (`?task=<name>`), otherwise the second
 * task fails with "ModuleFactory not set." (platform-facts, "MediaPipe tasks-vision offline").
 *
 * Also holds the worker protocol and the pure conversion from tasks-vision results to ours.
 */
import {
  FaceDetector,
  FaceLandmarker,
  type Detection,
  type NormalizedLandmark,
} from '@mediapipe/tasks-vision';
import wasmLoaderUrl from '@mediapipe/tasks-vision/vision_wasm_module_internal.js?url';
import wasmBinaryUrl from '@mediapipe/tasks-vision/vision_wasm_module_internal.wasm?url';
import { restrictFetchToOrigin } from '../security/sameOriginFetch';
import {
  DETECTOR_KEYPOINTS,
  type DetectorKeypoint,
  type FaceResult,
  type Point,
} from './faceGeometry';

// The result types and the mesh geometry live in ./faceGeometry.ts (no tasks-vision), so the
// preprocessing steps the main thread imports do not pull MediaPipe into the app's first chunk.
export {
  DETECTOR_KEYPOINTS,
  MESH_INDEX,
  MESH_LANDMARK_COUNT,
  eyeCentres,
  mouthCorners,
} from './faceGeometry';
export type { DetectorKeypoint, FaceResult, Point, Point3 } from './faceGeometry';
import { quietMediaPipeInfo } from './mediapipeLog';

export type RunningMode = 'IMAGE' | 'VIDEO';
export type DetectorRange = 'short' | 'full';

export interface FaceModelsConfig {
  /**
   * 'full' (BlazeFace full-range, 192 px input) also finds small faces in group shots and
   * wide frames; 'short' (128 px) is for faces filling much of the frame (selfie range).
   */
  detectorRange: DetectorRange;
  /** IMAGE for unrelated stills; VIDEO for frames of one clip (the landmarker then tracks). */
  runningMode: RunningMode;
  /** Detections below this score are dropped (0..1). */
  minDetectionConfidence: number;
  /** Overlap above which two detections are merged (non-max suppression, 0..1). */
  minSuppressionThreshold: number;
  /** Most faces the landmarker returns per image. */
  maxFaces: number;
  /** Run the 478-point landmarker as well as the detector. */
  landmarks: boolean;
}

export const DEFAULT_FACE_MODELS_CONFIG: FaceModelsConfig = {
  detectorRange: 'full',
  runningMode: 'IMAGE',
  minDetectionConfidence: 0.5,
  minSuppressionThreshold: 0.3,
  maxFaces: 4,
  landmarks: true,
};

export function validateFaceModelsConfig(config: Partial<FaceModelsConfig> = {}): FaceModelsConfig {
  const c = { ...DEFAULT_FACE_MODELS_CONFIG, ...config };
  const unit = (name: string, v: number): void => {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${v}`);
  };
  unit('minDetectionConfidence', c.minDetectionConfidence);
  unit('minSuppressionThreshold', c.minSuppressionThreshold);
  if (!Number.isInteger(c.maxFaces) || c.maxFaces < 1) {
    throw new RangeError(`maxFaces must be a positive integer, got ${c.maxFaces}`);
  }
  return c;
}

/** File names in public/models/face/ (written by scripts/face-models/build.ts). */
export const FACE_MODEL_FILES = {
  short: 'face_detector_short_range.tflite',
  full: 'face_detector_full_range.tflite',
  landmarker: 'face_landmarker.task',
} as const;

export interface FaceModelUrls {
  wasmLoader: string;
  wasmBinary: string;
  detector: string;
  landmarker: string;
}

/**
 * Absolute URLs of everything the tasks need. `origin` is the page's or worker's origin;
 * `base` is Vite's BASE_URL. tasks-vision fetches these itself, so they must be absolute
 * (a relative path would resolve against the worker script in dist/assets/).
 */
export function faceModelUrls(
  range: DetectorRange,
  origin: string = self.location.origin,
  base: string = import.meta.env.BASE_URL,
): FaceModelUrls {
  const abs = (path: string): string => new URL(path, origin + base).href;
  return {
    wasmLoader: abs(wasmLoaderUrl),
    wasmBinary: abs(wasmBinaryUrl),
    detector: abs(`models/face/${FACE_MODEL_FILES[range]}`),
    landmarker: abs(`models/face/${FACE_MODEL_FILES.landmarker}`),
  };
}

type WasmFileset = Parameters<typeof FaceDetector.createFromOptions>[0];

/** A fileset whose loader URL is unique to `task` (see the module-worker note above). */
export function wasmFileset(urls: FaceModelUrls, task: string): WasmFileset {
  const loader = new URL(urls.wasmLoader);
  loader.searchParams.set('task', task);
  return { wasmLoaderPath: loader.href, wasmBinaryPath: urls.wasmBinary };
}

export async function loadFaceDetector(
  config: FaceModelsConfig,
  urls: FaceModelUrls = faceModelUrls(config.detectorRange),
): Promise<FaceDetector> {
  restrictFetchToOrigin();
  quietMediaPipeInfo();
  return FaceDetector.createFromOptions(wasmFileset(urls, 'detector'), {
    baseOptions: { modelAssetPath: urls.detector, delegate: 'CPU' },
    runningMode: config.runningMode,
    minDetectionConfidence: config.minDetectionConfidence,
    minSuppressionThreshold: config.minSuppressionThreshold,
  });
}

export async function loadFaceLandmarker(
  config: FaceModelsConfig,
  urls: FaceModelUrls = faceModelUrls(config.detectorRange),
): Promise<FaceLandmarker> {
  restrictFetchToOrigin();
  quietMediaPipeInfo();
  return FaceLandmarker.createFromOptions(wasmFileset(urls, 'landmarker'), {
    baseOptions: { modelAssetPath: urls.landmarker, delegate: 'CPU' },
    runningMode: config.runningMode,
    numFaces: config.maxFaces,
    minFaceDetectionConfidence: config.minDetectionConfidence,
    minFacePresenceConfidence: 0.5,
    minTrackingConfidence: 0.5,
  });
}

// ---------------------------------------------------------------------------------------
// Results and protocol

export interface FaceTimings {
  detectorMs: number;
  landmarkerMs: number;
}

export type FaceWorkerRequest =
  | { type: 'load'; config?: Partial<FaceModelsConfig> }
  | { type: 'detect'; id: number; bitmap: ImageBitmap; timestampMs?: number };

export type FaceWorkerResponse =
  | { type: 'ready'; loadMs: number; config: FaceModelsConfig }
  | {
      type: 'faces';
      id: number;
      width: number;
      height: number;
      faces: FaceResult[];
      /** Faces FaceLandmarker found (it runs its own detector; unmatched ones are dropped). */
      landmarkerFaces: number;
      timings: FaceTimings;
    }
  | { type: 'error'; id: number | null; message: string };

/** Converts one tasks-vision detection (box in pixels, keypoints normalised) to ours. */
export function toFace(d: Detection, width: number, height: number): FaceResult | null {
  const b = d.boundingBox;
  if (!b || d.keypoints.length < DETECTOR_KEYPOINTS.length) return null;
  const keypoints = Object.fromEntries(
    DETECTOR_KEYPOINTS.map((name, i) => {
      const k = d.keypoints[i];
      return [name, { x: (k?.x ?? 0) * width, y: (k?.y ?? 0) * height }];
    }),
  ) as Record<DetectorKeypoint, Point>;
  return {
    box: { x: b.originX, y: b.originY, width: b.width, height: b.height },
    score: d.categories[0]?.score ?? 0,
    keypoints,
    landmarks: null,
  };
}

function landmarkBox(points: Point[]): FaceResult['box'] {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

function iou(a: FaceResult['box'], b: FaceResult['box']): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * Attaches each landmark set (normalised, from FaceLandmarker) to the detection it overlaps
 * most (IoU of the landmarks' bounding box and the detection box, at least `minIou`).
 * The landmarker runs its own detector, so it may see faces the detector dropped and vice
 * versa; unmatched landmark sets are ignored and unmatched faces keep `landmarks: null`.
 */
export function attachLandmarks(
  faces: FaceResult[],
  landmarkSets: NormalizedLandmark[][],
  width: number,
  height: number,
  minIou = 0.3,
): FaceResult[] {
  const out = faces.map((f) => ({ ...f }));
  const taken = new Set<number>();
  for (const set of landmarkSets) {
    const points = set.map((p) => ({ x: p.x * width, y: p.y * height, z: p.z * width }));
    const box = landmarkBox(points);
    let best = -1;
    let bestIou = minIou;
    out.forEach((f, i) => {
      const o = iou(f.box, box);
      if (!taken.has(i) && o >= bestIou) {
        best = i;
        bestIou = o;
      }
    });
    const face = out[best];
    if (face) {
      face.landmarks = points;
      taken.add(best);
    }
  }
  return out;
}
