import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import type {} from '../../src/automation/media/api';
import { onOrigin } from './originWatch';

// Media probing/decoding in the built app, driven through window.__ferMedia
// (src/automation/media.ts). Fixtures come from tests/fixtures/make-fixtures.ts.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIX = join(ROOT, 'tests', 'fixtures', 'generated');

interface ClipFacts {
  path: string;
  durationSec: number;
  width: number;
  height: number;
  frameRate: number;
  container: string;
}
interface AfewExpected {
  files: ClipFacts[];
}
interface BadExpected {
  files: Record<string, string | null>;
  okDurationSec: number;
}

test.describe.configure({ mode: 'serial' });

let afew: AfewExpected;
let bad: BadExpected;
const outside: string[] = [];

test.beforeAll(() => {
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['tests/fixtures/make-fixtures.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  afew = JSON.parse(readFileSync(join(FIX, 'afew.expected.json'), 'utf8')) as AfewExpected;
  bad = JSON.parse(readFileSync(join(FIX, 'bad.expected.json'), 'utf8')) as BadExpected;
});

let page: Page;
test.beforeAll(async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const origin = new URL(baseURL ?? 'http://invalid').origin;
  context.on('request', (r) => {
    if (!onOrigin(r.url(), origin)) outside.push(r.url());
  });
  page = await context.newPage();
  await page.goto('/');
  await page.waitForFunction(() => window.__ferMedia !== undefined, null, { timeout: 20_000 });
});

async function put(rel: string): Promise<string> {
  const b64 = readFileSync(join(FIX, rel)).toString('base64');
  const name = rel.split('/').pop() ?? rel;
  await page.evaluate(([n, b]) => window.__ferMedia?.put(n, b), [name, b64] as const);
  return name;
}

function clip(path: string): ClipFacts {
  const c = afew.files.find((f) => f.path === path);
  if (!c) throw new Error(`no fixture ${path}`);
  return c;
}

test('probes every AFEW fixture: exact size, duration within 0.1 s, AVI through ffmpeg', async () => {
  for (const f of afew.files) {
    const name = await put(`afew/${f.path}`);
    const r = await page.evaluate((n) => window.__ferMedia?.probe(n), name);
    expect(r?.ok, `${f.path}: ${r && !r.ok ? r.message : ''}`).toBe(true);
    if (!r?.ok) continue;
    expect(r.value.kind).toBe('video');
    expect([r.value.width, r.value.height]).toEqual([f.width, f.height]);
    expect(Math.abs((r.value.durationSec ?? -1) - f.durationSec)).toBeLessThan(0.1);
    expect(r.value.decoder).toBe(f.container === 'avi' ? 'ffmpeg' : 'native');
    console.log(`${f.path}: ${r.value.decoder} fps=${String(r.value.frameRate)}`);
    if (f.container === 'avi') expect(r.value.mime).toBe('video/x-msvideo');
    if (f.container !== 'webm') {
      // AVI: ffprobe; MP4: the sample table. Both exact.
      expect(r.value.frameRate).toBeCloseTo(f.frameRate, 3);
    } else if (r.value.frameRate !== null) {
      // WebM: measured by watching frames play.
      expect(Math.abs(r.value.frameRate - f.frameRate)).toBeLessThan(0.5);
    }
  }
});

test('ffmpeg.wasm probes an mp4 with the same numbers as the browser', async () => {
  const f = clip('Val_AFEW/Angry/010101.mp4'); // 30 fps, 1.4 s
  const name = await put(`afew/${f.path}`);
  const r = await page.evaluate((n) => window.__ferMedia?.probe(n, { forceFfmpeg: true }), name);
  expect(r?.ok && r.value).toMatchObject({
    decoder: 'ffmpeg',
    width: f.width,
    height: f.height,
    frameRate: 30,
  });
  expect(r?.ok && Math.abs((r.value.durationSec ?? 0) - f.durationSec)).toBeLessThan(0.01);
});

const expectedTimes = Array.from({ length: 10 }, (_, i) => i * 0.2);

