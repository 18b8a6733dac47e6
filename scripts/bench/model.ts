/**
 * The model benchmarks on an open page with `window.__ferModel` (scripts/bench/browser.ts):
 * forward and training step per backend (bench:model), the grouped-convolution comparison,
 * tensors and memory over a run of training steps, and one clip's inference latency. Used by
 * scripts/bench-model.ts and scripts/bench.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { ModelConfigInput } from '../../src/model/config';
import type {
  AdapterDescription,
  ClipLatency,
  DebugBackend,
  GroupedConvBench,
  MemoryTrace,
  ModelBenchOptions,
  ModelBenchResult,
  WasmStatus,
} from '../../src/automation/model/api';
import { fixed, mib } from './report';

export interface PageEnvironment {
  adapter: AdapterDescription | null;
  /** Every backend the browser can set. */
  available: DebugBackend[];
  wasm: WasmStatus | null;
}

export async function pageEnvironment(page: Page): Promise<PageEnvironment> {
  const adapter = (await page.evaluate(() => window.__ferModel?.adapter())) ?? null;
  const available = await page.evaluate(() => window.__ferModel?.backends() ?? []);
  const wasm = available.includes('wasm')
    ? ((await page.evaluate(() => window.__ferModel?.wasmStatus())) ?? null)
    : null;
  return { adapter, available, wasm };
}

export interface ModelBenchPlan {
  backends: readonly DebugBackend[];
  /** Frames of the full-size clip. */
  fullFrames: number;
  /** Clips in the full-size step (default 1; the shipped config trains 2 per forward pass). */
  fullClips?: number;
  /** Whether to time the full-size training step at all (--no-full-train turns it off). */
  fullTrain: boolean;
  /** Backends that time the full-size training step (default: all but cpu). */
  fullTrainBackends?: readonly string[];
  /** Also compare the two grouped-convolution implementations. */
  conv: boolean;
  /** Called after each measurement (progress on stderr, rows on stdout). */
  onResult?: (r: ModelBenchResult, seconds: number) => void;
}

export interface ModelBenchRun {
  results: ModelBenchResult[];
  convs: GroupedConvBench[];
}

export function fullTrainEnabled(plan: ModelBenchPlan, backend: string): boolean {
  return plan.fullTrain && (plan.fullTrainBackends?.includes(backend) ?? backend !== 'cpu');
}

export async function benchOne(page: Page, opts: ModelBenchOptions): Promise<ModelBenchResult> {
  return page.evaluate(
    (o) => window.__ferModel?.bench(o) ?? Promise.reject(new Error('no hook')),
    opts,
  );
}

/** tiny (2 clips x 4 frames) and full (1 clip) on each backend, as bench:model always did. */
export async function runModelBench(page: Page, plan: ModelBenchPlan): Promise<ModelBenchRun> {
  const results: ModelBenchResult[] = [];
  const convs: GroupedConvBench[] = [];
  const run = async (opts: ModelBenchOptions): Promise<void> => {
    const started = Date.now();
    const r = await benchOne(page, opts);
    results.push(r);
    plan.onResult?.(r, (Date.now() - started) / 1000);
  };
  for (const backend of plan.backends) {
    console.error(`${backend} ...`);
    await run({ backend, config: 'tiny', clips: 2, frames: 4, reps: 2, train: true });
    await run({
      backend,
      config: 'full',
      clips: plan.fullClips ?? 1,
      frames: plan.fullFrames,
      reps: 2,
      train: fullTrainEnabled(plan, backend),
    });
    if (plan.conv)
      convs.push(
        ...(await page.evaluate(
          (b) => window.__ferModel?.benchGroupedConv(b, 2) ?? Promise.reject(new Error('no hook')),
          backend,
        )),
      );
  }
  return { results, convs };
}

export const MODEL_HEADERS = [
  'backend',
  'config',
  'input',
  'clips x frames',
  'GFLOP/clip',
  'forward ms/clip',
  'forward frames/s',
  'forward GFLOP/s',
  'train ms/clip',
  'train frames/s',
  'train GFLOP/s',
  'matmul GFLOP/s (n)',
  'peak MiB fwd / train',
] as const;

export function modelRow(r: ModelBenchResult): string[] {
  return [
    r.backend,
    r.config,
    String(r.inputSize),
    `${r.clips} x ${r.frames}`,
    (r.flopsPerClip / 1e9).toFixed(3),
    fixed(r.forwardMsPerClip, 0),
    fixed(r.forwardFramesPerSec, 2),
    fixed(r.forwardGflopsPerSec, 2),
    fixed(r.trainMsPerClip, 0),
    fixed(r.trainFramesPerSec, 2),
    fixed(r.trainGflopsPerSec, 2),
    `${fixed(r.matmulGflopsPerSec, 2)} (${r.matmulN})`,
    `${mib(r.peakBytesForward, 0)} / ${mib(r.peakBytesTrain, 0)}`,
  ];
}

export interface TorchReference {
  config: 'tiny' | 'full';
  trainMsPerClip: number;
  threads: number;
}

/**
 * The same network's training step in PyTorch on the CPU (scripts/bench/torch_train_step.py,
 * Debian's python3-torch); empty if torch is missing.
 */
