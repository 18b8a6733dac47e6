import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ffmpeg, makeVideos } from './ffmpeg';
import { fixturePath } from './fixtures';
import { importVideos, open } from './preprocessHelpers';
import { ASTRONAUT, DIR, VIDEOS } from './preprocessVideos';
import { DETERMINISTIC_H264_ARGS } from '../fixtures/h264';

/**
 * The preprocessing engine on real faces (astronaut.png) in Chromium: the worker pool, face
 * models, ffmpeg.wasm decoding inside a worker, crops, atomic storage, resume after a
 * reload, and clip mining. The videos are made here with Debian's ffmpeg (deterministic:
 * one thread, fixed settings) into tests/fixtures/generated/preprocess/. The benchmark and the
 * Preprocess panel have their own specs (preprocess-bench.spec.ts, preprocess-panel.spec.ts).
 */

/** A CK+-style folder: one labelled sequence of 10 PNG frames of the astronaut video. */
function makeSequence(): string {
  const root = `${DIR}/ckplus-astronaut`;
  const seq = `${root}/cohn-kanade-images/S900/001`;
  const emo = `${root}/Emotion/S900/001`;
  if (existsSync(`${emo}/S900_001_00000010_emotion.txt`)) return root;
  mkdirSync(seq, { recursive: true });
  mkdirSync(emo, { recursive: true });
  ffmpeg(
    [
      '-i',
      `${DIR}/one-face.mp4`,
      '-vf',
      'fps=10',
      '-frames:v',
      '10',
      '-start_number',
      '1',
      `${seq}/S900_001_%08d.png`,
    ],
    { threads: 1 },
  );
  writeFileSync(`${emo}/S900_001_00000010_emotion.txt`, '   5.0000000e+00\n');
  return root;
}

test.beforeAll(() => makeVideos(DIR, VIDEOS, DETERMINISTIC_H264_ARGS));

interface Pt {
  x: number;
  y: number;
}
type Mining = { accepted: boolean; reason?: string; clip?: { frameCount: number } } | null;

/** Fast settings for CI: 12 fps (36 frames from 3 s), 112 px crops. */
const CONFIG = { fps: 12, crop: { size: 112 } };

function apply(m: readonly number[], p: Pt): Pt {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = m;
  return { x: a * p.x + b * p.y + c, y: d * p.x + e * p.y + f };
}

