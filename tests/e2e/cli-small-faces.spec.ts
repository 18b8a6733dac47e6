import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { MediaJson } from '../../scripts/lib/preprocessMedia';
import { jsonOf, runCli, type CliRun } from '../../scripts/lib/runCli';
import { ffmpeg } from './ffmpeg';
import { SMALL_FACE_EYE_DISTANCE } from '../../src/preprocess/smallFaces';
import { makeGroupFrame, makePortraitFrame, recall } from './groupFrame';

/**
 * Faces in the wild (issue 18) through `preprocess-media` on the real build: small faces in
 * a generated group frame (the tiled detection pass), landmark quality against face size,
 * and one person per mined clip in a video where two people swap sizes half-way.
 */
const dist = path.resolve(process.env.E2E_DIST ?? 'dist-automation');
let tmp: string;
let profile: string;

function cli(args: string[]): Promise<CliRun> {
  return runCli([...args, '--dist', dist, '--no-build', '--profile', profile]);
}

async function media(files: string[], extra: string[] = []): Promise<MediaJson> {
  const run = await cli([
    'preprocess-media',
    ...files,
    '--out',
    path.join(tmp, 'out'),
    ...extra,
    '--json',
  ]);
  expect(run.code, run.stderr).toBe(0);
  return jsonOf(run) as unknown as MediaJson;
}

