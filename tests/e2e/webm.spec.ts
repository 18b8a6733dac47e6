import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import type {} from '../../src/automation/media/api';
import type { WebmExpected } from '../fixtures/webm';
import { WEBM_RATES } from '../fixtures/webm';

// WebM in a worker through mediabunny + WebCodecs (src/ingest/media/webmDemux.ts), checked
// against ffmpeg's `fps` filter (system ffmpeg, webm.expected.json) and ffmpeg.wasm on the
// same files, and its fallback to ffmpeg.wasm. Fixtures: tests/fixtures/webm.ts (made by
// media.spec.ts's make-fixtures run, or `npx tsx tests/fixtures/make-fixtures.ts`).

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIX = join(ROOT, 'tests', 'fixtures', 'generated');

test.describe.configure({ mode: 'serial' });

let expected: WebmExpected;
let page: Page;
test.beforeAll(async ({ browser }) => {
  expected = JSON.parse(readFileSync(join(FIX, 'webm.expected.json'), 'utf8')) as WebmExpected;
  page = await (await browser.newContext()).newPage();
  await page.goto('/');
  await page.waitForFunction(() => window.__ferMedia !== undefined, null, { timeout: 20_000 });
});

async function put(file: string): Promise<string> {
  const b64 = readFileSync(join(FIX, 'webm', file)).toString('base64');
  await page.evaluate(([n, b]) => window.__ferMedia?.put(n, b), [file, b64] as const);
  return file;
}

const inWorker = (name: string, fps: number, forceFfmpeg = false, repeat = 1) =>
  page.evaluate(
    ([n, r, f, k]) => window.__ferMedia?.inWorker(n, r, { forceFfmpeg: f, repeat: k }),
    [name, fps, forceFfmpeg, repeat] as const,
  );

test('WebM (VP8, VP9) in a worker: WebCodecs gives the fps filter frames ffmpeg gives', async () => {
  for (const file of ['vp8-25fps.webm', 'vp9-24fps.webm']) {
    const name = await put(file);
    for (const fps of WEBM_RATES) {
      const wc = await inWorker(name, fps);
      const ff = await inWorker(name, fps, true);
      expect(wc?.ok && ff?.ok, `${file} ${fps}`).toBe(true);
      if (!wc?.ok || !ff?.ok) continue;
      expect(wc.value.decodedBy, wc.value.webcodecsFallback ?? '').toBe('webcodecs');
      expect(ff.value.decodedBy).toBe('ffmpeg');
      // Identical to the system ffmpeg's fps filter, and to ffmpeg.wasm in the browser.
      const want = expected.fpsFilter[file]?.[String(fps)] ?? [];
      expect(want.length).toBeGreaterThan(3);
      expect(wc.value.frameTimes.length, `${file} @ ${fps}`).toBe(want.length);
      wc.value.frameTimes.forEach((t, i) => expect(t).toBeCloseTo(want[i] ?? -1, 4));
      expect(ff.value.frameTimes.length).toBe(want.length);
      expect(wc.value.frameSizes).toEqual(ff.value.frameSizes);
      expect(wc.value.frameSizes[0]).toEqual(expected.size[file]);
      // Same source frame: each WebCodecs frame is closest to the ffmpeg.wasm frame of the
      // same index (grey 16x16 thumbnails; moving test pattern), as for MP4 in media.spec.ts.
      const diff = (a: number[], b: number[]) =>
        a.reduce((sum, v, k) => sum + Math.abs(v - (b[k] ?? 0)), 0) / Math.max(1, a.length);
      const wrong: string[] = [];
      wc.value.frameThumbs.forEach((a, i) => {
        const own = diff(a, ff.value.frameThumbs[i] ?? []);
        ff.value.frameThumbs.forEach((b, j) => {
          if (j !== i && diff(a, b) < own) wrong.push(`${i}~${j}: ${diff(a, b)} < ${own}`);
        });
      });
      expect(wrong, `${file} @ ${fps}`).toEqual([]);
    }
  }
});

