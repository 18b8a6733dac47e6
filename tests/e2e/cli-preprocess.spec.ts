import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { PreprocessJson } from '../../scripts/lib/preprocess';
import type { MediaJson } from '../../scripts/lib/preprocessMedia';
import { jsonOf, runCli, type CliRun } from '../../scripts/lib/runCli';
import { ffmpeg } from './ffmpeg';

/**
 * `preprocess-media` and `preprocess` of the headless runner on the real build: the app's
 * workers find the face in astronaut.png, the crops reach the disk at the configured size,
 * the affines put the eyes where the paper says, and a stored dataset is preprocessed once
 * (a second run does nothing).
 */
const dist = path.resolve(process.env.E2E_DIST ?? 'dist-automation');
const ASTRONAUT = path.resolve('tests/fixtures/faces/astronaut.png');
let tmp: string;
let profile: string;

function cli(args: string[]): Promise<CliRun> {
  return runCli([...args, '--dist', dist, '--no-build', '--profile', profile]);
}

/** Width and height from a PNG's IHDR or a WebP's VP8 / VP8L / VP8X header. */
function imageSize(b: Buffer): { width: number; height: number } {
  if (b.subarray(1, 4).toString('latin1') === 'PNG')
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (b.subarray(0, 4).toString('latin1') !== 'RIFF' || b.subarray(8, 12).toString() !== 'WEBP')
    throw new Error('neither PNG nor WebP');
  const chunk = b.subarray(12, 16).toString('latin1');
  if (chunk === 'VP8 ') {
    // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
    if (b.readUIntBE(23, 3) !== 0x9d012a) throw new Error('bad VP8 start code');
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    // Signature 0x2f, then width-1 and height-1 in 14 bits each, little-endian bits.
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  throw new Error(`unknown WebP chunk ${chunk}`);
}

type Affine = readonly number[];
function apply(a: Affine, p: { x: number; y: number }): { x: number; y: number } {
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0] = a;
  return { x: m0 * p.x + m1 * p.y + m2, y: m3 * p.x + m4 * p.y + m5 };
}

