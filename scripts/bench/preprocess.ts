/**
 * Preprocessing throughput and storage per frame, the body of `npm run bench:preprocess`
 * (scripts/bench-preprocess.ts, whose header says what is measured) and of the preprocess and
 * storage sections of `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { APP_ORIGIN, openApp, type AppSession } from '../lib/browser';
import { REPO_ROOT, runBuild } from '../lib/build';
import { DETERMINISTIC_H264_ARGS } from '../../tests/fixtures/h264';
import { fullRun, importFolder, modelsOnly, type BenchWindow } from './preprocessMeasure';
import {
  SAMPLE_FPS,
  type CropFormat,
  type PreprocessReport,
  type PreprocessRow,
} from './preprocessReport';

export {
  cropBytesPerFrame,
  formatLabel,
  printPreprocessReport,
  type CropFormat,
  type PreprocessReport,
  type PreprocessRow,
} from './preprocessReport';

const FFMPEG = process.env.FFMPEG ?? '/usr/bin/ffmpeg';
const ASTRONAUT = path.join(REPO_ROOT, 'tests/fixtures/faces/astronaut.png');
const BENCH_DIR = path.join(REPO_ROOT, 'tests/fixtures/generated/bench');
const VIDEO = path.join(BENCH_DIR, 'astronaut-panzoom360.mp4');

/** ffmpeg with deterministic settings (one thread, bit-exact). */
function ffmpeg(args: string[]): void {
  execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-threads', '1', ...args]);
}

/**
 * astronaut.png scaled to 420 px on a 900x520 grey canvas; a 640x360 window pans across it
 * while the picture zooms from 1.0x to 1.3x and back (the face about 190-250 px).
 */
function makeVideo(out: string, seconds: number): void {
  if (existsSync(out)) return;
  ffmpeg([
    '-loop',
    '1',
    '-framerate',
    '25',
    '-t',
    String(seconds),
    '-i',
    ASTRONAUT,
    '-vf',
    [
      'scale=420:420',
      'pad=900:520:240:50:color=gray',
      "scale=w='trunc(900*(1.15-0.15*cos(PI*t/2))/2)*2':h='trunc(520*(1.15-0.15*cos(PI*t/2))/2)*2':eval=frame",
      "crop=640:360:'(iw-640)/2+60*sin(PI*t/2)':'(ih-360)/2'",
      'format=yuv420p',
    ].join(','),
    ...DETERMINISTIC_H264_ARGS,
    out,
  ]);
}

export interface PreprocessBenchOptions {
  format: CropFormat;
  /** A build to reuse (built here when it has no index.html); default a temporary folder. */
  distDir?: string;
  /** Worker counts to time (default 1..N, N = the page's hardwareConcurrency, at least 2). */
  workers?: 'all' | 'max';
  /** Also run the models-only ceiling (default true). */
  modelsOnly?: boolean;
  /** Launch Chromium with the real-GPU flags. */
  gpu?: boolean;
}

