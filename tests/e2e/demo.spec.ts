import type { PhotoSurvival } from '../../src/ingest/demo/survival';
import { expect, test, type Page } from '@playwright/test';

/**
 * The built-in demo dataset (src/ingest/demo): generated in a worker from a seed, it must be
 * byte-for-byte reproducible, have the configured counts and hidden pool mix, and its
 * expressions must move the landmarks FACS says they move, as MediaPipe's landmarker sees
 * them on the generated frames.
 */

interface Pt {
  x: number;
  y: number;
}
interface DemoItem {
  key: string;
  split: string | null;
  rawLabel: string | null;
  hiddenLabel: string | null;
  frames: number;
  sha256: string;
}
interface DemoSummary {
  seconds: number;
  items: DemoItem[];
  survival: PhotoSurvival[];
  sha256: string;
  timings: Record<string, number>;
}
interface DemoApi {
  generate(opts?: Record<string, unknown>): Promise<DemoSummary>;
  frameUrl(key: string, frame: number): string;
  probe(opts: { cls: string; intensity: number; size: number }): Promise<{ url: string }>;
}
interface FaceApi {
  detect(url: string): Promise<{ faces: { score: number; landmarks: Pt[] | null }[] }>;
}
type DemoWindow = Window & { __ferDemo?: DemoApi; __ferFace?: FaceApi };

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

async function open(page: Page): Promise<void> {
  await page.goto('/');
  await page.waitForFunction(() => {
    const w = window as DemoWindow;
    return w.__ferDemo !== undefined && w.__ferFace !== undefined;
  });
}

function generate(page: Page, opts: Record<string, unknown>): Promise<DemoSummary> {
  return page.evaluate(async (o) => {
    const api = (window as DemoWindow).__ferDemo;
    if (!api) throw new Error('no __ferDemo');
    return api.generate(o);
  }, opts);
}

/** Landmarks of the one face in `url`, in the face frame (origin between the irises, unit = eye distance). */
async function faceCoords(page: Page, url: string): Promise<{ u: number; v: number }[]> {
  const result = await page.evaluate((u) => (window as DemoWindow).__ferFace?.detect(u), url);
  expect(result?.faces.length).toBe(1);
  const lm = result?.faces[0]?.landmarks;
  if (!lm) throw new Error('no landmarks');
  const r = lm[468];
  const l = lm[473];
  if (!r || !l) throw new Error('no irises');
  const d = Math.hypot(l.x - r.x, l.y - r.y);
  const ux = (l.x - r.x) / d;
  const uy = (l.y - r.y) / d;
  const ox = (r.x + l.x) / 2;
  const oy = (r.y + l.y) / 2;
  return lm.map((p) => ({
    u: ((p.x - ox) * ux + (p.y - oy) * uy) / d,
    v: (-(p.x - ox) * uy + (p.y - oy) * ux) / d,
  }));
}

function meanV(points: { v: number }[], indices: number[]): number {
  return indices.reduce((s, i) => s + (points[i]?.v ?? NaN), 0) / indices.length;
}

const SMALL = {
  seed: 7,
  counts: { trainPerClass: 2, valPerClass: 1, testPerClass: 0, pool: 30, frames: 4, size: 96 },
};

test('the same seed gives byte-identical frames, with the configured splits and pool mix', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await open(page);
  // One worker, then the same plan split over three (every third clip each): the same bytes.
  const a = await generate(page, { ...SMALL, workers: 1 });
  const b = await generate(page, { ...SMALL, workers: 3 });
  expect(b.items.map((i) => i.sha256)).toEqual(a.items.map((i) => i.sha256));
  expect(b.sha256).toBe(a.sha256);
  const other = await generate(page, { ...SMALL, seed: 8 });
  expect(other.sha256).not.toBe(a.sha256);
  expect(other.items[0]?.sha256).not.toBe(a.items[0]?.sha256);

  expect(a.items).toHaveLength(7 * 2 + 7 * 1 + 30);
  for (const cls of CLASSES) {
    expect(a.items.filter((i) => i.split === 'train' && i.rawLabel === cls)).toHaveLength(2);
    expect(a.items.filter((i) => i.split === 'val' && i.rawLabel === cls)).toHaveLength(1);
  }
  for (const i of a.items) expect(i.frames).toBe(4);
  const pool = a.items.filter((i) => i.split === null);
  expect(pool).toHaveLength(30);
  for (const i of pool) {
    expect(i.rawLabel).toBeNull();
    expect(i.key).toMatch(/^unlabelled\/clip\d{4}$/);
  }
  // Default mix over 30 clips (largest remainder): neutral 9, happy 7, sad 4, surprise 3,
  // angry 3, fear 2, disgust 2.
  const hidden = Object.fromEntries(
    CLASSES.map((c) => [c, pool.filter((i) => i.hiddenLabel === c).length]),
  );
  expect(hidden).toEqual({
    angry: 3,
    disgust: 2,
    fear: 2,
    happy: 7,
    sad: 4,
    surprise: 3,
    neutral: 9,
  });

  // A generated frame (with identity, motion, lighting, blur and noise) is still a face.
  const apex = a.items.find((i) => i.key === 'train/surprise/clip0001');
  if (!apex) throw new Error('missing clip');
  for (const frame of [0, 2]) {
    const url = await page.evaluate(
      ([key, f]) => (window as DemoWindow).__ferDemo?.frameUrl(key, f) ?? '',
      [apex.key, frame] as const,
    );
    const faces = await page.evaluate((u) => (window as DemoWindow).__ferFace?.detect(u), url);
    expect(faces?.faces.length, `frame ${frame}`).toBe(1);
  }

  // A custom mix is followed too.
  const custom = await generate(page, {
    seed: 7,
    counts: {
      trainPerClass: 0,
      valPerClass: 0,
      testPerClass: 0,
      pool: 10,
      frames: 4,
      size: 64,
      poolMix: { angry: 0, disgust: 0, fear: 0, happy: 4, sad: 0, surprise: 0, neutral: 1 },
    },
  });
  expect(custom.items.filter((i) => i.hiddenLabel === 'happy')).toHaveLength(8);
  expect(custom.items.filter((i) => i.hiddenLabel === 'neutral')).toHaveLength(2);
});