test.describe.serial('npm run cli preprocess-media / preprocess on the built app', () => {
  test.beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-cli-pp-e2e-'));
    profile = path.join(tmp, 'profile');
  });

  test.afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('preprocess-media on astronaut.png: one face, 224 px crops on disk, eyes on the targets', async () => {
    test.setTimeout(240_000);
    const out = path.join(tmp, 'media');
    const run = await cli(['preprocess-media', ASTRONAUT, '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = jsonOf(run) as unknown as MediaJson & { ok: boolean };
    expect(doc.ok).toBe(true);
    // result.json holds the same document as stdout's `result`.
    expect(JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8'))).toEqual(doc.result);
    const [file, ...others] = doc.result.files;
    expect(others).toEqual([]);
    expect(file).toMatchObject({ name: 'astronaut.png', kind: 'image', error: null, kept: 1 });
    expect(file?.sourceWidth).toBe(512);
    const frame = file?.frames[0];
    if (!frame?.keypoints || !frame.affines || !frame.crops) throw new Error('no kept frame');
    expect(frame.faces).toHaveLength(1);
    expect(frame.faces[0]?.score).toBeGreaterThan(0.5);
    expect(frame.chosen).toBe(0);
    expect(frame.dropped).toBeNull();

    const size = doc.result.config.crop.size;
    expect(size).toBe(224);
    for (const region of ['face', 'eyes', 'mouth'] as const) {
      const rel = frame.crops[region];
      expect(rel).toBe(`astronaut/0_${region}.webp`);
      const bytes = await readFile(path.join(out, rel));
      expect(imageSize(bytes)).toEqual({ width: 224, height: 224 });
    }
    // The eyes crop's affine sends the eye keypoints onto (0.2, 0.6) and (0.8, 0.6) of 224.
    const right = apply(frame.affines.eyes, frame.keypoints.rightEye);
    const left = apply(frame.affines.eyes, frame.keypoints.leftEye);
    expect(Math.abs(right.x - 0.2 * size)).toBeLessThan(1);
    expect(Math.abs(right.y - 0.6 * size)).toBeLessThan(1);
    expect(Math.abs(left.x - 0.8 * size)).toBeLessThan(1);
    expect(Math.abs(left.y - 0.6 * size)).toBeLessThan(1);
  });

  test('ingest + preprocess of an image folder gives the expected counts; a second run skips everything', async () => {
    test.setTimeout(300_000);
    const root = path.join(tmp, 'faces-set');
    await mkdir(path.join(root, 'happy'), { recursive: true });
    await mkdir(path.join(root, 'neutral'), { recursive: true });
    await copyFile(ASTRONAUT, path.join(root, 'happy', 'astronaut.png'));
    await copyFile(ASTRONAUT, path.join(root, 'neutral', 'astronaut-again.png'));
    // A plain grey picture: decodes, but has no face.
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=160x120',
      '-frames:v',
      '1',
      path.join(root, 'neutral', 'grey.png'),
    ]);
    const ingest = await cli(['ingest', root, '--name', 'faces-set', '--json']);
    expect(ingest.code, ingest.stderr).toBe(0);

    const first = await cli(['preprocess', 'faces-set', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/Preprocessing "faces-set" \(3 items\)/);
    const j = jsonOf(first) as unknown as PreprocessJson & { ok: boolean };
    expect(j.ok).toBe(true);
    expect(j.alreadyDone).toBe(false);
    expect(j.items).toMatchObject({ total: 3, processed: 3, skipped: 0, failed: 0 });
    expect(j.items.done + j.items.flagged).toBe(3);
    expect(j.frames).toEqual({
      sampled: 3,
      kept: 2,
      dropped: { 'no-face': 1, 'no-landmarks': 0, 'decode-error': 0 },
    });
    // Labelled: no clip mining.
    expect(j.mining).toBeNull();
    expect(j.framesPerSec).toBeGreaterThan(0);

    const second = await cli(['preprocess', 'faces-set', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const k = jsonOf(second) as unknown as PreprocessJson;
    expect(k.alreadyDone).toBe(true);
    expect(k.items).toMatchObject({ total: 3, processed: 0, skipped: 3 });
    expect(k.frames.kept).toBe(2);

    const text = await cli(['preprocess', 'faces-set']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Nothing to do: all 3 items were already preprocessed/);
  });

  test('preprocess of an unlabelled clip mines it: too short for the 30-frame run', async () => {
    test.setTimeout(300_000);
    const root = path.join(tmp, 'clips');
    await mkdir(root, { recursive: true });
    // 2 s of the astronaut at 25 fps: 20 frames sampled at the default 10 fps, all with the face.
    ffmpeg(
      [
        '-loop',
        '1',
        '-framerate',
        '25',
        '-t',
        '2',
        '-i',
        ASTRONAUT,
        '-vf',
        'scale=320:320,pad=480:360:80:20:color=gray,format=yuv420p',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-an',
        path.join(root, 'astronaut-2s.mp4'),
      ],
      { threads: 1 },
    );
    const ingest = await cli(['ingest', root, '--layout', 'unlabelled-video', '--json']);
    expect(ingest.code, ingest.stderr).toBe(0);
    const run = await cli(['preprocess', 'clips', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const j = jsonOf(run) as unknown as PreprocessJson;
    expect(j.dataset.labelled).toBe(false);
    expect(j.items).toMatchObject({ total: 1, processed: 1, failed: 0 });
    expect(j.frames).toMatchObject({ sampled: 20, kept: 20 });
    // One face throughout, but 20 sampled frames are fewer than the paper's f = 30.
    expect(j.mining).toEqual({ accepted: 0, rejected: { 'too-short': 1 } });
    expect(j.outcomes[0]?.mining).toMatchObject({ accepted: false, reason: 'too-short' });
  });
});
