/**
 * Where a training step's time goes, per kernel: `npx tsx scripts/bench/profile-train-step.ts
 * [tiny|full] [frames] [backend]` (default full 2 wasm). Runs in Node (wasm: the SIMD binary, one
 * thread), one warm-up step, the best of two timed steps, then one step under tf.profile; prints the kernels by total time.
 * tf.profile times each kernel synchronously, so the total is close to the real step.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installMissingGradients } from '../../src/compute/wasmGrads';
import { createAdam } from '../../src/compute/fusedAdam';
import { installBnKernels } from '../../src/compute/bnKernels';
import { installRawKernels } from '../../src/compute/rawKernels';
import { installWasmKernels } from '../../src/compute/wasmKernels';
import { TINY_OVERRIDES } from '../../src/model/config';
import { createModel, disposeModel } from '../../src/model/model';
import { trainStep } from '../../src/automation/model/trainStep';

const config = process.argv[2] === 'tiny' ? 'tiny' : 'full';
const frames = Number(process.argv[3] ?? 2);
const backend = process.argv[4] ?? 'wasm';

// src/compute/backend.ts imports the .wasm files as Vite URLs, which tsx cannot load: the same
// two steps by hand (in Node tfjs finds the binaries itself).
installMissingGradients();
installWasmKernels();
installRawKernels();
installBnKernels();
if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
const model = createModel(config === 'tiny' ? TINY_OVERRIDES : {});
const size = model.config.backbone.inputSize;
const x = tf.randomUniform<tf.Rank.R5>([1, frames, size, size, 9], 0, 1, 'float32', 5);
const targets = tf.oneHot(tf.tensor1d([1], 'int32'), model.config.numClasses).toFloat();
const optimizer = createAdam(1e-4);
const step = async (seed: number) => {
  const loss = trainStep(model, optimizer, x, targets as tf.Tensor2D, { dropoutSeed: seed });
  await loss.data();
  loss.dispose();
};
await step(0);
let plainMs = Infinity; // the best of 2 steps: other jobs share this machine's cores
for (let i = 1; i <= 2; i++) {
  const t = performance.now();
  await step(i);
  plainMs = Math.min(plainMs, performance.now() - t);
}
const t0 = performance.now();
const info = await tf.profile(() => step(3));
const profiledMs = performance.now() - t0;
const byName = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += ms;
  e.calls += 1;
  byName.set(k.name, e);
}
const total = [...byName.values()].reduce((s, e) => s + e.ms, 0);
console.log(
  `${backend} ${config} 1 x ${frames}: step ${plainMs.toFixed(0)} ms (profiled ${profiledMs.toFixed(0)} ms, kernels ${total.toFixed(0)} ms, ${info.kernels.length} kernel calls)`,
);
console.log('| kernel | calls | ms | % |\n| --- | --- | --- | --- |');
for (const [name, e] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
  console.log(
    `| ${name} | ${e.calls} | ${e.ms.toFixed(0)} | ${((100 * e.ms) / total).toFixed(1)} |`,
  );
if (process.argv.includes('--conv')) {
  const cats = new Map<string, { ms: number; calls: number; gflop: number }>();
  for (const k of info.kernels) {
    if (k.name !== 'Conv2D') continue;
    const [xs, ws] = k.inputShapes;
    const os = k.outputShapes[0] as number[];
    const cat = (xs?.[3] ?? 0) === frames ? 'dW' : `k${ws?.[0]}`;
    const flop =
      (2 * os.reduce((a, b) => a * b, 1) * (ws?.[0] ?? 0) * (ws?.[1] ?? 0) * (ws?.[2] ?? 0)) / 1e9;
    const e = cats.get(cat) ?? { ms: 0, calls: 0, gflop: 0 };
    e.ms += Number(k.kernelTimeMs);
    e.calls += 1;
    e.gflop += flop;
    cats.set(cat, e);
  }
  for (const [c, e] of cats)
    console.log(
      `conv ${c}: ${e.calls} calls ${e.ms.toFixed(0)} ms ${e.gflop.toFixed(2)} GFLOP ${((e.gflop / e.ms) * 1000).toFixed(1)} GFLOP/s`,
    );
}
const callsArg = process.argv.find((a) => a.startsWith('--calls='));
if (callsArg !== undefined) {
  const name = callsArg.split('=')[1];
  const byShape = new Map<string, { calls: number; ms: number }>();
  for (const k of info.kernels.filter((k) => k.name === name)) {
    const key = JSON.stringify(k.inputShapes);
    const e = byShape.get(key) ?? { calls: 0, ms: 0 };
    e.calls += 1;
    e.ms += Number(k.kernelTimeMs);
    byShape.set(key, e);
  }
  for (const [key, e] of [...byShape.entries()]
    .sort((a, b) => b[1].calls - a[1].calls)
    .slice(0, 40))
    console.log(`${name} x${e.calls} ${e.ms.toFixed(1)} ms in ${key}`);
}
const topArg = process.argv.find((a) => a.startsWith('--top'));
if (topArg !== undefined)
  for (const k of [...info.kernels]
    .filter((k) => !topArg.includes('=') || k.name === topArg.split('=')[1])
    .sort((a, b) => Number(b.kernelTimeMs) - Number(a.kernelTimeMs))
    .slice(0, topArg.includes('=') ? 12 : 30))
    console.log(
      `${k.name} ${Number(k.kernelTimeMs).toFixed(1)} ms in ${JSON.stringify(k.inputShapes)} out ${JSON.stringify(k.outputShapes)}`,
    );
optimizer.dispose();
tf.dispose([x, targets]);
disposeModel(model);
