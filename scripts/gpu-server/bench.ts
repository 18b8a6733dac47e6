/**
 * The GPU-server benchmark (issue 19 part 2), run by the package's run.sh through ./entry.ts:
 * on Dawn in Node (scripts/lib/nodeWebgpu.ts), the app's own model and training step
 * (src/model, src/automation/model/trainStep.ts) at several batches, one clip's inference, one
 * step by kernel, and PyTorch CUDA on the same config and batches (torch_train_step.py). Each
 * section runs within its share of the time budget (./report.ts sectionAllowanceMs); a failing
 * section records its error and the next one runs; the report is rewritten after each section,
 * so a run killed at the time limit still leaves what it measured.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type * as TF from '@tensorflow/tfjs';
import { initNodeWebgpu, missingLimits } from '../lib/nodeWebgpu';
import {
  type Batch,
  estimateMs,
  type GpuBenchPlan,
  type GpuBenchReport,
  parseTorchLines,
  sectionAllowanceMs,
  type SectionName,
  topKernels,
  type TrainRow,
} from './report';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

/** Rejects when `ms` pass first. The GPU work goes on: callers stop using WebGPU after it. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} overran the section's time (${(ms / 1000).toFixed(0)} s)`)),
      ms,
    );
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

const NOT_REACHED = 'not reached (time limit or an earlier failure)';
const STARTED = 'started, did not finish (the run stopped during it)';

export function emptyReport(plan: GpuBenchPlan): GpuBenchReport {
  return {
    config: plan.config,
    kernels: plan.kernels,
    inputSize: null,
    node: process.version,
    // run.sh runs the bench in the unpacked payload, next to build-info.txt.
    build: existsSync('build-info.txt') ? readFileSync('build-info.txt', 'utf8').trim() : null,
    machine: `${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory`,
    startedAt: new Date().toISOString(),
    adapter: null,
    adapterError: null,
    features: [],
    // Every row up front, marked until measured, so a run killed at the time limit says so.
    train: plan.batches.map((b) => ({
      ...b,
      webgpuMs: null,
      warmupMs: null,
      peakBytes: null,
      gpuBytesAllocated: null,
      torchMs: null,
      torchPeakBytes: null,
      error: NOT_REACHED,
      torchError: null,
    })),
    clip: {
      frames: plan.clipFrames,
      warmupMs: null,
      medianMs: null,
      torchMs: null,
      error: NOT_REACHED,
      torchError: null,
    },
    profile: null,
    // Without a torch script (--no-torch) the header says so instead of "PyTorch ? on cuda".
    torch: {
      device: plan.torchDevice,
      gpu: null,
      version: null,
      error: plan.torchScript ? null : 'left out (--no-torch)',
    },
    sections: [],
    totalS: 0,
  };
}

export async function runGpuBench(
  plan: GpuBenchPlan,
  write: (r: GpuBenchReport) => void,
): Promise<GpuBenchReport> {
  const t0 = Date.now();
  const report = emptyReport(plan);
  const budgetMs = plan.budgetS * 1000;
  /** Set when a WebGPU step overran: its work may still occupy the GPU. */
  let gpuBusy: string | null = null;

  const section = async (name: SectionName, fn: (allowMs: number) => Promise<void> | void) => {
    const start = Date.now();
    const allowMs = sectionAllowanceMs(name, budgetMs, start - t0);
    let error: string | null = null;
    try {
      if (allowMs < 1000) throw new Error('no time left in the budget');
      await fn(allowMs);
    } catch (e) {
      error = message(e);
      console.error(`${name}: ${error}`);
    }
    report.sections.push({
      name,
      seconds: (Date.now() - start) / 1000,
      allowanceS: allowMs / 1000,
      error,
    });
    report.totalS = (Date.now() - t0) / 1000;
    write(report);
  };

  // PyTorch first, in its own process under a hard time limit: a WebGPU step can block this
  // thread (Dawn waits inside native calls) where no JS timer can stop it, and then only
  // run.sh's timeout ends the run; the CUDA rows are in the report by then.
  await section('torch', (allowMs) => {
    if (!plan.torchScript) throw new Error('left out (--no-torch)');
    runTorch(plan, report, allowMs);
    if (report.torch.error) throw new Error(report.torch.error);
  });

  let webgpu: Awaited<ReturnType<typeof loadWebgpu>> | null = null;
  try {
    webgpu = await loadWebgpu(plan);
    report.adapter = webgpu.adapter;
    report.features = webgpu.features;
    report.inputSize = webgpu.model.config.backbone.inputSize;
    console.log(webgpu.describe);
  } catch (e) {
    report.adapterError = message(e);
    console.error(`WebGPU: ${report.adapterError}`);
  }
  write(report);
  const needGpu = () => {
    if (!webgpu) throw new Error(`no WebGPU: ${report.adapterError ?? ''}`);
    if (gpuBusy) throw new Error(`skipped: ${gpuBusy}`);
    return webgpu;
  };

  await section('webgpu-train', async (allowMs) => {
    const w = needGpu();
    const end = Date.now() + allowMs;
    let last: { frames: number; ms: number } | null = null;
    for (const row of report.train) {
      const b: Batch = { clips: row.clips, frames: row.frames };
      row.error = null;
      const left = end - Date.now();
      const guess = last ? estimateMs(last, b) : 0;
      if (gpuBusy) row.error = `skipped: ${gpuBusy}`;
      else if (guess > left)
        row.error = `skipped: ~${(guess / 1000).toFixed(0)} s expected, ${(left / 1000).toFixed(0)} s left`;
      if (row.error) continue;
      row.error = STARTED;
      write(report);
      const rowStart = Date.now();
      try {
        await within(w.trainRow(b, row, plan.reps, end), left, `${b.clips} x ${b.frames}`);
        row.error = null;
      } catch (e) {
        row.error = message(e);
        if (row.error.includes('overran')) gpuBusy = `a WebGPU step overran (${row.error})`;
      }
      last = { frames: b.clips * b.frames, ms: Date.now() - rowStart };
      console.log(
        `train ${b.clips} x ${b.frames}: ${row.webgpuMs?.toFixed(0) ?? '-'} ms/step` +
          (row.error ? ` (${row.error})` : ''),
      );
      write(report);
    }
  });

  await section('webgpu-clip', async (allowMs) => {
    const w = needGpu();
    const clip = report.clip;
    clip.error = STARTED;
    write(report);
    try {
      const c = await within(w.clip(plan.clipFrames, plan.reps), allowMs, 'clip inference');
      clip.error = null;
      const sorted = [...c.ms].sort((a, b) => a - b);
      clip.warmupMs = c.warmupMs;
      clip.medianMs = sorted[Math.floor(sorted.length / 2)] ?? null;
      console.log(`clip 1 x ${plan.clipFrames}: ${clip.medianMs?.toFixed(1) ?? '-'} ms`);
    } catch (e) {
      clip.error = message(e);
      if (clip.error.includes('overran')) gpuBusy = 'clip inference overran';
      throw e;
    }
  });

  await section('webgpu-profile', async (allowMs) => {
    const w = needGpu();
    try {
      report.profile = await within(w.profile(plan.profileBatch), allowMs, 'the profiled step');
    } catch (e) {
      if (message(e).includes('overran')) gpuBusy = 'the profiled step overran';
      throw e;
    }
    for (const k of report.profile.kernels)
      console.log(`  ${k.name}: ${k.calls} calls, ${k.ms.toFixed(1)} ms`);
  });
  webgpu?.dispose();

  report.totalS = (Date.now() - t0) / 1000;
  write(report);
  return report;
}