for (const [label, path, forceFfmpeg] of [
  ['native mp4', 'Train_AFEW/Happy/000201.mp4', false],
  ['ffmpeg mp4', 'Train_AFEW/Happy/000201.mp4', true],
  ['ffmpeg avi', 'Val_AFEW/Angry/010102.avi', false],
] as const) {
  test(`extracts 10 frames at 5 fps from a 2 s clip (${label}) with real timestamps`, async () => {
    const f = clip(path);
    expect(f.durationSec).toBe(2);
    const name = await put(`afew/${path}`);
    const r = await page.evaluate(
      ([n, ff]) => window.__ferMedia?.frames(n, { fps: 5, maxSide: 64, forceFfmpeg: ff }),
      [name, forceFfmpeg] as const,
    );
    expect(r?.ok, r && !r.ok ? r.message : '').toBe(true);
    if (!r?.ok) return;
    expect(r.value.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    r.value.forEach((x, i) => {
      expect(Math.abs(x.timestampSec - (expectedTimes[i] ?? -1))).toBeLessThan(0.021);
      // 96x72 scaled so the longer side is 64.
      expect([x.width, x.height]).toEqual([64, 48]);
      expect(x.meanLuma).toBeGreaterThan(5);
    });
    // testsrc2 moves: frames must differ, i.e. they really were decoded at different times.
    expect(new Set(r.value.map((x) => Math.round(x.meanLuma * 100))).size).toBeGreaterThan(3);
  });
}

test('bad files fail fast with the right codes; odd names work', async () => {
  await page.evaluate(() => {
    window.__ferMedia?.setDecodeTimeout(8000);
  });
  for (const [file, code] of Object.entries(bad.files)) {
    const name = await put(`bad/${file}`);
    const r = await page.evaluate((n) => window.__ferMedia?.probe(n), name);
    if (code === null) {
      expect(r?.ok, `${file}: ${r && !r.ok ? r.message : ''}`).toBe(true);
      expect(r?.ok && Math.abs((r.value.durationSec ?? 0) - bad.okDurationSec)).toBeLessThan(0.1);
    } else {
      expect(r?.ok, file).toBe(false);
      expect(r && !r.ok && r.code, `${file}: ${r && !r.ok ? r.message : ''}`).toBe(code);
      expect(r && !r.ok && r.message.length).toBeGreaterThan(10);
    }
    expect(r?.elapsedMs, file).toBeLessThan(8000);
    console.log(
      `${file}: ${r?.ok ? `ok via ${r.value.decoder}` : `${r?.code ?? '?'}: ${r?.message ?? ''}`} (${Math.round(r?.elapsedMs ?? 0)} ms)`,
    );
  }
});

test('a decode past its timeout is reported corrupt, and ffmpeg recovers afterwards', async () => {
  const name = await put('afew/Val_AFEW/Angry/010102.avi');
  // Make sure ffmpeg is loaded so the 1 ms limit hits the decode, not the load.
  await page.evaluate((n) => window.__ferMedia?.probe(n), name);
  const before = await page.evaluate(() => window.__ferMedia?.ffmpegStats());
  const r = await page.evaluate((n) => window.__ferMedia?.probe(n, { timeoutMs: 1 }), name);
  expect(r?.ok).toBe(false);
  expect(r && !r.ok && r.code).toBe('corrupt');
  const again = await page.evaluate((n) => window.__ferMedia?.probe(n), name);
  expect(again?.ok && again.value.width).toBe(96);
  const after = await page.evaluate(() => window.__ferMedia?.ffmpegStats());
  expect((after?.timeouts ?? 0) - (before?.timeouts ?? 0)).toBe(1);
  expect((after?.loads ?? 0) - (before?.loads ?? 0)).toBe(1);
});

test('thumbnails are 96 px high JPEGs, native and through ffmpeg', async () => {
  for (const path of ['Train_AFEW/Sad/000302.mp4', 'Train_AFEW/Angry/000102.avi']) {
    const f = clip(path);
    const name = await put(`afew/${path}`);
    const r = await page.evaluate((n) => window.__ferMedia?.thumbnail(n), name);
    expect(r?.ok, r && !r.ok ? r.message : '').toBe(true);
    expect(r?.ok && r.value).toMatchObject({
      type: 'image/jpeg',
      height: 96,
      width: Math.round((f.width * 96) / f.height),
    });
  }
  const png = await put('ckplus/cohn-kanade-images/S005/001/S005_001_00000001.png');
  const t = await page.evaluate((n) => window.__ferMedia?.thumbnail(n, { size: 32 }), png);
  expect(t?.ok && [t.value.width, t.value.height]).toEqual([32, 32]);
});

test('playable URLs: mp4 as is, AVI transcoded to something the browser plays', async () => {
  const mp4 = await put('afew/Train_AFEW/Happy/000201.mp4');
  const a = await page.evaluate((n) => window.__ferMedia?.playable(n), mp4);
  expect(a?.ok && a.value).toMatchObject({ transcoded: false, width: 96, height: 72 });
  const f = clip('Train_AFEW/Angry/000102.avi');
  const avi = await put(`afew/${f.path}`);
  const b = await page.evaluate((n) => window.__ferMedia?.playable(n), avi);
  expect(b?.ok, b && !b.ok ? b.message : '').toBe(true);
  expect(b?.ok && b.value).toMatchObject({ transcoded: true, width: 96, height: 72 });
  expect(b?.ok && Math.abs(b.value.durationSec - f.durationSec)).toBeLessThan(0.1);
});

test('decode speed on a 360p clip: native vs ffmpeg.wasm (reported, loosely bounded)', async () => {
  const rates: Record<string, number> = {};
  for (const [label, rel, ff] of [
    ['native mp4', 'bench/clip360.mp4', false],
    ['ffmpeg mp4', 'bench/clip360.mp4', true],
    ['ffmpeg avi', 'bench/clip360.avi', false],
  ] as const) {
    const name = await put(rel);
    const r = await page.evaluate(
      ([n, force]) =>
        window.__ferMedia?.frames(n, {
          fps: 25,
          maxFrames: 50,
          forceFfmpeg: force,
          timeoutMs: 60_000,
        }),
      [name, ff] as const,
    );
    expect(r?.ok, r && !r.ok ? r.message : '').toBe(true);
    if (!r?.ok) continue;
    expect(r.value).toHaveLength(50);
    expect([r.value[0]?.width, r.value[0]?.height]).toEqual([640, 360]);
    expect(r.value[49]?.timestampSec).toBeCloseTo(49 / 25, 2);
    rates[label] = (50 / r.elapsedMs) * 1000;
  }
  test.info().annotations.push({ type: 'decode-fps', description: JSON.stringify(rates) });
  console.log('decode frames/s (360p, 50 frames):', JSON.stringify(rates));
});

test('in a Web Worker (no DOM) mp4 and avi decode through ffmpeg.wasm', async () => {
  for (const path of ['Train_AFEW/Happy/000201.mp4', 'Val_AFEW/Angry/010102.avi']) {
    const f = clip(path);
    const name = await put(`afew/${path}`);
    const r = await page.evaluate((n) => window.__ferMedia?.inWorker(n, 5), name);
    expect(r?.ok, r && !r.ok ? r.message : '').toBe(true);
    if (!r?.ok) continue;
    expect(r.value.probe).toMatchObject({ decoder: 'ffmpeg', width: f.width, height: f.height });
    expect(Math.abs((r.value.probe.durationSec ?? 0) - f.durationSec)).toBeLessThan(0.1);
    expect(r.value.frameTimes).toHaveLength(10);
    expect(r.value.frameTimes[9]).toBeCloseTo(1.8, 3);
    // H.264 MP4 frames come from WebCodecs in a worker; AVI (Xvid) from ffmpeg.wasm.
    expect(r.value.decodedBy, r.value.webcodecsFallback ?? '').toBe(
      path.endsWith('.mp4') ? 'webcodecs' : 'ffmpeg',
    );
  }
});

test('in a Web Worker, WebCodecs gives the frames and timestamps ffmpeg.wasm gives', async () => {
  const rels = [
    'afew/Train_AFEW/Happy/000201.mp4',
    'afew/Val_AFEW/Angry/010101.mp4',
    'afew/Val_AFEW/Happy/010201.mp4',
  ];
  for (const rel of rels) {
    const name = await put(rel);
    for (const fps of [10, 3.7]) {
      const wc = await page.evaluate(([n, r]) => window.__ferMedia?.inWorker(n, r), [
        name,
        fps,
      ] as const);
      const ff = await page.evaluate(
        ([n, r]) => window.__ferMedia?.inWorker(n, r, { forceFfmpeg: true }),
        [name, fps] as const,
      );
      expect(wc?.ok && ff?.ok, `${rel} ${fps}`).toBe(true);
      if (!wc?.ok || !ff?.ok) continue;
      expect(wc.value.decodedBy, wc.value.webcodecsFallback ?? '').toBe('webcodecs');
      expect(ff.value.decodedBy).toBe('ffmpeg');
      expect(wc.value.frameTimes.length).toBeGreaterThan(3);
      expect(wc.value.frameSizes).toEqual(ff.value.frameSizes);
      expect(wc.value.frameTimes.length).toBe(ff.value.frameTimes.length);
      wc.value.frameTimes.forEach((t, i) => {
        expect(t).toBeCloseTo(ff.value.frameTimes[i] ?? -1, 4);
      });
      // Same source frame: each WebCodecs frame is closest (mean difference of grey
      // 16x16 thumbnails) to the ffmpeg frame of the same index. The two decoders' YUV->RGB
      // conversions differ a little, so equality is not expected, but a neighbouring frame
      // (moving test patterns) differs more.
      const diff = (a: number[], b: number[]) =>
        a.reduce((sum, v, k) => sum + Math.abs(v - (b[k] ?? 0)), 0) / Math.max(1, a.length);
      const wrong: string[] = [];
      let same = 0;
      wc.value.frameThumbs.forEach((a, i) => {
        const own = diff(a, ff.value.frameThumbs[i] ?? []);
        same = Math.max(same, own);
        ff.value.frameThumbs.forEach((b, j) => {
          if (j !== i && diff(a, b) < own) wrong.push(`${i}~${j}: ${diff(a, b)} < ${own}`);
        });
      });
      console.log(
        `${rel} @ ${fps} fps: ${wc.value.frameTimes.length} frames, worst mean diff to the same ffmpeg frame ${same.toFixed(2)}`,
      );
      expect(wrong).toEqual([]);
    }
  }
});

test('nothing was requested outside our own origin', () => {
  expect(outside).toEqual([]);
});
