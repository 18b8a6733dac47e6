/**
 * Milliseconds per Adam `applyGradients` on the full model, tfjs's `tf.train.adam` against
 * src/compute/fusedAdam.ts: `npx tsx scripts/bench/adam-step.ts [backend]` (default wasm; in
 * Node wasm is the SIMD binary, one thread). Two copies of the model (same seed, so the same
 * weights) get the same random gradients; each optimiser takes one warm-up step (it creates
 * the moments), then the best of 5 timed steps is printed, with the kernel calls of one step
 * and the largest difference between the two models' weights and moments at the end.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createAdam } from '../../src/compute/fusedAdam';
import { createModel, disposeModel } from '../../src/model/model';

const backend = process.argv[2] ?? 'wasm';
const STEPS = 5;

if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
const stockModel = createModel({});
const fusedModel = createModel({});
const stockVars = stockModel.params.trainable();
const fusedVars = fusedModel.params.trainable();
const params = stockVars.reduce((s, v) => s + v.size, 0);
const grads = stockVars.map((v, i) => tf.randomNormal(v.shape, 0, 1e-2, 'float32', 1000 + i));
/** applyGradients' parameter type (its map is typed as variables; gradients are tensors). */
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
const named = (vars: tf.Variable[]): Gradients =>
  Object.fromEntries(vars.map((v, i) => [v.name, grads[i] as tf.Tensor])) as Gradients;
const stockGrads = named(stockVars);
const fusedGrads = named(fusedVars);

const stock = tf.train.adam(1e-3);
const fused = createAdam(1e-3);

function timeStep(opt: tf.AdamOptimizer, g: Gradients): number {
  const t = performance.now();
  opt.applyGradients(g);
  return performance.now() - t;
}

timeStep(stock, stockGrads);
timeStep(fused, fusedGrads);
let stockMs = Infinity;
let fusedMs = Infinity;
for (let i = 0; i < STEPS; i++) {
  // Alternating, so both see the same machine load.
  stockMs = Math.min(stockMs, timeStep(stock, stockGrads));
  fusedMs = Math.min(fusedMs, timeStep(fused, fusedGrads));
}
const stockKernels = (await tf.profile(() => stock.applyGradients(stockGrads))).kernels.length;
const fusedKernels = (await tf.profile(() => fused.applyGradients(fusedGrads))).kernels.length;

/** Max |a - b| over the weights and over the optimisers' moments. */
async function maxDiff(a: tf.Tensor[], b: tf.Tensor[]): Promise<number> {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = await Promise.all([a[i]?.data(), b[i]?.data()]);
    if (!x || !y) throw new Error('missing tensor');
    for (let j = 0; j < x.length; j++) d = Math.max(d, Math.abs((x[j] ?? 0) - (y[j] ?? 0)));
  }
  return d;
}
const stockState = (await stock.getWeights()).map((w) => w.tensor);
const fusedState = (await fused.getWeights()).map((w) => w.tensor);
const weightsDiff = await maxDiff(stockVars, fusedVars);
const momentsDiff = await maxDiff(stockState.slice(1), fusedState.slice(1));

console.log(
  `Adam applyGradients on ${tf.getBackend()}, full model: ${stockVars.length} trainable variables, ` +
    `${(params / 1e6).toFixed(2)}M parameters; best of ${STEPS} after a warm-up`,
);
console.log(`  tf.train.adam  ${stockMs.toFixed(1)} ms  (${stockKernels} kernel calls)`);
console.log(`  fused          ${fusedMs.toFixed(1)} ms  (${fusedKernels} kernel calls)`);
console.log(
  `  after ${STEPS + 2} steps: max |stock - fused| weights ${weightsDiff}, moments ${momentsDiff}`,
);

tf.dispose([stockState[0], fusedState[0], ...grads].filter((t) => t !== undefined));
stock.dispose();
fused.dispose();
disposeModel(stockModel);
disposeModel(fusedModel);