test('AV1 WebM in a worker: WebCodecs gives the fps filter frames; ffmpeg.wasm, without an AV1 decoder, says so', async () => {
  const file = 'av1-25fps.webm';
  const name = await put(file);
  for (const fps of WEBM_RATES) {
    const wc = await inWorker(name, fps);
    expect(wc?.ok, wc && !wc.ok ? wc.message : '').toBe(true);
    if (!wc?.ok) continue;
    expect(wc.value.decodedBy, wc.value.webcodecsFallback ?? '').toBe('webcodecs');
    const want = expected.fpsFilter[file]?.[String(fps)] ?? [];
    expect(want.length).toBeGreaterThan(3);
    expect(wc.value.frameTimes.length, `${file} @ ${fps}`).toBe(want.length);
    wc.value.frameTimes.forEach((t, i) => expect(t).toBeCloseTo(want[i] ?? -1, 4));
    expect(wc.value.frameSizes[0]).toEqual(expected.size[file]);
  }
  // The fallback has no AV1 decoder: a clear refusal, not zero frames.
  const ff = await inWorker(name, 5, true);
  expect(ff?.ok).toBe(false);
  if (ff?.ok !== false) return;
  console.log(`AV1 through ffmpeg.wasm: ${ff.code}: ${ff.message}`);
  expect(ff.message).toMatch(/av1/i);
});

test('Matroska with a codec WebCodecs lacks falls back to ffmpeg.wasm and says why', async () => {
  const name = await put('mpeg4.mkv');
  const r = await inWorker(name, 5);
  expect(r?.ok, r && !r.ok ? r.message : '').toBe(true);
  if (!r?.ok) return;
  expect(r.value.decodedBy).toBe('ffmpeg');
  expect(r.value.frameTimes).toHaveLength(5);
  expect(r.value.webcodecsFallback ?? '').toMatch(/codec|VideoDecoder/);
});

test('a WebM with damaged frame data goes to ffmpeg.wasm, which reports it corrupt', async () => {
  const name = await put('corrupt-body.webm');
  const r = await inWorker(name, 5);
  // The frame index ends early, so WebCodecs hands the file to ffmpeg.wasm, which reports
  // the damage (before the check: zero frames, "ok", no reason given).
  expect(r?.ok).toBe(false);
  if (r?.ok !== false) return;
  expect(r.code, r.message).toBe('corrupt');
});

/** utime + stime (ms) of this test process's descendants (the browser it launched). */
function childCpuMs(): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      cpu.set(Number(d), ((Number(f[11]) + Number(f[12])) * 1000) / 100);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  for (const [pid, ms] of cpu) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        total += ms;
        break;
      }
    }
  }
  return total;
}

test('CPU per frame, 360p WebM at 25 fps: WebCodecs vs ffmpeg.wasm (reported)', async () => {
  const frames = 75; // 3 s at 25 fps, every frame sampled
  const repeat = 3;
  const out: Record<string, number> = {};
  for (const file of ['bench360-vp8.webm', 'bench360-vp9.webm']) {
    const name = await put(file);
    for (const ff of [false, true]) {
      const before = childCpuMs();
      const r = await inWorker(name, 25, ff, repeat);
      const used = childCpuMs() - before;
      expect(r?.ok, r && !r.ok ? r.message : '').toBe(true);
      if (!r?.ok) continue;
      expect(r.value.decodedBy).toBe(ff ? 'ffmpeg' : 'webcodecs');
      expect(r.value.frameTimes).toHaveLength(frames);
      out[`${file} ${ff ? 'ffmpeg.wasm' : 'webcodecs'}`] =
        Math.round((used / (frames * repeat)) * 10) / 10;
    }
  }
  test.info().annotations.push({ type: 'cpu-ms-per-frame', description: JSON.stringify(out) });
  console.log('CPU ms per frame (360p WebM, all browser processes):', JSON.stringify(out));
});