/** PyTorch on the same config and batches, one process; rows matched by clips x frames. */
function runTorch(plan: GpuBenchPlan, report: GpuBenchReport, allowMs: number): void {
  const spec = (bs: readonly Batch[]) => bs.map((b) => `${b.clips}x${b.frames}`).join(',');
  const args = [plan.torchScript ?? '', plan.config, '--device', plan.torchDevice];
  args.push('--batches', spec(plan.batches), '--forward-batches', `1x${plan.clipFrames}`);
  const r = spawnSync(plan.python, args, { encoding: 'utf8', timeout: allowMs });
  // With a spawn error (no python) Node gives null outputs, whatever the types say.
  const stdout = (r.stdout as string | null) ?? '';
  const stderr = (r.stderr as string | null) ?? '';
  const lines = parseTorchLines(stdout);
  for (const l of lines) {
    report.torch.gpu ??= l.gpu ?? null;
    report.torch.version ??= l.torch ?? null;
    if (l.clips === undefined) {
      report.torch.error = l.error ?? 'an unreadable line';
      continue;
    }
    const forward = l.mode ? l.mode === 'forward' : l.forwardMs !== undefined;
    if (forward) {
      if (l.framesPerClip === report.clip.frames) {
        report.clip.torchMs = l.forwardMs ?? null;
        report.clip.torchError = l.error ?? null;
      }
      continue;
    }
    const t = report.train.find((x) => x.clips === l.clips && x.frames === l.framesPerClip);
    if (t) {
      t.torchMs = l.trainMs ?? null;
      t.torchPeakBytes = l.peakBytes ?? null;
      t.torchError = l.error ?? null;
    }
  }
  if (r.error && !lines.length) report.torch.error = `${plan.python}: ${message(r.error)}`;
  else if (r.signal) report.torch.error ??= `stopped at the time limit after ${lines.length} rows`;
  else if (r.status !== 0 && !report.torch.error)
    report.torch.error = stderr.trim().split('\n').pop() ?? `exit ${String(r.status)}`;
  console.log(`torch: ${lines.length} rows${report.torch.error ? ` (${report.torch.error})` : ''}`);
}

