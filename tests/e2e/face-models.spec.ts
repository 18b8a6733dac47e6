import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

/**
 * FaceDetector + FaceLandmarker (MediaPipe tasks-vision, CPU) in our worker, loaded only from
 * our own origin (models converted by scripts/face-models, wasm from the build).
 * Reference values were measured once on astronaut.png (512x512) with the full-range
 * detector: box (173,67) 103x103, iris centres (203.6,101.2) and (246.5,103.5), landmarks
 * spanning (179,69)-(271,178).
 */

interface Pt {
  x: number;
  y: number;
}
interface Face {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  keypoints: Record<'rightEye' | 'leftEye' | 'noseTip' | 'mouthCenter', Pt>;
  landmarks: (Pt & { z: number })[] | null;
}
interface FaceApi {
  load(config?: Record<string, unknown>): Promise<{ loadMs: number }>;
  detect(
    url: string,
    options?: { width?: number; repeat?: number },
  ): Promise<{ width: number; height: number; faces: Face[] }>;
}
type FaceWindow = Window & { __ferFace?: FaceApi };

function expectNear(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

const ASTRONAUT = '/__fixtures__/faces/astronaut.png';
const IRIS_RIGHT = 468; // the person's right eye (left in the image)
const IRIS_LEFT = 473;

test('face detector and 478-point landmarker run offline in a worker on astronaut.png', async ({
  page,
  baseURL,
}) => {
  const origin = new URL(baseURL ?? 'http://127.0.0.1').origin;
  const requested: string[] = [];
  const foreign: string[] = [];
  page.context().on('request', (r) => requested.push(r.url()));
  // Anything not from our origin is recorded and refused (it must not be needed).
  await page.context().route(
    (url) => url.origin !== origin && url.protocol.startsWith('http'),
    async (route) => {
      foreign.push(route.request().url());
      await route.abort();
    },
  );
  await page.route(`**${ASTRONAUT}`, (route) =>
    route.fulfill({
      body: readFileSync('tests/fixtures/faces/astronaut.png'),
      contentType: 'image/png',
      headers: { 'Cross-Origin-Resource-Policy': 'same-origin' },
    }),
  );

  await page.goto('/');
  await page.waitForFunction(() => (window as FaceWindow).__ferFace !== undefined);
  const loaded = await page.evaluate(() => (window as FaceWindow).__ferFace?.load());
  expect(loaded?.loadMs).toBeGreaterThan(0);
  const result = await page.evaluate(
    (url) => (window as FaceWindow).__ferFace?.detect(url),
    ASTRONAUT,
  );

  // Models and wasm came from us, nothing else was asked for.
  expect(foreign).toEqual([]);
  expect(requested.filter((u) => !u.startsWith(origin) && !/^(data|blob):/.test(u))).toEqual([]);
  for (const file of ['face_detector_full_range.tflite', 'face_landmarker.task', '.wasm']) {
    expect(
      requested.some((u) => u.includes(file)),
      file,
    ).toBe(true);
  }

  expect(result?.width).toBe(512);
  expect(result?.faces).toHaveLength(1);
  const face = result?.faces[0];
  if (!face) throw new Error('no face');
  expect(face.score).toBeGreaterThan(0.8);
  const { box } = face;
  expectNear(box.x + box.width / 2, 225, 16);
  expectNear(box.y + box.height / 2, 119, 16);
  expect(box.width).toBeGreaterThan(85);
  expect(box.width).toBeLessThan(125);

  const landmarks = face.landmarks ?? [];
  expect(landmarks).toHaveLength(478);
  const margin = 0.1 * box.width;
  for (const p of landmarks) {
    expect(p.x).toBeGreaterThan(box.x - margin);
    expect(p.x).toBeLessThan(box.x + box.width + margin);
    expect(p.y).toBeGreaterThan(box.y - margin);
    expect(p.y).toBeLessThan(box.y + box.height + margin);
  }

  const right = landmarks[IRIS_RIGHT];
  const left = landmarks[IRIS_LEFT];
  if (!right || !left) throw new Error('no iris landmarks');
  const mid = { x: (right.x + left.x) / 2, y: (right.y + left.y) / 2 };
  expectNear(mid.x, 225, 6);
  expectNear(mid.y, 102, 6);
  const distance = Math.hypot(left.x - right.x, left.y - right.y);
  expect(distance).toBeGreaterThan(35);
  expect(distance).toBeLessThan(52);
  const angle = (Math.atan2(left.y - right.y, left.x - right.x) * 180) / Math.PI;
  expect(Math.abs(angle)).toBeLessThan(10);
  // The detector's own eye keypoints agree with the irises.
  expectNear(face.keypoints.rightEye.x, right.x, 8);
  expectNear(face.keypoints.leftEye.y, left.y, 8);
  // Mouth corners lie below the eyes, either side of the detector's mouth centre.
  const mouthRight = landmarks[61];
  const mouthLeft = landmarks[291];
  const mouth = face.keypoints.mouthCenter;
  if (!mouthRight || !mouthLeft) throw new Error('no mouth points');
  expect(mouthRight.x).toBeLessThan(mouth.x);
  expect(mouthLeft.x).toBeGreaterThan(mouth.x);
  expect(Math.min(mouthRight.y, mouthLeft.y)).toBeGreaterThan(mid.y + 0.4 * distance);
});

test('the short-range detector and VIDEO mode (frames of one clip) find the same face', async ({
  page,
}) => {
  await page.route(`**${ASTRONAUT}`, (route) =>
    route.fulfill({
      body: readFileSync('tests/fixtures/faces/astronaut.png'),
      contentType: 'image/png',
    }),
  );
  await page.goto('/');
  await page.waitForFunction(() => (window as FaceWindow).__ferFace !== undefined);
  await page.evaluate(() =>
    (window as FaceWindow).__ferFace?.load({ detectorRange: 'short', runningMode: 'VIDEO' }),
  );
  // Three "frames": the landmarker tracks from the second one on.
  const result = await page.evaluate(
    (url) => (window as FaceWindow).__ferFace?.detect(url, { repeat: 3 }),
    ASTRONAUT,
  );
  expect(result?.faces).toHaveLength(1);
  const face = result?.faces[0];
  expectNear((face?.box.x ?? 0) + (face?.box.width ?? 0) / 2, 225, 16);
  expect(face?.landmarks).toHaveLength(478);
  const iris = face?.landmarks?.[IRIS_RIGHT];
  expectNear(iris?.x ?? 0, 203.6, 6);
  expectNear(iris?.y ?? 0, 101.2, 6);
});
