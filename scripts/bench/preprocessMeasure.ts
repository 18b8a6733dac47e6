/**
 * The timed parts of bench:preprocess (scripts/bench/preprocess.ts): the browser's CPU time from
 * /proc, importing a folder through the test API, a full pipeline run and the models alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { FaceDebugApi } from '../../src/automation/face';
import type { PreprocessDebugApi } from '../../src/automation/preprocess';
import type { CliWindow } from '../lib/api';
import type { CropFormat } from './preprocessReport';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SEC = 100;

/**
 * CPU milliseconds (user + system) used so far by every live process below this one (the
 * browser and its renderer, GPU and utility processes), from /proc. A process that exits
 * between two readings loses its time, so read it around phases that start none.
 */
export function browserCpuMs(): number {
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

export interface BenchWindow {
  __ferPreprocess?: PreprocessDebugApi;
  __ferFace?: FaceDebugApi;
}

export async function importFolder(page: Page, folder: string): Promise<string> {
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
export async function fullRun(
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
export async function modelsOnly(
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
