import { describe, expect, it } from 'vitest';
import type { Detection, NormalizedLandmark } from '@mediapipe/tasks-vision';
import {
  DEFAULT_FACE_MODELS_CONFIG,
  MESH_INDEX,
  attachLandmarks,
  eyeCentres,
  faceModelUrls,
  mouthCorners,
  toFace,
  validateFaceModelsConfig,
  wasmFileset,
} from './faceModels';

const detection = (x: number, y: number, size: number, score = 0.9): Detection => ({
  categories: [{ score, index: 0, categoryName: '', displayName: '' }],
  boundingBox: { originX: x, originY: y, width: size, height: size, angle: 0 },
  // Normalised keypoints for a 200x100 image.
  keypoints: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map((v) => ({ x: v, y: v / 2 })),
});

/** 478 normalised landmarks filling the square (x0,y0)-(x0+s,y0+s) of a 200x100 image. */
const landmarkSet = (x0: number, y0: number, s: number): NormalizedLandmark[] =>
  Array.from({ length: 478 }, (_, i) => ({
    x: (x0 + ((i * 7) % 11) * (s / 10)) / 200,
    y: (y0 + ((i * 5) % 11) * (s / 10)) / 100,
    z: 0.01,
    visibility: 0,
  }));

describe('validateFaceModelsConfig', () => {
  it('fills defaults and rejects out-of-range values', () => {
    expect(validateFaceModelsConfig()).toEqual(DEFAULT_FACE_MODELS_CONFIG);
    expect(validateFaceModelsConfig({ detectorRange: 'short' }).detectorRange).toBe('short');
    expect(() => validateFaceModelsConfig({ minDetectionConfidence: 1.5 })).toThrow(RangeError);
    expect(() => validateFaceModelsConfig({ maxFaces: 0 })).toThrow(RangeError);
  });
});

describe('model URLs', () => {
  it('are absolute, under our origin and BASE_URL, one loader URL per task', () => {
    const urls = faceModelUrls('full', 'http://127.0.0.1:4173', '/app/');
    expect(urls.detector).toBe(
      'http://127.0.0.1:4173/app/models/face/face_detector_full_range.tflite',
    );
    expect(urls.landmarker).toBe('http://127.0.0.1:4173/app/models/face/face_landmarker.task');
    for (const u of [urls.wasmLoader, urls.wasmBinary])
      expect(u).toMatch(/^http:\/\/127\.0\.0\.1:4173\//);
    const a = wasmFileset(urls, 'detector');
    const b = wasmFileset(urls, 'landmarker');
    expect(a.wasmLoaderPath).not.toBe(b.wasmLoaderPath);
    expect(a.wasmBinaryPath).toBe(b.wasmBinaryPath);
  });
});

describe('toFace / attachLandmarks', () => {
  it('converts keypoints to pixels and names them', () => {
    const f = toFace(detection(10, 5, 40), 200, 100);
    expect(f?.box).toEqual({ x: 10, y: 5, width: 40, height: 40 });
    expect(f?.keypoints.rightEye).toEqual({ x: 20, y: 5 });
    expect(f?.keypoints.mouthCenter).toEqual({ x: 80, y: 20 });
    expect(toFace({ ...detection(0, 0, 1), boundingBox: undefined }, 200, 100)).toBeNull();
  });

  it('gives each landmark set to the face it overlaps, leaving others without', () => {
    const faces = [detection(10, 10, 40), detection(120, 20, 50)].map((d) => toFace(d, 200, 100));
    const valid = faces.filter((f) => f !== null);
    const out = attachLandmarks(
      valid,
      [landmarkSet(122, 22, 46), landmarkSet(0, 60, 10)],
      200,
      100,
    );
    expect(out[0]?.landmarks).toBeNull();
    expect(out[1]?.landmarks).toHaveLength(478);
    expect(out[1]?.landmarks?.[0]).toEqual({ x: 122, y: 22, z: 2 });
  });

  it('uses irises and mouth corners from the mesh when present, detector eyes otherwise', () => {
    const face = toFace(detection(10, 10, 40), 200, 100);
    if (!face) throw new Error('no face');
    expect(eyeCentres(face)).toEqual({
      right: face.keypoints.rightEye,
      left: face.keypoints.leftEye,
    });
    expect(mouthCorners(face)).toBeNull();
    const landmarks = Array.from({ length: 478 }, (_, i) => ({ x: i, y: -i, z: 0 }));
    const withMesh = { ...face, landmarks };
    expect(eyeCentres(withMesh).right).toEqual(landmarks[MESH_INDEX.rightIrisCenter]);
    expect(mouthCorners(withMesh)?.left).toEqual(landmarks[MESH_INDEX.mouthLeft]);
  });
});
