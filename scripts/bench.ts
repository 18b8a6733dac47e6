/**
 * `npm run bench`: the benchmark report. Builds the app once and runs, in headless Chromium:
 *
 * - model: forward and training step per backend, tiny and full size (bench:model's code,
 *   without the grouped-convolution comparison unless --conv), with full-size training frames/s;
 * - memory: tf.memory() over 100 training steps of the tiny preset on the fastest backend
 *   (the one with the fastest tiny training step in the model section); growth is a failure;
 * - inference: one clip's latency, full-size (as shipped, 8 frames) and tiny preset (4 frames),
 *   on every backend; a full-size run estimated over --inference-cap-s is skipped with the reason;
 * - preprocess: bench:preprocess (frames/s per worker count against the models-only ceiling);
 * - storage: bytes per stored frame (crops, and the IndexedDB usage growth) from that run;
 * - import: bench:import (files/s and MB/s for the ~100 MB AFEW-style folder).
 *
 * Prints the report and writes it into docs/benchmarks.md between `<!-- bench:begin -->` and
 * `<!-- bench:end -->` (the rest of the file is kept). Exit code 1 when memory grew or a section
 * failed.
 *
 * Options: --only preprocess,model,storage,memory,inference,import   --no-write
 *          --gpu (Chromium's real-GPU flags, scripts/lib/chromium.ts)   --out-dir DIR   --port N
 *          --backends webgpu,wasm,webgl,cpu   --full-frames N (default 2)
 *          --full-train-backends LIST (default all but cpu)   --no-full-train   --conv
 *          --memory-steps N (100)   --memory-backend B   --inference-cap-s S (120)
 *          --format webp|jpeg (crops)   --doc FILE (default docs/benchmarks.md)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DebugBackend } from '../src/automation/model/api';
import { PRESETS } from '../src/train/config';
import { browserVersion, buildApp, openBenchApp, type BenchSession } from './bench/browser';
import { runImportBench } from './bench/import';
import {
  benchOne,
  clipLatency,
  fullTrainEnabled,
  memoryTrace,
  pageEnvironment,
  runModelBench,
  type ModelBenchPlan,
  type PageEnvironment,
} from './bench/model';
import { runPreprocessBench, type CropFormat } from './bench/preprocess';
import {
  type BenchData,
  type InferenceRow,
  type MemoryResult,
  type ModelSection,
  renderReport,
  type SectionResult,
} from './bench/render';
import { checkGrowth, optionValue, parseOnly, replaceGenerated } from './bench/report';
import { REPO_ROOT } from './lib/build';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => optionValue(argv, name);
const only = parseOnly(option('only'));
const write = !argv.includes('--no-write');
const gpu = argv.includes('--gpu');
const outDir = option('out-dir') ?? path.join(os.tmpdir(), 'fer-bench-all-dist');
const port = Number(option('port') ?? 4198);
const wanted = (option('backends') ?? 'webgpu,wasm,webgl,cpu').split(',');
const fullFrames = Number(option('full-frames') ?? 2);
const memorySteps = Number(option('memory-steps') ?? 100);
const inferenceCapSec = Number(option('inference-cap-s') ?? 120);
const formatArg = option('format') ?? 'webp';
if (formatArg !== 'webp' && formatArg !== 'jpeg') throw new Error('--format webp|jpeg');
const format: CropFormat = formatArg;
const docPath = path.resolve(REPO_ROOT, option('doc') ?? 'docs/benchmarks.md');

const load1 = (): number => os.loadavg()[0] ?? 0;

async function section<T>(name: string, fn: () => Promise<T>): Promise<SectionResult<T>> {
  console.error(`== ${name} (load ${load1().toFixed(2)}) ==`);
  const t0 = Date.now();
  try {
    const value = await fn();
    return { ok: true, value, seconds: (Date.now() - t0) / 1000, load: load1() };
  } catch (e) {
    const error = e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
    console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { ok: false, error, seconds: (Date.now() - t0) / 1000, load: load1() };
  }
}

const tiny = PRESETS.tiny('bench');
const full = PRESETS.full('bench');
const INFERENCE = [
  { config: 'tiny' as const, model: tiny.model, frames: tiny.data.framesPerClip, reps: 5 },
  { config: 'full' as const, model: full.model, frames: full.data.framesPerClip, reps: 2 },
];

async function main(): Promise<number> {
  const started = new Date();
  const t0 = Date.now();
  const loadStart = os.loadavg();
  const data: BenchData = {
    started: started.toISOString().replace(/\.\d+Z$/, 'Z'),
    totalSec: 0,
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    machine: {
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
      cores: os.cpus().length,
      ramGiB: os.totalmem() / 2 ** 30,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.versions.node,
    },
    loadStart,
    loadEnd: loadStart,
    browser: null,
    env: null,
    gpuFlags: gpu,
  };

  console.error(`building into ${outDir} ...`);
  buildApp(outDir);

  const pageSections = only.has('model') || only.has('memory') || only.has('inference');
  let session: BenchSession | null = null;
  try {
    // Always open the model page: it reports the browser, the adapter and the backends.
    session = await openBenchApp(outDir, port, { gpu });
    const { page, browser } = session;
    const env: PageEnvironment = await pageEnvironment(page);
    data.browser = browserVersion(session);
    data.env = env;
    const backends = env.available.filter((b) => wanted.includes(b));
    console.error(
      `backends: ${backends.join(', ')}; WebGPU ${JSON.stringify(env.adapter?.webgpu)}`,
    );

    if (only.has('model')) {
      // A full-size WebGPU training step on a software (SwiftShader) adapter takes many
      // minutes (over 10 at load 12 here) and says nothing about a GPU: by default it is timed
      // only on a hardware adapter; --full-train-backends overrides.
      const softwareWebgpu = env.adapter?.webgpu?.isFallback !== false;
      const fullTrainBackends =
        option('full-train-backends')?.split(',') ??
        (softwareWebgpu ? backends.filter((b) => b !== 'cpu' && b !== 'webgpu') : undefined);
      const plan: ModelBenchPlan = {
        backends,
        fullFrames,
        fullTrain: !argv.includes('--no-full-train'),
        fullTrainBackends,
        conv: argv.includes('--conv'),
        onResult: (r, s) =>
          console.error(
            `  ${r.backend} ${r.config}: fwd ${r.forwardMsPerClip.toFixed(0)} ms/clip, train ` +
              `${r.trainMsPerClip === null ? '-' : r.trainMsPerClip.toFixed(0)} ms/clip (${s.toFixed(0)} s)`,
          ),
      };
      data.model = await section('model', async (): Promise<ModelSection> => {
        const run = await runModelBench(page, plan);
        const fullTrainSkipped: Record<string, string> = {};
        for (const b of backends)
          if (!fullTrainEnabled(plan, b))
            fullTrainSkipped[b] = !plan.fullTrain
              ? '--no-full-train'
              : option('full-train-backends') !== undefined
                ? 'not in --full-train-backends'
                : b === 'cpu'
                  ? 'plain-JS CPU is not timed by default (minutes per step; --full-train-backends adds it)'
                  : 'WebGPU on a software fallback adapter is not timed by default (minutes per step, and no GPU to measure; --full-train-backends adds it)';
        return { results: run.results, fullFrames, fullTrainSkipped };
      });
    }
    const modelResults = data.model?.ok ? data.model.value.results : [];

    if (only.has('memory')) {
      data.memory = await section('memory', async (): Promise<MemoryResult> => {
        // The training worker runs the tiny network on WASM with one XNNPACK thread (threads
        // make its thousands of small kernels ~10x slower, "Training without a GPU"), so the
        // memory run gets a page of its own with ?wasmThreads=1.
        const memPage = await browser.newPage();
        memPage.setDefaultTimeout(0);
        try {
          await memPage.goto(`http://127.0.0.1:${port}/?wasmThreads=1`);
          await memPage.waitForFunction(() => '__ferModel' in window);
          const candidates = modelResults
            .filter((r) => r.config === 'tiny' && r.trainMsPerClip !== null && r.backend !== 'wasm')
            .map((r) => ({ backend: r.backend as DebugBackend, ms: r.trainMsPerClip ?? Infinity }));
          if (backends.includes('wasm') && candidates.length > 0) {
            const w = await benchOne(memPage, {
              backend: 'wasm',
              config: 'tiny',
              clips: 2,
              frames: 4,
              reps: 2,
              train: true,
            });
            candidates.push({ backend: 'wasm', ms: w.trainMsPerClip ?? Infinity });
          }
          candidates.sort((a, b) => a.ms - b.ms);
          const chosen = option('memory-backend') as DebugBackend | undefined;
          const fastest = candidates[0]?.backend;
          const backend: DebugBackend | undefined =
            chosen ?? fastest ?? (backends.includes('wasm') ? 'wasm' : backends[0]);
          if (backend === undefined) throw new Error('no backend available');
          const why = chosen
            ? '--memory-backend'
            : fastest
              ? `the fastest tiny training step: ${candidates
                  .map(
                    (c) =>
                      `${c.backend}${c.backend === 'wasm' ? ' (1 thread)' : ''} ${c.ms.toFixed(0)} ms/clip`,
                  )
                  .join(', ')}`
              : 'wasm, the fastest without a GPU (no model section in this run)';
          const trace = await memoryTrace(
            memPage,
            backend,
            tiny.model,
            2,
            tiny.data.framesPerClip,
            memorySteps,
          );
          const check = checkGrowth(trace.numTensors, trace.numBytes);
          console.error(`  ${backend}: ${check.message}`);
          return { trace, check, why: backend === 'wasm' ? `${why}; 1 XNNPACK thread` : why };
        } finally {
          await memPage.close();
        }
      });
    }

    if (only.has('inference')) {
      data.inference = await section('inference', async (): Promise<InferenceRow[]> => {
        const rows: InferenceRow[] = [];
        for (const backend of backends)
          for (const c of INFERENCE) {
            const inputSize = c.config === 'tiny' ? 48 : 224;
            let reps = c.reps;
            if (c.config === 'full') {
              // ms per frame of the full-size forward: from the model section, else a 1-frame probe.
              const m = modelResults.find((r) => r.backend === backend && r.config === 'full');
              let msPerFrame: number;
              if (m) msPerFrame = m.forwardMsPerClip / m.frames;
              else {
                const probe = await clipLatency(page, backend, c.model, 1, 0);
                msPerFrame = probe.warmupMs;
              }
              const perClipSec = (msPerFrame * c.frames) / 1000;
              const affordable = Math.floor(inferenceCapSec / perClipSec) - 1;
              if (affordable < 1) {
                rows.push({
                  backend,
                  config: c.config,
                  inputSize,
                  frames: c.frames,
                  warmupMs: null,
                  ms: [],
                  skipped:
                    `estimated ${perClipSec.toFixed(0)} s per clip (${(msPerFrame / 1000).toFixed(1)} s per frame ` +
                    `${m ? 'in the model section' : 'in a 1-frame probe'}); warm-up + 1 run exceed the ` +
                    `${inferenceCapSec} s cap (--inference-cap-s)`,
                });
                continue;
              }
              reps = Math.min(reps, affordable);
            }
            const r = await clipLatency(page, backend, c.model, c.frames, reps);
            console.error(
              `  ${backend} ${c.config}: warm-up ${r.warmupMs.toFixed(0)} ms, runs ${r.ms.map((x) => x.toFixed(0)).join(', ')} ms`,
            );
            rows.push({
              backend,
              config: c.config,
              inputSize: r.inputSize,
              frames: r.frames,
              warmupMs: r.warmupMs,
              ms: r.ms,
            });
          }
        return rows;
      });
    }
    if (!pageSections) console.error('(model page opened for the environment only)');
  } finally {
    await session?.close();
  }

  if (only.has('preprocess') || only.has('storage')) {
    const run = () =>
      runPreprocessBench({
        format,
        distDir: outDir,
        gpu,
        // Storage alone needs one preprocessing run, not the worker sweep.
        workers: only.has('preprocess') ? 'all' : 'max',
        modelsOnly: only.has('preprocess'),
      });
    // Once, under heavy load, the app's test input did not appear within 30 s: retry once
    // in a fresh browser and profile before reporting a failure.
    const pp = await section('preprocess', () =>
      run().catch((e: unknown) => {
        console.error(`preprocess: ${e instanceof Error ? e.message : String(e)}; retrying once`);
        return run();
      }),
    );
    if (only.has('preprocess')) data.preprocess = pp;
    if (only.has('storage')) data.storage = pp;
  }

  if (only.has('import'))
    data.import = await section('import', () => runImportBench({ distDir: outDir, gpu }));

  data.totalSec = (Date.now() - t0) / 1000;
  data.loadEnd = os.loadavg();
  const md = renderReport(data);
  console.log(md);
  if (write) {
    const doc = readFileSync(docPath, 'utf8');
    writeFileSync(docPath, replaceGenerated(doc, md));
    console.error(`wrote ${path.relative(REPO_ROOT, docPath)}`);
  }
  const failures = [
    ...Object.entries({
      model: data.model,
      memory: data.memory,
      inference: data.inference,
      preprocess: data.preprocess,
      storage: data.storage,
      import: data.import,
    })
      .filter(([, r]) => r && !r.ok)
      .map(([name]) => `${name} failed`),
    ...(data.memory?.ok && data.memory.value.check.grew
      ? [`memory: ${data.memory.value.check.message}`]
      : []),
  ];
  console.error(
    `total ${(data.totalSec / 60).toFixed(1)} min; load ${data.loadEnd.map((l) => l.toFixed(2)).join(' ')}`,
  );
  if (failures.length) {
    console.error(`FAILED: ${failures.join('; ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