test('a real-face video: crops, eye landmarks at the paper targets, resume after a reload without duplicates', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await open(page);
  const datasetId = await importVideos(
    page,
    ['one-face.mp4', 'no-face.mp4', 'two-faces.mp4'],
    'unlabelled-video',
  );

  // Start, and reload as soon as the first item is stored.
  await page.evaluate(({ id, cfg }) => window.__ferPreprocess?.start(id, cfg), {
    id: datasetId,
    cfg: CONFIG,
  });
  await expect
    .poll(
      async () =>
        page.evaluate(async (id) => {
          const s = await window.__ferPreprocess?.status(id);
          return s ? s.byStatus.done + s.byStatus.flagged + s.byStatus.failed : 0;
        }, datasetId),
      { timeout: 120_000 },
    )
    .toBeGreaterThanOrEqual(1);
  const before = await page.evaluate((id) => window.__ferPreprocess?.outcomes(id), datasetId);
  expect(before?.length).toBeLessThan(3);
  await page.reload();
  await open(page);

  const summary = await page.evaluate(({ id, cfg }) => window.__ferPreprocess?.run(id, cfg), {
    id: datasetId,
    cfg: CONFIG,
  });
  if (!summary) throw new Error('no summary');
  expect(summary.phase).toBe('done');
  // What was stored before the reload is skipped (an item may have been stored between the
  // read above and the reload); at least one item was still to do.
  expect(summary.skipped).toBeGreaterThanOrEqual(before?.length ?? 0);
  expect(summary.processed).toBeGreaterThanOrEqual(1);
  expect(summary.processed + summary.skipped).toBe(3);

  const outcomes = await page.evaluate((id) => window.__ferPreprocess?.outcomes(id), datasetId);
  if (!outcomes) throw new Error('no outcomes');
  expect(outcomes).toHaveLength(3);
  const byName = (n: string) => {
    const o = outcomes.find((x) => x.itemId.endsWith(n));
    if (!o) throw new Error(`no outcome for ${n}`);
    return o;
  };
  const one = byName('one-face.mp4');
  // 3 s at 12 fps: 36 sampled frames, all with the face.
  expect(one.sampled).toBe(36);
  expect(one.kept).toBe(36);
  expect(one.status).toBe('done');
  expect(byName('no-face.mp4')).toMatchObject({ kept: 0, status: 'flagged' });
  expect(byName('no-face.mp4').dropped['no-face']).toBe(36);

  // Stored frames: exactly the kept ones, no duplicates anywhere in the dataset.
  const stored = await page.evaluate((id) => window.__ferPreprocess?.cropBytes(id), datasetId);
  const keptTotal = outcomes.reduce((n, o) => n + o.kept, 0);
  expect(stored?.frames).toBe(keptTotal);
  const frames = await page.evaluate((id) => window.__ferPreprocess?.frames(id), one.itemId);
  if (!frames) throw new Error('no frames');
  expect(frames.map((f) => f.frameIndex)).toEqual(Array.from({ length: 36 }, (_, i) => i));
  expect(new Set(frames.map((f) => f.id)).size).toBe(36);

  // Three WebP crops per frame; the eyes land on (0.2, 0.6) / (0.8, 0.6) of the eyes crop.
  const size = 112;
  for (const f of frames) {
    for (const region of ['face', 'eyes', 'mouth'] as const) {
      expect(f.crops[region].type).toBe('image/webp');
      expect(f.crops[region].bytes).toBeGreaterThan(200);
    }
    const r = apply(f.record.affines.eyes, f.record.keypoints.rightEye);
    const l = apply(f.record.affines.eyes, f.record.keypoints.leftEye);
    expect(Math.abs(r.x / size - 0.2)).toBeLessThan(0.01);
    expect(Math.abs(r.y / size - 0.6)).toBeLessThan(0.01);
    expect(Math.abs(l.x / size - 0.8)).toBeLessThan(0.01);
    expect(Math.abs(l.y / size - 0.6)).toBeLessThan(0.01);
    // The video turns the face by at most 0.08 rad (4.6 degrees) either way.
    expect(Math.abs(f.record.angleDeg)).toBeLessThan(8);
    expect(f.record.keypoints.mouthRight).not.toBeNull();
  }
  // The levelling angle follows the video's rotation, 0.08 rad * sin(pi t) (4.58 degrees),
  // on top of the astronaut's own head tilt: fit angle = a + b sin(pi t) by least squares.
  const xs = frames.map((f) => Math.sin(Math.PI * f.record.timestampSec));
  const ys = frames.map((f) => f.record.angleDeg);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const b =
    xs.reduce((n, x, i) => n + (x - mx) * ((ys[i] ?? 0) - my), 0) /
    xs.reduce((n, x) => n + (x - mx) ** 2, 0);
  expect(Math.abs(b)).toBeGreaterThan(3.5);
  expect(Math.abs(b)).toBeLessThan(5.5);
  const residual = Math.max(...ys.map((y, i) => Math.abs(y - my - b * ((xs[i] ?? 0) - mx))));
  expect(residual).toBeLessThan(1.5);

  // A second run with the same settings does nothing.
  const again = await page.evaluate(({ id, cfg }) => window.__ferPreprocess?.run(id, cfg), {
    id: datasetId,
    cfg: CONFIG,
  });
  expect(again).toMatchObject({ processed: 0, skipped: 3 });
});

