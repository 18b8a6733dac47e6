import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { restoreOptimizer, snapshotOptimizer } from '../train/loop/snapshot';
import { createAdam, FusedAdamOptimizer } from './fusedAdam';
import { mulberry32 } from './random';
import { relErr } from '../automation/compute/relErr';

// The fused Adam against tf.train.adam, on WASM and on CPU. Stated tolerance, per tensor:
// max |fused - stock| / max |stock| <= 1e-6. On WASM the SIMD kernel does the stock kernels'
// float32 operations and is bit-exact (observed difference 0); on CPU the loop computes in
// float64 and rounds once per stored value (observed <= 1 float32 ulp, ~1e-7 relative).
const REL_TOL = 1e-6;

/** Sizes 180, 5, 21, 1, 48: not all multiples of 4, so the SIMD kernel's tail is covered. */
const SHAPES: number[][] = [[3, 3, 4, 5], [5], [7, 3], [1], [2, 3, 1, 4, 2]];
const STEPS = 5;

type Adam = tf.AdamOptimizer & { learningRate: number };
/** The parent's parameter type (a map is typed as variables, but gradients are tensors). */
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

function values(shape: number[], seed: number, scale: number): Float32Array {
  const r = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => (2 * r() - 1) * scale);
}

/** The same seeded starting values on every call. */
function makeVariables(): tf.Variable[] {
  return SHAPES.map((s, i) => {
    const t = tf.tensor(values(s, 100 + i, 1), s);
    const v = tf.variable(t);
    t.dispose(); // else t shares the variable's memory (refCount 2)
    return v;
  });
}

/** Seeded gradients of `step`, as a map or as NamedTensor[] (both forms are accepted). */
function gradients(
  vars: tf.Variable[],
  step: number,
  asArray: boolean,
): { arg: Gradients; dispose: () => void } {
  const tensors = vars.map((v, i) => tf.tensor(values(v.shape, 1000 * step + i, 0.1), v.shape));
  const arg = asArray
    ? vars.map((v, i) => ({ name: v.name, tensor: tensors[i] as tf.Tensor }))
    : (Object.fromEntries(vars.map((v, i) => [v.name, tensors[i] as tf.Tensor])) as Gradients);
  return { arg, dispose: () => tf.dispose(tensors) };
}

/** One step of `opt` on `vars` with the gradients of `step` (lr changes from step 3 on). */
function step(opt: tf.AdamOptimizer, vars: tf.Variable[], s: number): void {
  (opt as Adam).learningRate = s >= 3 ? 0.003 : 0.01;
  const g = gradients(vars, s, s % 2 === 0);
  opt.applyGradients(g.arg);
  g.dispose();
}

async function expectClose(got: tf.Tensor[], want: tf.Tensor[]): Promise<void> {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as tf.Tensor;
    const w = want[i] as tf.Tensor;
    expect(g.shape).toEqual(w.shape);
    expect(relErr(await g.data<'float32'>(), await w.data<'float32'>())).toBeLessThanOrEqual(
      REL_TOL,
    );
  }
}

/** getWeights() without the fresh 'iter' scalar (disposed), plus the iteration count. */
async function state(opt: tf.AdamOptimizer): Promise<{ iter: number; tensors: tf.Tensor[] }> {
  const [iter, ...rest] = await opt.getWeights();
  const n = (await iter?.tensor.data())?.[0] ?? NaN;
  iter?.tensor.dispose();
  return { iter: n, tensors: rest.map((w) => w.tensor) };
}