test.describe.serial('small faces and tracked clips (preprocess-media on the built app)', () => {
  test.beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-small-faces-e2e-'));
    profile = path.join(tmp, 'profile');
  });

  test.afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('a 1280 px group frame of 28 faces of 40-60 px: recall >= 0.9 with tiles, none without', async () => {
    test.setTimeout(240_000);
    const file = path.join(tmp, 'group.png');
    const group = makeGroupFrame(file, { seed: 18 });
    expect(group.faces).toHaveLength(28);
    expect(group.faces.every((f) => f.width >= 40 && f.width <= 60)).toBe(true);

    const auto = await media([file]);
    const frame = auto.result.files[0]?.frames[0];
    if (!frame) throw new Error('no frame');
    const found = frame.faces.map((f) => f.box);
    const r = recall(group.faces, found);
    console.log(`group frame: ${found.length} boxes, recall ${r.toFixed(3)}`);
    expect(r).toBeGreaterThanOrEqual(0.9);
    // Few false positives: at most one box more than there are faces.
    expect(found.length).toBeLessThanOrEqual(group.faces.length + 1);
    // The chosen face was cropped, with landmarks from its upscaled region.
    expect(frame.dropped).toBeNull();
    expect(frame.chosen).not.toBeNull();
    expect(frame.faces[frame.chosen ?? -1]?.hasLandmarks).toBe(true);

    // The whole-frame pass alone (the behaviour before): the faces are too small for it.
    const off = await media([file], ['--tiled-detection', 'off']);
    const offBoxes = off.result.files[0]?.frames[0]?.faces.map((f) => f.box) ?? [];
    expect(recall(group.faces, offBoxes)).toBeLessThan(0.5);
  });

  test('landmarks against face size: the error of eyes and mouth corners on downscaled faces', async () => {
    test.setTimeout(300_000);
    // The four points on each full-size portrait (preprocess-media at full size, mesh points).
    const truth = [
      {
        rightEye: { x: 203.62, y: 101.16 },
        leftEye: { x: 246.5, y: 103.52 },
        mouthRight: { x: 202.2, y: 139.34 },
        mouthLeft: { x: 245.32, y: 140.35 },
      },
      {
        rightEye: { x: 46.69, y: 81.8 },
        leftEye: { x: 82.53, y: 78.47 },
        mouthRight: { x: 49.35, y: 118.94 },
        mouthLeft: { x: 86.74, y: 115.6 },
      },
      {
        rightEye: { x: 222.32, y: 191.13 },
        leftEye: { x: 306.1, y: 187.95 },
        mouthRight: { x: 232.55, y: 280.63 },
        mouthLeft: { x: 302.42, y: 276.88 },
      },
    ];
    const sides = [16, 24, 32, 40, 48, 64, 96];
    const files: string[] = [];
    const maps: ((p: { x: number; y: number }) => { x: number; y: number })[] = [];
    const cases: { side: number; index: number }[] = [];
    for (const side of sides) {
      for (let index = 0; index < truth.length; index++) {
        const file = path.join(tmp, `lm-${side}-${index}.png`);
        const at = { index, side, x: 600 - side / 2, y: 300 - side / 2 };
        const made = makePortraitFrame(file, [at], { width: 1280, height: 720 });
        const map = made.maps[0];
        if (!map) throw new Error('no map');
        files.push(file);
        maps.push(map);
        cases.push({ side, index });
      }
    }
    const doc = await media(files);
    // Normalised mean error (NME): mean point distance over the inter-ocular distance.
    const rows = new Map<
      number,
      { found: number; landmarks: number; nme: number[]; notes: number; boxes: number[] }
    >();
    doc.result.files.forEach((file, i) => {
      const c = cases[i];
      const map = maps[i];
      const t = c ? truth[c.index] : undefined;
      if (!c || !map || !t) return;
      const row = rows.get(c.side) ?? { found: 0, landmarks: 0, nme: [], notes: 0, boxes: [] };
      rows.set(c.side, row);
      const frame = file.frames[0];
      const noted = frame?.note?.includes('small face') === true;
      if (noted) row.notes++;
      const face = frame?.faces[frame.chosen ?? -1];
      if (!frame?.keypoints || !face) return;
      row.found++;
      row.boxes.push(Math.round(Math.max(face.box.width, face.box.height)));
      const k = frame.keypoints;
      if (!face.hasLandmarks || !k.mouthRight || !k.mouthLeft) return;
      row.landmarks++;
      const gt = {
        rightEye: map(t.rightEye),
        leftEye: map(t.leftEye),
        mouthRight: map(t.mouthRight),
        mouthLeft: map(t.mouthLeft),
      };
      const d = (a: { x: number; y: number }, b: { x: number; y: number }): number =>
        Math.hypot(a.x - b.x, a.y - b.y);
      const iod = d(gt.rightEye, gt.leftEye);
      // The note goes by the measured eye distance: clear cases only (20 % margin).
      if (iod <= 0.8 * SMALL_FACE_EYE_DISTANCE)
        expect(noted, `${c.side} px #${c.index}`).toBe(true);
      if (iod >= 1.2 * SMALL_FACE_EYE_DISTANCE)
        expect(noted, `${c.side} px #${c.index}`).toBe(false);
      const err =
        (d(k.rightEye, gt.rightEye) +
          d(k.leftEye, gt.leftEye) +
          d(k.mouthRight, gt.mouthRight) +
          d(k.mouthLeft, gt.mouthLeft)) /
        4;
      row.nme.push(err / iod);
    });
    const lines = sides.map((side) => {
      const r = rows.get(side);
      const mean = r && r.nme.length > 0 ? r.nme.reduce((a, b) => a + b, 0) / r.nme.length : NaN;
      return `${side} px: found ${r?.found ?? 0}/3, landmarks ${r?.landmarks ?? 0}/3, NME ${mean.toFixed(3)}, small-face notes ${r?.notes ?? 0}, boxes ${r?.boxes.join(' ') ?? ''}`;
    });
    console.log(`landmarks vs face size\n${lines.join('\n')}`);
    // From faces of 40 px up (eyes about 16 px apart) the landmarks are usable: every face
    // has them, NME below 0.1.
    for (const side of sides.filter((s) => s >= 40)) {
      const r = rows.get(side);
      expect(r?.landmarks, `${side} px`).toBe(3);
      expect(Math.max(...(r?.nme ?? [1])), `${side} px`).toBeLessThan(0.1);
    }
  });

  test('two people who swap sizes half-way: two mined clips, each following one person', async () => {
    test.setTimeout(300_000);
    const W = 640;
    const H = 360;
    // A (astronaut, left) large then small; B (Grace Hopper, right) small then large.
    const first = path.join(tmp, 'swap-a.png');
    const second = path.join(tmp, 'swap-b.png');
    makePortraitFrame(
      first,
      [
        { index: 0, side: 110, x: 110, y: 110 },
        { index: 2, side: 50, x: 450, y: 150 },
      ],
      { width: W, height: H },
    );
    makePortraitFrame(
      second,
      [
        { index: 0, side: 50, x: 140, y: 140 },
        { index: 2, side: 110, x: 420, y: 110 },
      ],
      { width: W, height: H },
    );
    const video = path.join(tmp, 'swap.mp4');
    // 4 s of each at 25 fps: sampled at 8 fps (64 frames spread over 8 s), 32 per half.
    ffmpeg(
      [
        '-loop',
        '1',
        '-framerate',
        '25',
        '-t',
        '4',
        '-i',
        first,
        '-loop',
        '1',
        '-framerate',
        '25',
        '-t',
        '4',
        '-i',
        second,
        '-filter_complex',
        '[0:v][1:v]concat=n=2:v=1,format=yuv420p',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-an',
        video,
      ],
      { threads: 1 },
    );
    const doc = await media([video]);
    const file = doc.result.files[0];
    if (!file) throw new Error('no file');
    expect(file.sampled).toBe(64);
    const mining = file.mining;
    if (!mining?.accepted) throw new Error(`not accepted: ${JSON.stringify(mining)}`);
    const clips = mining.clips ?? [];
    expect(clips).toHaveLength(2);
    expect(new Set(clips.map((c) => c.track)).size).toBe(2);
    for (const clip of clips) {
      expect(clip.frameCount).toBeGreaterThanOrEqual(30);
      // Every frame of the clip cropped a face on one side: one person.
      const sides = new Set(
        file.frames
          .filter((f) => f.frameIndex >= clip.startFrame && f.frameIndex <= clip.endFrame)
          .map((f) => {
            const box = f.faces[f.chosen ?? -1]?.box;
            return box ? (box.x + box.width / 2 < W / 2 ? 'left' : 'right') : 'none';
          }),
      );
      expect(sides.size, JSON.stringify([...sides])).toBe(1);
    }
    const [a, b] = clips;
    expect(a?.endFrame).toBeLessThan(b?.startFrame ?? 0);
  });
});
