/**
 * WebGPU dispatches per training step and per eval forward, by program: `npx tsx
 * scripts/bench/kernel-counts.ts [--configs tiny,mid] [--frames N] [--modes tfjs,fused]
 * [--reps N]` (default tiny,mid; 2 frames; tfjs,fused; 2 reps). Runs on Dawn in Node (scripts/lib/nodeWebgpu.ts; SwiftShader here). Every
 * `runWebGPUProgram` call of the backend is one compute dispatch; the wrapper counts them by the
 * program's class name. With several kernel modes (src/model/kernels.ts) all run in this one
 * process on one model, interleaved, best of `reps` each, so their rows are comparable. Timings on SwiftShader (a CPU) do not predict a GPU: a
 * dispatch costs far more there, relative to arithmetic, than on a real GPU.
 *
 * Configs: tiny = the tiny preset (32 px, width 1/16); mid = the paper's widths at 64 px.
 */
import * as tf from '@tensorflow/tfjs';
import { clipInput } from '../../src/automation/model/bench';
import { trainStep } from '../../src/automation/model/trainStep';
import { createAdam } from '../../src/compute/fusedAdam';
import { type ModelConfigInput, TINY_OVERRIDES, mergeConfig } from '../../src/model/config';
import { type KernelMode, setKernelMode } from '../../src/model/kernels';
import { createModel, disposeForwardOutput, disposeModel, forward } from '../../src/model/model';
import { describeNodeAdapter, initNodeWebgpu } from '../lib/nodeWebgpu';
import { markdownTable, optionValue } from './report';

const argv = process.argv.slice(2);
const configs = (optionValue(argv, 'configs') ?? 'tiny,mid').split(',');
const frames = Number(optionValue(argv, 'frames') ?? 2);
const reps = Number(optionValue(argv, 'reps') ?? 2);
const modes = (optionValue(argv, 'modes') ?? 'tfjs,fused').split(',') as KernelMode[];

const CONFIGS: Record<string, ModelConfigInput> = {
  tiny: TINY_OVERRIDES,
  mid: mergeConfig({}, { backbone: { inputSize: 64 } }),
};

const rt = await initNodeWebgpu();
console.log(describeNodeAdapter(rt.adapter));
/** The one method of tfjs-backend-webgpu's WebGPUBackend that every dispatch goes through. */
interface ProgramRunner {
  runWebGPUProgram(program: { shaderKey: string }, ...rest: unknown[]): unknown;
}
const backend = tf.backend() as unknown as ProgramRunner;
const counts = new Map<string, number>();
const original = backend.runWebGPUProgram.bind(backend);
backend.runWebGPUProgram = (program, ...rest) => {
  // tfjs's programs are classes; ours (src/compute/webgpu*.ts) plain objects named by shaderKey.
  const cls = program.constructor.name;
  const name = cls === 'Object' ? program.shaderKey : cls;
  counts.set(name, (counts.get(name) ?? 0) + 1);
  return original(program, ...rest);
};

interface Measure {
  dispatches: number;
  byProgram: Map<string, number>;
  ms: number;
}

/** Counts `fn`'s dispatches and times it (the caller warms it up first). */
async function once(fn: () => Promise<void>): Promise<Measure> {
  counts.clear();
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  const byProgram = new Map(counts);
  const dispatches = [...byProgram.values()].reduce((a, b) => a + b, 0);
  return { dispatches, byProgram, ms };
}

const rows: string[][] = [];
const detail: { label: string; m: Measure }[] = [];
// 'eval forward' right after a step refolds the changed weights (fused mode); 'eval again' is
// repeated clip inference on unchanged weights (the folded weights cached).
const PASSES = ['train step', 'eval forward', 'eval again'] as const;
for (const name of configs) {
  const cfg = CONFIGS[name];
  if (!cfg) throw new Error(`unknown config ${name} (tiny, mid)`);
  const model = createModel(cfg);
  const size = model.config.backbone.inputSize;
  const x = clipInput([1, frames, size, size, 9], 5);
  const y = tf.oneHot(tf.tensor1d([1], 'int32'), model.config.numClasses).toFloat();
  const optimizer = createAdam(1e-4);
  const evalForward = async () => {
    const o = forward(model, x);
    await o.logits.data();
    disposeForwardOutput(o);
  };
  const run: Record<(typeof PASSES)[number], () => Promise<void>> = {
    'train step': async () => {
      const loss = trainStep(model, optimizer, x, y as tf.Tensor2D, { dropoutSeed: 1 });
      await loss.data();
      loss.dispose();
    },
    'eval forward': evalForward,
    'eval again': evalForward,
  };
  // Modes interleaved, best of `reps`: other jobs share this machine's cores.
  const best = new Map<string, Measure>();
  for (const mode of modes) {
    setKernelMode(mode);
    for (const pass of PASSES) await run[pass](); // warm-up: shader compilation
  }
  for (let i = 0; i < reps; i++)
    for (const mode of modes) {
      setKernelMode(mode);
      for (const pass of PASSES) {
        const m = await once(run[pass]);
        const key = `${mode}|${pass}`;
        const prev = best.get(key);
        if (!prev || m.ms < prev.ms) best.set(key, m);
      }
    }
  for (const pass of PASSES)
    for (const mode of modes) {
      const m = best.get(`${mode}|${pass}`);
      if (!m) continue;
      rows.push([name, `1 x ${frames}`, mode, pass, String(m.dispatches), m.ms.toFixed(0)]);
      detail.push({ label: `${name} ${mode} ${pass}`, m });
    }
  optimizer.dispose();
  tf.dispose([x, y]);
  disposeModel(model);
}
setKernelMode('auto');
console.log(
  markdownTable(['config', 'clips x frames', 'kernels', 'pass', 'dispatches', 'ms'], rows),
);
for (const { label, m } of detail) {
  console.log(`\n${label}: ${m.dispatches} dispatches`);
  const top = [...m.byProgram.entries()].sort((a, b) => b[1] - a[1]);
  console.log(
    markdownTable(
      ['program', 'dispatches'],
      top.map(([p, c]) => [p, String(c)]),
    ),
  );
}