test('expressions move the landmarks FACS says they move, as the landmarker sees them', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await open(page);
  const probe = async (cls: string, intensity: number) => {
    const r = await page.evaluate((o) => (window as DemoWindow).__ferDemo?.probe(o), {
      cls,
      intensity,
      size: 256,
    });
    if (!r) throw new Error('no probe');
    return faceCoords(page, r.url);
  };
  const neutral = await probe('neutral', 0);
  const happy = await probe('happy', 1);
  const sad = await probe('sad', 1);
  const surprise = await probe('surprise', 1);
  const angry = await probe('angry', 1);

  const corners = [61, 291];
  const brows = [70, 63, 105, 66, 107, 300, 293, 334, 296, 336];
  const innerBrows = [107, 336, 55, 285];
  const gap = (p: { v: number }[]) => (p[14]?.v ?? 0) - (p[13]?.v ?? 0);
  const delta = (after: { v: number }[], idx: number[]) => meanV(after, idx) - meanV(neutral, idx);

  console.log(
    'landmark shifts (D units, v down): ' +
      JSON.stringify({
        happyCorners: delta(happy, corners),
        sadCorners: delta(sad, corners),
        sadInnerBrows: delta(sad, innerBrows),
        surpriseBrows: delta(surprise, brows),
        surpriseChin: delta(surprise, [152]),
        surpriseGap: gap(surprise) - gap(neutral),
        angryBrows: delta(angry, brows),
      }),
  );
  // Happy (AU12): lip corners up (v is down, so negative).
  expect(delta(happy, corners)).toBeLessThan(-0.02);
  // Sad (AU1): inner brows up. (Its AU15 lip-corner drop is logged, not asserted: on
  // astronaut.png the landmarker keeps the corners near the smiling photo's own.)
  expect(delta(sad, innerBrows)).toBeLessThan(-0.02);
  // Surprise (AU1+2, AU26): brows up, jaw dropped, lips apart.
  expect(delta(surprise, brows)).toBeLessThan(-0.04);
  expect(delta(surprise, [152])).toBeGreaterThan(0.08);
  expect(gap(surprise) - gap(neutral)).toBeGreaterThan(0.05);
  // Angry (AU4): brows down.
  expect(delta(angry, brows)).toBeGreaterThan(0.01);
});

test('the default dataset: counts and generation time', async ({ page }) => {
  test.setTimeout(600_000);
  await open(page);
  const d = await generate(page, {});
  // Demo v2: 20 train, 6 val and 20 test clips per class, and a pool of 560 (4x train).
  expect(d.items).toHaveLength(7 * 20 + 7 * 6 + 7 * 20 + 560);
  expect(d.items.filter((i) => i.split === null)).toHaveLength(560);
  expect(d.items.filter((i) => i.split === 'test')).toHaveLength(140);
  // Every clip was checked with the preprocessing detector, per shipped photo.
  expect(d.survival.map((s) => s.photo)).toEqual([
    'astronaut.png',
    'grace_hopper.jpg',
    'ousterhout.png',
  ]);
  expect(d.survival.reduce((n, s) => n + s.clips, 0)).toBe(d.items.length);
  for (const s of d.survival) expect(s.failed).toBeLessThan(0.15 * s.clips);
  console.log(
    `default demo: ${d.items.length} clips in ${d.seconds.toFixed(1)} s, sha256 ${d.sha256} ` +
      `(landmarker load ${(d.timings.loadMs ?? 0).toFixed(0)} ms, render ${((d.timings.renderMs ?? 0) / 1000).toFixed(1)} s, ` +
      `encode ${((d.timings.encodeMs ?? 0) / 1000).toFixed(1)} s); face check: ${JSON.stringify(d.survival)}`,
  );
});
