/// <reference lib="webworker" />
/**
 * Face detection worker: loads MediaPipe's FaceDetector and FaceLandmarker once (on the
 * first `load` or `detect`), then answers `{type:'detect', id, bitmap}` with the faces found
 * (box, score, 6 keypoints, 478 landmarks) and the time each model took. Imports nothing from
 * the UI. The bitmap is closed after use.
 */
import type { FaceDetector, FaceLandmarker } from '@mediapipe/tasks-vision';
import {
  attachLandmarks,
  loadFaceDetector,
  loadFaceLandmarker,
  toFace,
  validateFaceModelsConfig,
  type FaceModelsConfig,
  type FaceResult,
  type FaceWorkerRequest,
  type FaceWorkerResponse,
} from '../../preprocess/faceModels';

declare const self: DedicatedWorkerGlobalScope;

interface Models {
  config: FaceModelsConfig;
  detector: FaceDetector;
  landmarker: FaceLandmarker | null;
}

let models: Promise<Models> | null = null;

function post(message: FaceWorkerResponse): void {
  self.postMessage(message);
}

function load(config?: Partial<FaceModelsConfig>): Promise<Models> {
  models ??= (async () => {
    const t0 = performance.now();
    const c = validateFaceModelsConfig(config);
    // One after the other: each instantiates its own copy of the wasm.
    const detector = await loadFaceDetector(c);
    const landmarker = c.landmarks ? await loadFaceLandmarker(c) : null;
    post({ type: 'ready', loadMs: performance.now() - t0, config: c });
    return { config: c, detector, landmarker };
  })().catch((e: unknown) => {
    models = null; // let a later message retry
    throw e;
  });
  return models;
}

function detect(m: Models, bitmap: ImageBitmap, timestampMs: number | undefined) {
  const { width, height } = bitmap;
  const video = m.config.runningMode === 'VIDEO';
  const ts = timestampMs ?? performance.now();
  const t0 = performance.now();
  const detections = video ? m.detector.detectForVideo(bitmap, ts) : m.detector.detect(bitmap);
  const t1 = performance.now();
  const landmarks = m.landmarker
    ? (video ? m.landmarker.detectForVideo(bitmap, ts) : m.landmarker.detect(bitmap)).faceLandmarks
    : [];
  const t2 = performance.now();
  const faces = detections.detections
    .map((d) => toFace(d, width, height))
    .filter((f): f is FaceResult => f !== null);
  return {
    width,
    height,
    faces: attachLandmarks(faces, landmarks, width, height),
    landmarkerFaces: landmarks.length,
    timings: { detectorMs: t1 - t0, landmarkerMs: m.landmarker ? t2 - t1 : 0 },
  };
}

self.onmessage = async (event: MessageEvent<FaceWorkerRequest>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'load':
      try {
        await load(msg.config);
      } catch (e) {
        post({ type: 'error', id: null, message: e instanceof Error ? e.message : String(e) });
      }
      break;
    case 'detect':
      try {
        const m = await load();
        post({ type: 'faces', id: msg.id, ...detect(m, msg.bitmap, msg.timestampMs) });
      } catch (e) {
        post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
      } finally {
        msg.bitmap.close();
      }
      break;
  }
};
