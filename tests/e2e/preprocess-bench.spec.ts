import { copyFileSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { expect, test } from '@playwright/test';
import { makeVideos } from './ffmpeg';
import { fixturePath } from './fixtures';
import { importVideos, open } from './preprocessHelpers';
import { DIR, VIDEOS } from './preprocessVideos';
import { DETERMINISTIC_H264_ARGS } from '../fixtures/h264';

test.beforeAll(() => makeVideos(DIR, VIDEOS, DETERMINISTIC_H264_ARGS));

/**
 * Throughput and storage (run with PREPROCESS_BENCH=1; prints JSON): frames/s with 1 and 2
 * workers on 360p clips at the default settings (10 fps, 224 px crops, CLAHE, WebP 0.8),
 * and stored crop bytes per frame. Cold: each measurement starts fresh workers, so model and
 * ffmpeg.wasm loading are included; `warm` repeats it with the workers already loaded.
 */
test('benchmark: frames/s for 1 and 2 workers, bytes per frame', async ({ page }) => {
  test.skip(!process.env.PREPROCESS_BENCH, 'set PREPROCESS_BENCH=1 to run');
  test.setTimeout(900_000);
  const copies = ['a', 'b', 'c', 'd'].map((s) => `astronaut360-${s}.mp4`);
  for (const c of copies) {
    if (!existsSync(`${DIR}/${c}`)) copyFileSync(`${DIR}/astronaut360.mp4`, `${DIR}/${c}`);
  }
  if (!existsSync(`${DIR}/clip360-noface.mp4`)) {
    copyFileSync(fixturePath('bench', 'clip360.mp4'), `${DIR}/clip360-noface.mp4`);
  }
  await open(page);
  const face = await importVideos(page, copies, 'unlabelled-video');
  const noFace = await importVideos(page, ['clip360-noface.mp4'], 'unlabelled-video');
  const rows: Record<string, unknown>[] = [];
  for (const workers of [1, 2]) {
    for (const [label, id] of [
      ['face', face],
      ['no-face', noFace],
    ] as const) {
      for (const warm of [false, true]) {
        const r = await page.evaluate(
          async ({ id, workers, warm }) => {
            const api = window.__ferPreprocess;
            if (!api) throw new Error('no hook');
            if (!warm) api.shutdown();
            api.setWorkers(workers);
            await api.deletePreprocessed(id);
            const s = await api.run(id);
            const bytes = await api.cropBytes(id);
            const t = { decodeMs: 0, detectMs: 0, cropMs: 0, encodeMs: 0 };
            for (const o of await api.outcomes(id)) {
              t.decodeMs += o.timings.decodeMs;
              t.detectMs += o.timings.detectMs;
              t.cropMs += o.timings.cropMs;
              t.encodeMs += o.timings.encodeMs;
            }
            return { s, bytes, t };
          },
          { id, workers, warm },
        );
        const kept = r.bytes.frames;
        rows.push({
          clip: label,
          workers,
          warm,
          items: r.s.processed,
          sampledFrames: r.s.sampledFrames,
          keptFrames: r.s.keptFrames,
          seconds: Number(r.s.seconds.toFixed(2)),
          framesPerSec: Number(r.s.framesPerSec.toFixed(2)),
          loadAvg1: Number(loadavg()[0]?.toFixed(2)),
          /** Worker time per sampled frame, ms (summed over workers). */
          msPerFrame: Object.fromEntries(
            Object.entries(r.t).map(([k, v]) => [k, Number((v / r.s.sampledFrames).toFixed(1))]),
          ),
          bytesPerFrame: kept
            ? Math.round((r.bytes.bytes.face + r.bytes.bytes.eyes + r.bytes.bytes.mouth) / kept)
            : null,
          bytesPerCrop: kept
            ? {
                face: Math.round(r.bytes.bytes.face / kept),
                eyes: Math.round(r.bytes.bytes.eyes / kept),
                mouth: Math.round(r.bytes.bytes.mouth / kept),
              }
            : null,
        });
      }
    }
  }
  console.log(`PREPROCESS_BENCH ${JSON.stringify(rows)}`);
  expect(rows.length).toBe(8);
});