export function torchReference(
  threadCounts: readonly number[],
  fullFrames: number,
  configs: readonly ('tiny' | 'full')[] = ['tiny', 'full'],
  fullClips = 1,
): TorchReference[] {
  const reference: TorchReference[] = [];
  for (const threads of threadCounts)
    for (const config of configs) {
      const frames = config === 'tiny' ? 4 : fullFrames;
      const clips = config === 'tiny' ? 2 : fullClips;
      // Debian's python3-torch lives under the system interpreter, not a pyenv shim.
      const r = spawnSync(
        existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
        [
          'scripts/bench/torch_train_step.py',
          config,
          String(clips),
          String(frames),
          String(threads),
        ],
        { encoding: 'utf8' },
      );
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !line.startsWith('{')) {
        console.error(`torch reference skipped: ${r.stderr.trim().split('\n').pop() ?? ''}`);
        return reference;
      }
      const j = JSON.parse(line) as { trainMs: number; threads: number };
      reference.push({ config, trainMsPerClip: j.trainMs / clips, threads: j.threads });
    }
  return reference;
}

export interface RatioRound {
  round: number;
  backend: string;
  trainMsPerClip: number;
  /** PyTorch's best over its thread counts, timed right after the browser in the same round. */
  torchMsPerClip: number;
  torchThreads: number;
}

/**
 * The full-size training step of one backend and PyTorch, alternated `rounds` times, so that
 * the ratio is measured on the same machine state each time (the VM here drifts by 1.5x and more
 * within an hour, and not by the same factor for both).
 */
export async function ratioRounds(
  page: Page,
  backend: DebugBackend,
  rounds: number,
  full: { clips: number; frames: number },
  threadCounts: readonly number[],
): Promise<RatioRound[]> {
  const out: RatioRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const r = await benchOne(page, {
      backend,
      config: 'full',
      clips: full.clips,
      frames: full.frames,
      reps: 2,
      train: true,
    });
    const best = torchReference(threadCounts, full.frames, ['full'], full.clips).sort(
      (a, b) => a.trainMsPerClip - b.trainMsPerClip,
    )[0];
    if (!best || r.trainMsPerClip === null) break;
    out.push({
      round,
      backend,
      trainMsPerClip: r.trainMsPerClip,
      torchMsPerClip: best.trainMsPerClip,
      torchThreads: best.threads,
    });
    console.error(
      `  round ${round}: ${backend} ${r.trainMsPerClip.toFixed(0)} ms, pytorch ${best.trainMsPerClip.toFixed(0)} ms`,
    );
  }
  return out;
}

/** One row per round, then the median and the worst ratio. */
export function ratioRoundRows(rounds: readonly RatioRound[]): string[][] {
  const rows = rounds.map((r) => [
    String(r.round),
    fixed(r.trainMsPerClip, 0),
    `${fixed(r.torchMsPerClip, 0)} (${r.torchThreads})`,
    fixed(r.trainMsPerClip / r.torchMsPerClip, 2),
  ]);
  const ratios = rounds.map((r) => r.trainMsPerClip / r.torchMsPerClip).sort((a, b) => a - b);
  if (ratios.length === 0) return rows;
  const mid = ratios.length / 2;
  const median =
    ratios.length % 2 === 1
      ? (ratios[Math.floor(mid)] ?? NaN)
      : ((ratios[mid - 1] ?? NaN) + (ratios[mid] ?? NaN)) / 2;
  rows.push(['median', '', '', fixed(median, 2)]);
  rows.push(['worst', '', '', fixed(ratios[ratios.length - 1] ?? NaN, 2)]);
  return rows;
}

/** Training time per clip of each backend (and PyTorch) as a ratio to the fastest. */
export function relativeTrainRows(
  results: readonly ModelBenchResult[],
  reference: readonly TorchReference[],
): string[][] {
  const out: string[][] = [];
  for (const config of ['tiny', 'full'] as const) {
    const rows = [
      ...results
        .filter((r) => r.config === config && r.trainMsPerClip !== null)
        .map((r) => ({ name: r.backend, ms: r.trainMsPerClip ?? NaN })),
      ...reference
        .filter((r) => r.config === config)
        .map((r) => ({ name: `pytorch cpu (${r.threads} threads)`, ms: r.trainMsPerClip })),
    ].sort((a, b) => a.ms - b.ms);
    const fastest = rows[0]?.ms ?? NaN;
    for (const r of rows) out.push([config, r.name, fixed(r.ms, 0), fixed(r.ms / fastest, 2)]);
  }
  return out;
}

export async function memoryTrace(
  page: Page,
  backend: DebugBackend,
  model: ModelConfigInput,
  clips: number,
  frames: number,
  steps: number,
): Promise<MemoryTrace> {
  return page.evaluate(
    (a) =>
      window.__ferModel?.memoryTrace(a.backend, a.model, a.clips, a.frames, a.steps) ??
      Promise.reject(new Error('no hook')),
    { backend, model, clips, frames, steps },
  );
}

export async function clipLatency(
  page: Page,
  backend: DebugBackend,
  model: ModelConfigInput,
  frames: number,
  reps: number,
): Promise<ClipLatency> {
  return page.evaluate(
    (o) => window.__ferModel?.clipLatency(o) ?? Promise.reject(new Error('no hook')),
    { backend, model, frames, reps },
  );
}
