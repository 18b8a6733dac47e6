/**
 * The grouped convolution on webgpu, per group (src/model/groupedConv.ts
 * `groupedConv2dPerGroup`: the backbone's path) against one dispatch over all groups
 * (src/compute/webgpuGroupedConv.ts), forward + gradients, best of 3 after a warm-up:
 * `npx tsx scripts/bench/grouped-conv.ts`. Runs on Dawn in Node (scripts/lib/nodeWebgpu.ts;
 * SwiftShader here, whose timings do not predict a GPU). The first convolution's row asks only
 * for the kernel's gradient, as training does (its input is the image).
 */
import * as tf from '@tensorflow/tfjs';
import { groupedConv2dWebgpu } from '../../src/compute/webgpuGroupedConv';
import { groupedConv2dPerGroup } from '../../src/model/groupedConv';
import { describeNodeAdapter, initNodeWebgpu } from '../lib/nodeWebgpu';
import { markdownTable } from './report';

const rt = await initNodeWebgpu();
console.log(describeNodeAdapter(rt.adapter));
interface ProgramRunner {
  runWebGPUProgram(program: unknown, ...rest: unknown[]): unknown;
}
const backend = tf.backend() as unknown as ProgramRunner;
const original = backend.runWebGPUProgram.bind(backend);
let dispatches = 0;
backend.runWebGPUProgram = (program, ...rest) => {
  dispatches += 1;
  return original(program, ...rest);
};

interface Layer {
  label: string;
  n: number;
  size: number;
  cinG: number;
  coutG: number;
  k: number;
  strides: number;
  /** Only the kernel's gradient (the first convolution). */
  kernelOnly: boolean;
}
const LAYERS: Layer[] = [
  {
    label: 'conv1-like 7x7/2',
    n: 2,
    size: 56,
    cinG: 3,
    coutG: 32,
    k: 7,
    strides: 2,
    kernelOnly: true,
  },
  {
    label: 'stage1-like 3x3',
    n: 4,
    size: 28,
    cinG: 32,
    coutG: 32,
    k: 3,
    strides: 1,
    kernelOnly: false,
  },
  {
    label: 'stage3-like 3x3',
    n: 2,
    size: 14,
    cinG: 128,
    coutG: 128,
    k: 3,
    strides: 1,
    kernelOnly: false,
  },
];

const rows: (string | number)[][] = [];
for (const l of LAYERS) {
  const pad = (l.k - 1) / 2;
  const x = tf.randomUniform<tf.Rank.R4>([l.n, l.size, l.size, 3 * l.cinG]);
  const xs = [0, 1, 2].map(() => tf.randomUniform<tf.Rank.R4>([l.n, l.size, l.size, l.cinG]));
  const w = tf.randomUniform<tf.Rank.R4>([l.k, l.k, l.cinG, 3 * l.coutG]);
  const opts = { groups: 3, strides: l.strides, pad };
  const perGroup = (ins: tf.Tensor4D[], k: tf.Tensor4D) =>
    tf.addN(groupedConv2dPerGroup(ins, k, opts).map((y) => tf.sum(y)));
  const variants: Record<string, () => tf.Tensor[]> = {
    'per group': () =>
      l.kernelOnly
        ? [tf.grad((k: tf.Tensor) => perGroup(xs, k as tf.Tensor4D))(w)]
        : tf.grads((...t: tf.Tensor[]) =>
            perGroup(t.slice(0, 3) as tf.Tensor4D[], t[3] as tf.Tensor4D),
          )([...xs, w]),
    'one dispatch': () =>
      l.kernelOnly
        ? [tf.grad((k: tf.Tensor) => tf.sum(groupedConv2dWebgpu(x, k as tf.Tensor4D, opts)))(w)]
        : tf.grads((a: tf.Tensor, k: tf.Tensor) =>
            tf.sum(groupedConv2dWebgpu(a as tf.Tensor4D, k as tf.Tensor4D, opts)),
          )([x, w]),
  };
  for (const [name, run] of Object.entries(variants)) {
    const once = async () => {
      dispatches = 0;
      const t = performance.now();
      const outs = run();
      await Promise.all(outs.map((o) => o.data()));
      const ms = performance.now() - t;
      tf.dispose(outs);
      return { ms, dispatches };
    };
    await once(); // compiles
    const r = [await once(), await once(), await once()];
    const best = Math.min(...r.map((q) => q.ms));
    rows.push([l.label, name, best.toFixed(0), r[0]?.dispatches ?? 0]);
  }
  tf.dispose([x, ...xs, w]);
}
console.log(markdownTable(['layer', 'grouped conv', 'ms (best of 3)', 'dispatches'], rows));