/** Dawn, the webgpu backend, one model and optimiser for every row. */
async function loadWebgpu(plan: GpuBenchPlan) {
  // Dawn rounds timestamps to ~65 µs by default (against timing attacks in browsers), which
  // would zero most kernels of the profile; this runtime serves no web page.
  process.env.FER_DAWN_OPTIONS ??= 'disable-dawn-features=timestamp_quantization';
  const { adapter } = await initNodeWebgpu();
  // Only now: nothing may load tfjs-backend-webgpu before navigator.gpu exists.
  const tf: typeof TF = await import('@tensorflow/tfjs');
  const { clipInput, clipLatency } = await import('../../src/automation/model/bench');
  const { trainStep } = await import('../../src/automation/model/trainStep');
  const { createAdam } = await import('../../src/compute/fusedAdam');
  const { TINY_OVERRIDES } = await import('../../src/model/config');
  const { createModel, disposeModel } = await import('../../src/model/model');
  const { describeNodeAdapter } = await import('../lib/nodeWebgpu');
  const { setKernelMode } = await import('../../src/model/kernels');
  setKernelMode(plan.kernels);
  const modelConfig = plan.config === 'tiny' ? TINY_OVERRIDES : {};
  const model = createModel(modelConfig);
  const optimizer = createAdam(1e-4);
  const size = model.config.backbone.inputSize;
  const stem = model.config.backbone.stemWidth * model.config.backbone.widthMultiplier;
  const device = (tf.backend() as unknown as { device?: { features: Iterable<string> } }).device;
  const features = device ? [...device.features].sort() : [];
  let stepNo = 0;

  const withBatch = async <T>(b: Batch, fn: (step: () => Promise<void>) => Promise<T>) => {
    const x = clipInput([b.clips, b.frames, size, size, 9], 5);
    const labels = Array.from({ length: b.clips }, (_, i) => i % model.config.numClasses);
    const targets = tf.tidy(() =>
      tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), model.config.numClasses), 'float32'),
    ) as TF.Tensor2D;
    const step = async () => {
      const loss = trainStep(model, optimizer, x, targets, { dropoutSeed: stepNo++ });
      await loss.data();
      loss.dispose();
    };
    try {
      return await fn(step);
    } finally {
      tf.dispose([x, targets]);
    }
  };
  const warmed = new Set<string>();

  return {
    adapter,
    features,
    model,
    describe: describeNodeAdapter(adapter),
    /** Limits, a profiled warm-up step (peak memory), then up to `reps` timed steps. */
    trainRow: async (b: Batch, row: TrainRow, reps: number, end: number) => {
      // The largest activation: the stem's output (frames x size/2 x size/2 x stem width).
      const frames = b.clips * b.frames;
      const largest = 4 * frames * Math.max(size * size * 9, (size / 2) ** 2 * stem);
      const missing = missingLimits(adapter.limits, largest);
      if (missing.length) throw new Error(`adapter limits: ${missing.join('; ')}`);
      await withBatch(b, async (step) => {
        const t = performance.now();
        const info = await tf.profile(step);
        row.warmupMs = performance.now() - t;
        row.peakBytes = info.peakBytes;
        warmed.add(`${b.clips}x${b.frames}`);
        const times: number[] = [];
        while (times.length < reps && (times.length === 0 || Date.now() + row.warmupMs < end)) {
          const s = performance.now();
          await step();
          times.push(performance.now() - s);
        }
        row.webgpuMs = times.reduce((s, v) => s + v, 0) / times.length;
      });
      const mem = tf.memory() as TF.MemoryInfo & { numBytesAllocatedInGPU?: number };
      row.gpuBytesAllocated = mem.numBytesAllocatedInGPU ?? null;
    },
    clip: (frames: number, reps: number) =>
      clipLatency({ backend: 'webgpu', model: modelConfig, frames, reps }),
    /** One step under tf.profile (after a warm-up step if this batch has not run yet). */
    profile: (b: Batch) =>
      withBatch(b, async (step) => {
        if (!warmed.has(`${b.clips}x${b.frames}`)) await step();
        const t = performance.now();
        const info = await tf.profile(step);
        const kernels = info.kernels.map((k) => ({
          name: k.name,
          kernelTimeMs: typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0,
        }));
        return {
          batch: b,
          timestampQuery: features.includes('timestamp-query'),
          wallMs: performance.now() - t,
          kernelCalls: kernels.length,
          kernels: topKernels(kernels, 15),
        };
      }),
    dispose: () => {
      optimizer.dispose();
      disposeModel(model);
    },
  };
}