describe.each(['wasm', 'cpu'])('fused Adam on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('matches tf.train.adam over 5 steps, learning-rate changes included, leaking nothing', async () => {
    const stockVars = makeVariables();
    const fusedVars = makeVariables();
    const stock = tf.train.adam(0.01);
    const fused = new FusedAdamOptimizer(0.01);
    expect(fused).toBeInstanceOf(tf.AdamOptimizer);
    const made = createAdam(0.01);
    expect(made).toBeInstanceOf(FusedAdamOptimizer);
    made.dispose();
    expect(fused.getConfig()).toEqual(stock.getConfig());
    let tensors = -1;
    for (let s = 0; s < STEPS; s++) {
      step(stock, stockVars, s);
      step(fused, fusedVars, s);
      expect(fused.lastFallbacks).toBe(0);
      // Step 0 creates the moments; after it the count stays the same.
      if (s === 0) tensors = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(tensors);
    }
    await expectClose(fusedVars, stockVars);
    const [a, b] = [await state(fused), await state(stock)];
    expect(a.iter).toBe(STEPS);
    expect(b.iter).toBe(STEPS);
    expect(a.tensors.length).toBe(2 * SHAPES.length);
    await expectClose(a.tensors, b.tensors);
    // Same names and order as the parent's: every variable's /m, then every variable's /v.
    const names = (await fused.getWeights()).map((w) => w.name);
    expect(names.slice(1)).toEqual([
      ...fusedVars.map((v) => `${v.name}/m`),
      ...fusedVars.map((v) => `${v.name}/v`),
    ]);
    stock.dispose();
    fused.dispose();
    tf.dispose([...stockVars, ...fusedVars]);
  });

  it('a snapshot of either restores into the other and training continues the same', async () => {
    const refVars = makeVariables();
    const ref = tf.train.adam(0.01);
    for (let s = 0; s < STEPS; s++) step(ref, refVars, s);

    // fused for 2 steps, then stock from its snapshot; and the other way round.
    const aVars = makeVariables();
    const bVars = makeVariables();
    const fusedFirst = createAdam(0.01);
    const stockFirst = tf.train.adam(0.01);
    for (let s = 0; s < 2; s++) {
      step(fusedFirst, aVars, s);
      step(stockFirst, bVars, s);
    }
    const stockThen = tf.train.adam(0.01);
    const fusedThen = new FusedAdamOptimizer(0.01);
    await restoreOptimizer(stockThen, await snapshotOptimizer(fusedFirst));
    await restoreOptimizer(fusedThen, await snapshotOptimizer(stockFirst));
    for (let s = 2; s < STEPS; s++) {
      step(stockThen, aVars, s);
      step(fusedThen, bVars, s);
      expect(fusedThen.lastFallbacks).toBe(0);
    }
    await expectClose(aVars, refVars);
    await expectClose(bVars, refVars);
    const want = await state(ref);
    for (const opt of [stockThen, fusedThen]) {
      const got = await state(opt);
      expect(got.iter).toBe(STEPS);
      await expectClose(got.tensors, want.tensors);
    }
    for (const opt of [ref, fusedFirst, stockFirst, stockThen, fusedThen]) opt.dispose();
    tf.dispose([...refVars, ...aVars, ...bVars]);
  });

  it('memory shared with a variable or a moment (refCount > 1) keeps its values; the update is right', async () => {
    const stockVars = makeVariables();
    const fusedVars = makeVariables();
    const stock = tf.train.adam(0.01);
    const fused = new FusedAdamOptimizer(0.01);
    // A reshape shares its input's dataId (no copy).
    const aliasVar = tf.reshape(fusedVars[0] as tf.Tensor, [-1]);
    const beforeVar = (await aliasVar.data<'float32'>()).slice();
    let aliasMoment: tf.Tensor | null = null;
    let beforeMoment = new Float32Array();
    for (let s = 0; s < STEPS; s++) {
      step(stock, stockVars, s);
      step(fused, fusedVars, s);
      // The variable is never written in place; the shared moment goes the stock way once,
      // which gives it a buffer of its own.
      expect(fused.lastFallbacks).toBe(s === 2 ? 1 : 0);
      if (s === 1) {
        const [iter, m1] = await fused.getWeights();
        iter?.tensor.dispose();
        aliasMoment = tf.reshape(m1?.tensor as tf.Tensor, [-1]);
        beforeMoment = (await aliasMoment.data<'float32'>()).slice();
      }
    }
    expect(Array.from(await aliasVar.data())).toEqual(Array.from(beforeVar));
    expect(Array.from((await aliasMoment?.data()) ?? [])).toEqual(Array.from(beforeMoment));
    tf.dispose([aliasVar, aliasMoment as tf.Tensor]);
    await expectClose(fusedVars, stockVars);
    await expectClose((await state(fused)).tensors, (await state(stock)).tensors);
    stock.dispose();
    fused.dispose();
    tf.dispose([...stockVars, ...fusedVars]);
  });
});
