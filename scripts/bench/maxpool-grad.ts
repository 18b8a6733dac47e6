/**
 * Milliseconds per max-pool gradient call on Node's wasm backend (the SIMD binary, one thread):
 * `npx tsx scripts/bench/maxpool-grad.ts`. For the stem pool (3x3, stride 2, pad 1) of
 * [8, 112, 112, 32] (1 clip x 8 frames) and [2, 112, 112, 32], FerMaxPoolGrad as the WebAssembly
 * SIMD function and as its JavaScript loop (src/compute/rawKernels.ts), and the substitute
 * built from forward kernels (`maxPoolGradByTaps`, src/compute/maxPoolGrad.ts); best of 5
 * after a warm-up, with the largest difference of each from the JavaScript loop's result.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { maxPoolGradByTaps } from '../../src/compute/maxPoolGrad';
import {
  hasMaxPoolSimd,
  installRawKernels,
  MAX_POOL_GRAD,
  setMaxPoolSimdEnabled,
} from '../../src/compute/rawKernels';
import { installWasmKernels } from '../../src/compute/wasmKernels';

const RUNS = 5;
const [K, S, P] = [3, 2, 1];

installWasmKernels();
installRawKernels();
if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
if (!hasMaxPoolSimd()) throw new Error('the SIMD max-pool module is not available');

/** Best of RUNS (after one warm-up; wasm kernels run synchronously) and the result's values. */
function time(f: () => tf.Tensor): { ms: number; values: Float32Array } {
  f().dispose();
  let ms = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const out = f();
    ms = Math.min(ms, performance.now() - t);
    out.dispose();
  }
  const out = f();
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return { ms, values };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return d;
}

console.log(`max-pool gradient, ${K}x${K}/${S} pad ${P}, Node wasm; ms per call, best of ${RUNS}`);
for (const n of [8, 2]) {
  const shape: [number, number, number, number] = [n, 112, 112, 32];
  const x = tf.relu(tf.randomNormal<tf.Rank.R4>(shape, 0, 1, 'float32', 1));
  const y = tf.maxPool(x, K, S, P);
  const dy = tf.randomNormal<tf.Rank.R4>(y.shape, 0, 1, 'float32', 2);
  const attrs = { filterSize: K, strides: S, pad: P };
  const kernel = (): tf.Tensor => tf.engine().runKernel<tf.Tensor>(MAX_POOL_GRAD, { dy, x }, attrs);
  const simd = time(kernel);
  setMaxPoolSimdEnabled(false);
  const js = time(kernel);
  setMaxPoolSimdEnabled(true);
  const taps = time(() => maxPoolGradByTaps(dy, x, y, K, S, P));
  console.log(`  [${shape.join(', ')}] -> [${y.shape.join(', ')}]`);
  console.log(
    `    SIMD  ${simd.ms.toFixed(2)} ms  (max |SIMD - JS| ${maxDiff(simd.values, js.values)})`,
  );
  console.log(`    JS    ${js.ms.toFixed(2)} ms`);
  console.log(
    `    taps  ${taps.ms.toFixed(2)} ms  (max |taps - JS| ${maxDiff(taps.values, js.values)})`,
  );
  tf.dispose([x, y, dy]);
}