test('clip mining on constructed videos: one face, two faces, no face, a small face', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await open(page);
  const datasetId = await importVideos(
    page,
    ['one-face.mp4', 'two-faces.mp4', 'no-face.mp4', 'small-face.mp4'],
    'unlabelled-video',
  );
  const summary = await page.evaluate(({ id, cfg }) => window.__ferPreprocess?.run(id, cfg), {
    id: datasetId,
    cfg: CONFIG,
  });
  if (!summary) throw new Error('no summary');
  const mining: Record<string, Mining> = Object.fromEntries(
    summary.outcomes.map((o) => [o.itemId.split(':').pop() ?? '', o.mining]),
  );
  expect(mining['one-face.mp4']).toMatchObject({ accepted: true, clip: { frameCount: 36 } });
  expect(mining['two-faces.mp4']).toMatchObject({ accepted: false, reason: 'multiple-faces' });
  expect(mining['no-face.mp4']).toMatchObject({ accepted: false, reason: 'no-face' });
  expect(mining['small-face.mp4']).toMatchObject({ accepted: false, reason: 'face-too-small' });
  const flagged = summary.outcomes.filter((o) => o.flags.includes('mining-rejected'));
  expect(flagged).toHaveLength(3);

  // Re-deciding from the stored face boxes: a lower area threshold accepts the small face.
  const remined = await page.evaluate(
    (id) => window.__ferPreprocess?.remine(id, { minFaceAreaFraction: 0.001 }),
    datasetId,
  );
  expect(remined).toEqual({ accepted: 2, rejected: { 'multiple-faces': 1, 'no-face': 1 } });
});

test('preprocess-media: every face, the chosen one, keypoints, affines, drops and crops per frame', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await open(page);
  await page
    .getByTestId('testapi.files')
    .setInputFiles([`${DIR}/two-faces.mp4`, ASTRONAUT, `${DIR}/no-face.mp4`]);
  const result = (await page.evaluate((cfg) => window.__ferPreprocess?.mediaFromTestInput(cfg), {
    fps: 2,
    crop: { size: 64 },
  })) as {
    configHash: string;
    files: {
      name: string;
      kind: string;
      sampled: number;
      kept: number;
      mining: Mining;
      frames: {
        faces: { box: { x: number; width: number }; score: number }[];
        chosen: number | null;
        keypoints: { rightEye: Pt; leftEye: Pt } | null;
        affines: Record<'face' | 'eyes' | 'mouth', number[]> | null;
        dropped: string | null;
        crops: Record<'face' | 'eyes' | 'mouth', { bytes: number }> | null;
      }[];
    }[];
  };
  expect(result.configHash).toMatch(/^[0-9a-f]{16}$/);
  const [two, still, none] = result.files;
  if (!two || !still || !none) throw new Error('missing files');
  // 3 s at 2 fps: 6 frames, each with both faces; the chosen one is one of them.
  expect(two.sampled).toBe(6);
  for (const f of two.frames) {
    expect(f.faces).toHaveLength(2);
    expect(f.faces.every((x) => x.score > 0.5)).toBe(true);
    expect([0, 1]).toContain(f.chosen);
    expect(f.dropped).toBeNull();
    expect(f.affines?.eyes).toHaveLength(6);
    expect(f.crops?.mouth.bytes).toBeGreaterThan(100);
  }
  expect(two.mining).toMatchObject({ accepted: false, reason: 'multiple-faces' });
  expect(still).toMatchObject({ kind: 'image', sampled: 1, kept: 1 });
  const eyes = still.frames[0]?.keypoints;
  // astronaut.png: iris centres near (203.6, 101.2) and (246.5, 103.5).
  expect(Math.abs((eyes?.rightEye.x ?? 0) - 203.6)).toBeLessThan(6);
  expect(Math.abs((eyes?.leftEye.x ?? 0) - 246.5)).toBeLessThan(6);
  expect(none.kept).toBe(0);
  expect(none.frames.every((f) => f.dropped === 'no-face' && f.crops === null)).toBe(true);

  // The CLI's variant carries the crops' bytes (base64): real 64x64 WebP files.
  const withCrops = await page.evaluate((cfg) => window.__ferPreprocess?.mediaWithCrops(cfg), {
    fps: 2,
    crop: { size: 64 },
  });
  const crop = withCrops?.files[1]?.frames[0]?.crops?.eyes;
  if (!crop) throw new Error('no crop bytes');
  const bytes = Buffer.from(crop.base64, 'base64');
  expect(bytes.length).toBe(crop.bytes);
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
  expect(bytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
});

