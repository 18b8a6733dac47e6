/**
 * Preprocessing throughput and storage per frame, the body of `npm run bench:preprocess`
 * (scripts/bench-preprocess.ts, whose header says what is measured) and of the preprocess and
 * storage sections of `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { FaceDebugApi } from '../../src/automation/face';
import type { PreprocessDebugApi } from '../../src/automation/preprocess';
import type { CliWindow } from '../lib/api';
import { APP_ORIGIN, openApp, type AppSession } from '../lib/browser';
import { REPO_ROOT, runBuild } from '../lib/build';
import { DETERMINISTIC_H264_ARGS } from '../../tests/fixtures/h264';

const FFMPEG = process.env.FFMPEG ?? '/usr/bin/ffmpeg';
const ASTRONAUT = path.join(REPO_ROOT, 'tests/fixtures/faces/astronaut.png');
const BENCH_DIR = path.join(REPO_ROOT, 'tests/fixtures/generated/bench');
const VIDEO = path.join(BENCH_DIR, 'astronaut-panzoom360.mp4');
/** The app's default sampling rate (DEFAULT_PREPROCESS_CONFIG.fps). */
const SAMPLE_FPS = 10;

export type CropFormat = 'webp' | 'jpeg';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SEC = 100;

/**
 * CPU milliseconds (user + system) used so far by every live process below this one (the
 * browser and its renderer, GPU and utility processes), from /proc. A process that exits
 * between two readings loses its time, so read it around phases that start none.
 */
function browserCpuMs(): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command (which may hold spaces) in parentheses: state ppid ... utime stime.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parent.set(Number(name), Number(f[1]));
    ticks.set(Number(name), Number(f[11]) + Number(f[12]));
  }
  let total = 0;
  for (const [pid, t] of ticks) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        total += t;
        break;
      }
    }
  }
  return (total * 1000) / TICKS_PER_SEC;
}

interface BenchWindow {
  __ferPreprocess?: PreprocessDebugApi;
  __ferFace?: FaceDebugApi;
}

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

async function importFolder(page: Page, folder: string): Promise<string> {
  await page.getByTestId('testapi.folder').setInputFiles(folder);
  const result = await page.evaluate(async () => {
    const api = (window as CliWindow).__fer;
    if (!api?.planFromTestInput || !api.commitPlan) throw new Error('no test API');
    await api.planFromTestInput('folder', { layout: 'unlabelled-video' });
    return api.commitPlan();
  });
  if (result.status !== 'ready') throw new Error(`import stopped: ${result.stopReason ?? '?'}`);
  return result.datasetId;
}

/** Full pipeline with `workers` workers: warm them up on `warmId`, then time `benchId`. */
async function fullRun(
  page: Page,
  workers: number,
  warmId: string,
  benchId: string,
  format: CropFormat,
): Promise<{
  /** Growth of navigator.storage.estimate().usage over the timed run, per sampled frame. */
  usageBytesPerFrame: number | null;
  /** CPU ms per sampled frame, all browser processes. */
  cpuMs: number;
  frames: number;
  seconds: number;
  framesPerSec: number;
  kept: number;
  /** Worker ms per sampled frame per stage, summed over the workers. */
  stages: { decodeMs: number; detectMs: number; cropMs: number; encodeMs: number };
}> {
  const config = { encode: { format } };
  await page.evaluate(
    async ({ workers, warmId, config }) => {
      const api = (window as BenchWindow).__ferPreprocess;
      if (!api) throw new Error('no window.__ferPreprocess');
      api.shutdown();
      api.setWorkers(workers);
      await api.deletePreprocessed(warmId);
      await api.run(warmId, config);
    },
    { workers, warmId, config },
  );
  const cpu0 = browserCpuMs();
  const r = await page.evaluate(
    async ({ benchId, config }) => {
      const api = (window as BenchWindow).__ferPreprocess;
      if (!api) throw new Error('no window.__ferPreprocess');
      await api.deletePreprocessed(benchId);
      const usage0 = (await navigator.storage.estimate()).usage;
      const s = await api.run(benchId, config);
      const usage1 = (await navigator.storage.estimate()).usage;
      const stages = { decodeMs: 0, detectMs: 0, cropMs: 0, encodeMs: 0 };
      for (const o of await api.outcomes(benchId)) {
        stages.decodeMs += o.timings.decodeMs / s.sampledFrames;
        stages.detectMs += o.timings.detectMs / s.sampledFrames;
        stages.cropMs += o.timings.cropMs / s.sampledFrames;
        stages.encodeMs += o.timings.encodeMs / s.sampledFrames;
      }
      return {
        frames: s.sampledFrames,
        seconds: s.seconds,
        framesPerSec: s.framesPerSec,
        kept: s.keptFrames,
        stages,
        usageBytesPerFrame:
          usage0 === undefined || usage1 === undefined ? null : (usage1 - usage0) / s.sampledFrames,
      };
    },
    { benchId, config },
  );
  return { ...r, cpuMs: (browserCpuMs() - cpu0) / r.frames };
}

/**
 * The face models alone on `urls`, in `pages.length` pages (one model worker each), frames
 * dealt round-robin; returns frames/s over the wall time and the model ms per frame.
 */