export async function runPreprocessBench(opts: PreprocessBenchOptions): Promise<PreprocessReport> {
  const withModels = opts.modelsOnly ?? true;
  await mkdir(BENCH_DIR, { recursive: true });
  makeVideo(VIDEO, 4);
  const warmVideo = path.join(BENCH_DIR, 'astronaut-panzoom360-1s.mp4');
  makeVideo(warmVideo, 1);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-bench-pp-'));
  const distDir = opts.distDir ?? path.join(tmp, 'dist');
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.error(`Building the app into ${distDir} ...`);
    await runBuild(distDir, false);
  }
  // The sampled frames as PNGs, served with the app (the models-only run fetches them).
  const framesDir = path.join(distDir, '__bench-frames');
  await rm(framesDir, { recursive: true, force: true });
  await mkdir(framesDir, { recursive: true });
  ffmpeg(['-i', VIDEO, '-vf', `fps=${SAMPLE_FPS}`, path.join(framesDir, 'f%03d.png')]);
  const frameUrls = (await readdir(framesDir))
    .sort()
    .map((f) => `${APP_ORIGIN}/__bench-frames/${f}`);

  const profile = path.join(tmp, 'profile');
  let session: AppSession | null = null;
  try {
    session = await openApp({
      distDir,
      profile,
      gpu: opts.gpu ?? false,
      backend: null,
      verbose: false,
      startupTimeoutSec: 120,
      requiredMethods: ['planFromTestInput', 'commitPlan'],
    });
    const { page } = session;
    const env = await page.evaluate(() => ({
      cores: navigator.hardwareConcurrency,
      userAgent: navigator.userAgent,
    }));
    const maxWorkers = Math.max(2, env.cores);
    // The worker's canvas crops must put landmarks where the affines say (tests/e2e checks it too).
    const probe = await page.evaluate(() =>
      (window as BenchWindow).__ferPreprocess?.canvasWarpProbe(),
    );
    const warpErrorPx = Math.max(...(probe ?? []).flatMap((c) => c.errorsPx));
    if (!(warpErrorPx < 1)) throw new Error(`canvas crops off by ${warpErrorPx} px`);

    // Copies of the clip: two items per worker at the most workers, so none idles early.
    const benchFolder = path.join(tmp, 'bench-clips');
    const warmFolder = path.join(tmp, 'warm-clips');
    await mkdir(benchFolder);
    await mkdir(warmFolder);
    for (let i = 0; i < 2 * maxWorkers; i++)
      await copyFile(VIDEO, path.join(benchFolder, `clip${i}.mp4`));
    for (let i = 0; i < maxWorkers; i++)
      await copyFile(warmVideo, path.join(warmFolder, `warm${i}.mp4`));
    const benchId = await importFolder(page, benchFolder);
    const warmId = await importFolder(page, warmFolder);

    const extraPages: Page[] = [];
    const rows: PreprocessRow[] = [];
    let kept = 0;
    let sampled = 0;
    const counts =
      opts.workers === 'max' ? [maxWorkers] : Array.from({ length: maxWorkers }, (_v, i) => i + 1);
    for (const n of counts) {
      console.error(`full pipeline, ${n} worker(s) ...`);
      const full = await fullRun(page, n, warmId, benchId, opts.format);
      kept = full.kept;
      sampled = full.frames;
      // Free the pipeline's workers before the models-only run has the cores.
      await page.evaluate(() => {
        (window as BenchWindow).__ferPreprocess?.shutdown();
      });
      let models: Awaited<ReturnType<typeof modelsOnly>> | null = null;
      if (withModels) {
        while (extraPages.length < n - 1) {
          const p = await session.context.newPage();
          await p.goto(`${APP_ORIGIN}/`);
          await p.waitForFunction(() => (window as BenchWindow).__ferFace !== undefined);
          extraPages.push(p);
        }
        console.error(`models only, ${n} worker(s) ...`);
        models = await modelsOnly([page, ...extraPages.slice(0, n - 1)], frameUrls);
        if (models.faces < frameUrls.length)
          console.error(
            `warning: the models found ${models.faces} faces in ${frameUrls.length} frames`,
          );
      }
      rows.push({
        workers: n,
        full: full.framesPerSec,
        models: models?.framesPerSec ?? null,
        modelMs: models?.modelMsPerFrame ?? null,
        fullCpu: full.cpuMs,
        modelsCpu: models?.cpuMs ?? null,
        load: os.loadavg()[0] ?? 0,
        stages: full.stages,
        usageBytesPerFrame: full.usageBytesPerFrame,
      });
    }
    const bytes = await page.evaluate(
      (id) => (window as BenchWindow).__ferPreprocess?.cropBytes(id),
      benchId,
    );
    return {
      format: opts.format,
      cores: env.cores,
      userAgent: env.userAgent,
      backend: session.backend?.name ?? '?',
      warpErrorPx,
      clips: 2 * maxWorkers,
      sampled,
      kept,
      rows,
      crops:
        bytes && bytes.frames > 0
          ? {
              frames: bytes.frames,
              face: bytes.bytes.face,
              eyes: bytes.bytes.eyes,
              mouth: bytes.bytes.mouth,
            }
          : null,
    };
  } finally {
    await session?.close();
    await rm(tmp, { recursive: true, force: true });
    await rm(framesDir, { recursive: true, force: true });
  }
}
