/**
 * `npm run bench:model -- --runtime node-webgpu`: the model benchmark without a browser, on Dawn
 * in Node (scripts/lib/nodeWebgpu.ts). Same measurements as the in-page hook (it calls the same
 * src/automation/model/bench.ts runBench / clipLatency on the same src/model code): forward and
 * Adam training step per clip, frames/s, peak tfjs memory, the profiled step's slowest kernels,
 * and one clip's inference latency. For GPU servers, where Chromium with a hardware GPU is
 * impractical; the browser stays the default runtime.
 *
 * Options: --tiny (the tiny config only; what CI and SwiftShader can afford)
 *          --full-clips N --full-frames N (full-size step; default 1 x 2)
 *          --clip-frames N (clip inference; default 16)   --reps N (default 2)
 *          --no-full-train   --json FILE
 */
import { writeFileSync } from 'node:fs';
import type { ClipLatency, ModelBenchResult } from '../../src/automation/model/api';
import { describeNodeAdapter, initNodeWebgpu, type NodeAdapterReport } from '../lib/nodeWebgpu';
import { MODEL_HEADERS, modelRow } from './model';
import { fixed, markdownTable, optionValue } from './report';

export interface NodeBenchPlan {
  tiny: boolean;
  fullClips: number;
  fullFrames: number;
  clipFrames: number;
  reps: number;
  fullTrain: boolean;
}

export interface NodeBenchReport {
  runtime: 'node-webgpu';
  node: string;
  adapter: NodeAdapterReport;
  results: ModelBenchResult[];
  clip: ClipLatency;
}

const positive = (v: string | undefined, fallback: number, name: string): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};

/** The plan from the command line (pure, so it can be tested). */
export function parseNodeBenchArgs(argv: readonly string[]): NodeBenchPlan {
  const opt = (name: string) => optionValue(argv, name);
  return {
    tiny: argv.includes('--tiny'),
    fullClips: positive(opt('full-clips'), 1, 'full-clips'),
    fullFrames: positive(opt('full-frames'), 2, 'full-frames'),
    clipFrames: positive(opt('clip-frames'), 16, 'clip-frames'),
    reps: positive(opt('reps'), 2, 'reps'),
    fullTrain: !argv.includes('--no-full-train'),
  };
}

/** One line for the clip-inference latency: warm-up, then the median of the timed runs. */
export function clipLine(c: ClipLatency): string {
  const sorted = [...c.ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return (
    `clip inference (${c.backend}, ${c.inputSize} px, 1 x ${c.frames} frames): ` +
    `${fixed(median, 0)} ms median (${fixed((1000 * c.frames) / median, 2)} frames/s), ` +
    `first run ${fixed(c.warmupMs, 0)} ms`
  );
}

export async function runNodeBench(plan: NodeBenchPlan): Promise<NodeBenchReport> {
  const { adapter } = await initNodeWebgpu();
  console.log(describeNodeAdapter(adapter));
  // After initNodeWebgpu: nothing of the model may load tfjs-backend-webgpu before navigator.gpu.
  const { clipLatency, runBench } = await import('../../src/automation/model/bench');
  const { TINY_OVERRIDES } = await import('../../src/model/config');
  console.log(`\n${markdownTable(MODEL_HEADERS, []).split('\n').slice(0, 2).join('\n')}`);
  const results: ModelBenchResult[] = [];
  const runs = [
    { config: 'tiny' as const, clips: 2, frames: 4, train: true },
    ...(plan.tiny
      ? []
      : [
          {
            config: 'full' as const,
            clips: plan.fullClips,
            frames: plan.fullFrames,
            train: plan.fullTrain,
          },
        ]),
  ];
  for (const r of runs) {
    const t0 = Date.now();
    const result = await runBench({ backend: 'webgpu', reps: plan.reps, ...r });
    results.push(result);
    console.log(markdownTable(MODEL_HEADERS, [modelRow(result)]).split('\n')[2]);
    console.error(`  ${r.config}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (result.trainKernels)
      console.error(
        `  profiled step, by kernel: ${result.trainKernels.map((k) => `${k.name} ${k.ms.toFixed(0)} ms (${k.calls})`).join(', ')}`,
      );
  }
  const clip = await clipLatency({
    backend: 'webgpu',
    model: plan.tiny ? TINY_OVERRIDES : {},
    frames: plan.clipFrames,
    reps: plan.reps,
  });
  console.log(`\n${clipLine(clip)}`);
  return { runtime: 'node-webgpu', node: process.version, adapter, results, clip };
}

/** The CLI entry (from scripts/bench-model.ts). */
export async function nodeBenchMain(argv: readonly string[]): Promise<void> {
  const t0 = Date.now();
  const report = await runNodeBench(parseNodeBenchArgs(argv));
  console.log(`\nTotal ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
  const json = optionValue(argv, 'json');
  if (json) writeFileSync(json, JSON.stringify(report, null, 2));
}