async function importFolder(page: Page, path: string, layout: string): Promise<string> {
  await page.getByTestId('testapi.folder').setInputFiles(path);
  return page.evaluate(async (l) => {
    const fer = window.__fer;
    if (!fer) throw new Error('no test API');
    await fer.planFromTestInput('folder', { layout: l as 'ckplus' });
    return (await fer.commitPlan()).datasetId;
  }, layout);
}

test('image sequences (CK+ layout) and FER2013 grey crops', async ({ page }) => {
  test.setTimeout(240_000);
  await open(page);
  const ck = await importFolder(page, makeSequence(), 'ckplus');
  const ckRun = await page.evaluate(({ id, cfg }) => window.__ferPreprocess?.run(id, cfg), {
    id: ck,
    cfg: { ...CONFIG, maxFramesPerVideo: 8 },
  });
  // 10 frames, at most 8 spread evenly; all with the face; labelled: no mining.
  expect(ckRun).toMatchObject({ processed: 1, keptFrames: 8, sampledFrames: 8, mining: null });
  const [seq] = ckRun?.outcomes ?? [];
  const frames = await page.evaluate((id) => window.__ferPreprocess?.frames(id), seq?.itemId ?? '');
  // Source frames 0, 1, 3, 4, 5, 6, 8, 9 at CK+'s nominal 30 fps.
  expect(frames?.map((f) => Math.round(f.record.timestampSec * 30))).toEqual([
    0, 1, 3, 4, 5, 6, 8, 9,
  ]);
  for (const f of frames ?? []) {
    const r = apply(f.record.affines.eyes, f.record.keypoints.rightEye);
    expect(Math.abs(r.x / 112 - 0.2)).toBeLessThan(0.01);
    expect(f.record.faces).toHaveLength(1);
  }

  const fer = await importFolder(page, fixturePath('ferplus'), 'ferplus-csv');
  const items = (await page.evaluate(() => window.__fer?.listDatasets()))?.find(
    (d) => d.id === fer,
  )?.itemCount;
  const ferRun = await page.evaluate((id) => window.__ferPreprocess?.run(id), fer);
  // Every grey crop is one aligned face: one frame each, no detection, nothing dropped.
  expect(ferRun).toMatchObject({ processed: items, keptFrames: items, byStatus: { done: items } });
  const one = ferRun?.outcomes[0];
  const [f] =
    (await page.evaluate((id) => window.__ferPreprocess?.frames(id), one?.itemId ?? '')) ?? [];
  if (!f) throw new Error('no FER frame');
  expect(f.record.sourceWidth).toBe(48);
  expect(f.crops.face.type).toBe('image/webp');
  // Eyes = top half, mouth = bottom half, each stretched to 224 x 224.
  expect(f.record.affines.eyes).toEqual([224 / 48, 0, 0, 0, 224 / 24, 0]);
  expect(f.record.affines.mouth).toEqual([224 / 48, 0, 0, 0, 224 / 24, -224]);
  const e = apply(f.record.affines.eyes, f.record.keypoints.leftEye);
  expect(e.x).toBeCloseTo(0.8 * 224, 6);
  expect(e.y).toBeCloseTo(0.6 * 224, 6);
});