async function modelsOnly(
  pages: readonly Page[],
  urls: readonly string[],
): Promise<{ framesPerSec: number; modelMsPerFrame: number; faces: number; cpuMs: number }> {
  // Load the models and run one frame in every page first (not timed).
  await Promise.all(
    pages.map((p) =>
      p.evaluate(async (url) => {
        const api = (window as BenchWindow).__ferFace;
        if (!api) throw new Error('no window.__ferFace');
        await api.load();
        await api.detect(url);
      }, urls[0] ?? ''),
    ),
  );
  const t0 = performance.now();
  const cpu0 = browserCpuMs();
  const results = await Promise.all(
    pages.map((p, k) =>
      p.evaluate(
        async (mine) => {
          const api = (window as BenchWindow).__ferFace;
          if (!api) throw new Error('no window.__ferFace');
          let ms = 0;
          let faces = 0;
          for (const url of mine) {
            const r = await api.detect(url);
            for (const t of r.runs) ms += t.detectorMs + t.landmarkerMs;
            faces += r.faces.length;
          }
          return { ms, faces };
        },
        urls.filter((_u, i) => i % pages.length === k),
      ),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpuMs = (browserCpuMs() - cpu0) / urls.length;
  const ms = results.reduce((n, r) => n + r.ms, 0);
  return {
    cpuMs,
    framesPerSec: urls.length / seconds,
    modelMsPerFrame: ms / urls.length,
    faces: results.reduce((n, r) => n + r.faces, 0),
  };
}

export interface PreprocessRow {
  workers: number;
  /** Full pipeline frames/s. */
  full: number;
  /** Models-only frames/s (null when not run). */
  models: number | null;
  modelMs: number | null;
  fullCpu: number;
  modelsCpu: number | null;
  /** 1-minute load average when the row was measured. */
  load: number;
  stages: { decodeMs: number; detectMs: number; cropMs: number; encodeMs: number };
  usageBytesPerFrame: number | null;
}

export interface PreprocessReport {
  format: CropFormat;
  cores: number;
  userAgent: string;
  backend: string;
  warpErrorPx: number;
  clips: number;
  sampled: number;
  kept: number;
  rows: PreprocessRow[];
  /** Bytes of the stored crops, summed over `frames` frames. */
  crops: { frames: number; face: number; eyes: number; mouth: number } | null;
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

/** The crops' bytes per frame: total, face, eyes, mouth. */
export function cropBytesPerFrame(crops: NonNullable<PreprocessReport['crops']>): {
  total: number;
  face: number;
  eyes: number;
  mouth: number;
} {
  const per = (b: number): number => b / crops.frames;
  return {
    total: per(crops.face + crops.eyes + crops.mouth),
    face: per(crops.face),
    eyes: per(crops.eyes),
    mouth: per(crops.mouth),
  };
}

export function formatLabel(format: CropFormat): string {
  return format === 'webp' ? 'WebP 0.8' : 'JPEG 0.8';
}

/** bench:preprocess's plain-text report, as it always printed it. */
export function printPreprocessReport(r: PreprocessReport): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `machine   ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  console.log(`browser   ${r.userAgent}`);
  console.log(`page      hardwareConcurrency ${r.cores}; backend ${r.backend}`);
  console.log(`crops     canvas warp landmark error at most ${r.warpErrorPx.toFixed(2)} px`);
  console.log(
    `input     ${r.clips} x 640x360 4 s clip, ${SAMPLE_FPS} fps sampled: ${r.sampled} frames, ${r.kept} kept`,
  );
  console.log('');
  console.log(
    'workers  full frames/s  models-only frames/s  model ms/frame  full/models  load avg (1 min)' +
      '  CPU ms/frame: full / models-only (ratio)  pipeline ms/frame: decode / detect / crop+CLAHE / encode',
  );
  const f = (v: number | null, d: number): string => (v === null ? '-' : v.toFixed(d));
  for (const row of r.rows) {
    const ratio = row.models === null ? null : row.full / row.models;
    const cpuRatio = row.modelsCpu === null ? null : row.modelsCpu / row.fullCpu;
    const s = row.stages;
    console.log(
      `${String(row.workers).padStart(7)}  ${row.full.toFixed(2).padStart(13)}  ${f(row.models, 2).padStart(20)}  ` +
        `${f(row.modelMs, 0).padStart(14)}  ${`${f(ratio === null ? null : 100 * ratio, 0)}%`.padStart(11)}  ${row.load.toFixed(2).padStart(16)}  ` +
        `${`${row.fullCpu.toFixed(0)} / ${f(row.modelsCpu, 0)} (${f(cpuRatio === null ? null : 100 * cpuRatio, 0)}%)`.padStart(40)}  ` +
        [s.decodeMs, s.detectMs, s.cropMs, s.encodeMs].map((ms) => ms.toFixed(0)).join(' / '),
    );
  }
  if (r.crops) {
    const b = cropBytesPerFrame(r.crops);
    console.log('');
    console.log(
      `bytes per stored frame (${formatLabel(r.format)}, 224 px): ${Math.round(b.total)} ` +
        `(face ${Math.round(b.face)}, eyes ${Math.round(b.eyes)}, mouth ${Math.round(b.mouth)}) over ${r.crops.frames} frames`,
    );
  }
  const last = r.rows[r.rows.length - 1];
  if (last?.models)
    console.log(
      `all cores: full pipeline at ${((100 * last.full) / last.models).toFixed(0)}% of the models-only rate (target >= 80%)`,
    );
}
