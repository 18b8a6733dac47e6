/**
 * Milliseconds for training-mode batch norm's forward and backward pass on Node's wasm backend
 * (the SIMD binary, one thread): `npx tsx scripts/bench/batchnorm-step.ts`. For [2, 112, 112, 32]
 * and [8, 56, 56, 32], `batchNormTraining` (src/model/batchNorm.ts) with the fused SIMD kernels
 * (src/compute/bnKernels.ts) and without them (the stock-kernel host path); a fresh input and
 * output gradient each rep (made outside the timing), best of 5 after a warm-up, with the largest
 * relative difference of y and dx between the two.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  hasBatchNormSimd,
  installBnKernels,
  setBatchNormSimdEnabled,
} from '../../src/compute/bnKernels';
import { installRawKernels } from '../../src/compute/rawKernels';
import { installWasmKernels } from '../../src/compute/wasmKernels';
import { batchNormTraining } from '../../src/model/batchNorm';

const RUNS = 5;

installWasmKernels();
installRawKernels();
installBnKernels();
if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
if (!hasBatchNormSimd()) throw new Error('the SIMD batch norm kernels are not available');

type Shape = [number, number, number, number];

/** y and dx of one forward and backward pass; ms of the forward alone and of both. */
function step(shape: Shape, seed: number): { fwd: number; both: number; out: Float32Array[] } {
  const c = shape[3];
  const x = tf.tidy(() => tf.add<tf.Tensor4D>(tf.randomNormal(shape, 0, 1, 'float32', seed), 3));
  const dy = tf.randomNormal<tf.Rank.R4>(shape, 0, 1, 'float32', seed + 1);
  const g = tf.randomNormal<tf.Rank.R1>([c], 1, 0.3, 'float32', 7);
  const b = tf.randomNormal<tf.Rank.R1>([c], 0, 1, 'float32', 8);
  let t = performance.now();
  const y = batchNormTraining(x, g, b, 1e-5);
  const fwd = performance.now() - t;
  y.dispose();
  const f = (a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
    batchNormTraining(a as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5);
  t = performance.now();
  const { value, grads } = tf.valueAndGrads(f)([x, g, b], dy);
  const both = performance.now() - t; // wasm kernels run synchronously
  const out = [value, grads[0]].map((v) => v?.dataSync() as Float32Array);
  tf.dispose([x, dy, g, b, value, ...grads]);
  return { fwd, both, out };
}

function best(shape: Shape, simd: boolean): { fwd: number; both: number; out: Float32Array[] } {
  const was = setBatchNormSimdEnabled(simd);
  try {
    step(shape, 1);
    let [fwd, both] = [Infinity, Infinity];
    for (let i = 0; i < RUNS; i++) {
      const r = step(shape, 10 + 2 * i);
      fwd = Math.min(fwd, r.fwd);
      both = Math.min(both, r.both);
    }
    return { fwd, both, out: step(shape, 3).out };
  } finally {
    setBatchNormSimdEnabled(was);
  }
}

function relDiff(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (!a || !b) return NaN;
  let [d, s] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
    s = Math.max(s, Math.abs(b[i] ?? NaN));
  }
  return d / s;
}

console.log(`batchNormTraining, Node wasm (1 thread); ms, best of ${RUNS}, fresh input each rep`);
for (const shape of [
  [2, 112, 112, 32],
  [8, 56, 56, 32],
] as Shape[]) {
  const simd = best(shape, true);
  const stock = best(shape, false);
  const diff = [0, 1].map((k) => relDiff(simd.out[k], stock.out[k]).toExponential(1));
  console.log(`  [${shape.join(', ')}]  (max rel. difference y ${diff[0]}, dx ${diff[1]})`);
  for (const [name, r] of [
    ['SIMD ', simd],
    ['stock', stock],
  ] as const)
    console.log(
      `    ${name}  forward ${r.fwd.toFixed(2)} ms, forward + backward ${r.both.toFixed(2)} ms`,
    );
}
