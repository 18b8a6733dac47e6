/**
 * Adam on the webgpu backend in three dispatches per variable instead of tfjs's fourteen
 * element-wise kernels (each a full pass over the tensor and a fresh buffer):
 *   m' = b1 m + (1 - b1) g,  v' = b2 v + (1 - b2) g^2   (one program each), and
 *   x' = x + (-lr) (m' / (1 - B1)) / (sqrt(v' / (1 - B2)) + eps)  (one program),
 * with B1, B2 the accumulated beta powers read on the GPU from the optimizer's own scalars (no
 * readback). Same float32 operations in the same order as tf.train.adam (a GPU compiler may fuse
 * a multiply-add, so not bit-exact: within 1e-6 relative per step). Every result is a new buffer
 * swapped in with `assign`, as the parent does. Used by FusedAdamOptimizer on webgpu when the
 * fused kernels are on (src/model/kernels.ts).
 *
 * The programs are run as ./webgpuProgram.ts describes.
 */
import * as tf from '@tensorflow/tfjs';
import { f32, flatProgram, runProgram, type Program } from './webgpuProgram';

const body = (code: string) => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${code}
        }
      }`;

/** b m + c g (first moment) or b m + c g^2 (second moment). */
function momentProgram(n: number, square: boolean): Program {
  const g = square ? 'G[index] * G[index]' : 'G[index]';
  return flatProgram(
    n,
    `fer_adam_moment_${square ? 'v' : 'm'}`,
    ['M', 'G'],
    'beta : f32, oneMinusBeta : f32,',
    body(`setOutputAtIndex(index, M[index] * uniforms.beta + (${g}) * uniforms.oneMinusBeta);`),
  );
}

/** x + (-lr) (m / (1 - B1)) / (sqrt(v / (1 - B2)) + eps), B1 and B2 from 1-element inputs. */
function valueProgram(n: number): Program {
  return flatProgram(
    n,
    'fer_adam_value',
    ['X', 'M', 'V', 'AB1', 'AB2'],
    'eps : f32, negLr : f32,',
    body(`let mHat = M[index] / (1.0 - AB1[0]);
          let vHat = V[index] / (1.0 - AB2[0]);
          setOutputAtIndex(index, mHat / (sqrt(vHat) + uniforms.eps) * uniforms.negLr + X[index]);`),
  );
}

export interface AdamHyper {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/**
 * One variable's Adam update on webgpu: assigns the new m, v and value (inside the caller's
 * tidy). accBeta1/accBeta2 are the optimizer's accumulated powers before this step.
 */
export function webgpuAdamUpdate(
  value: tf.Variable,
  m: tf.Variable,
  v: tf.Variable,
  gradient: tf.Tensor,
  accBeta1: tf.Tensor,
  accBeta2: tf.Tensor,
  h: AdamHyper,
): void {
  const n = value.size;
  const run = (p: Program, inputs: tf.Tensor[], u: number[]) =>
    runProgram(
      p,
      inputs,
      u.map((d) => f32(d)),
    );
  const newM = run(momentProgram(n, false), [m, gradient], [h.beta1, 1 - h.beta1]);
  const newV = run(momentProgram(n, true), [v, gradient], [h.beta2, 1 - h.beta2]);
  const newX = run(
    valueProgram(n),
    [value, newM, newV, accBeta1, accBeta2],
    [h.epsilon, -h.learningRate],
  );
  m.assign(newM.reshape(m.shape));
  v.assign(newV.reshape(v.shape));
  value.assign(newX.reshape(value.shape));
}

/** tf.AdamOptimizer's private state, by the names of tfjs 4.22's adam_optimizer.js. */
export interface AdamStateLike {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * Variable i's first and second moments, created (zeros, named `<var>/m`, `<var>/v`) on its first
 * update, as tf.AdamOptimizer does; shared by the WASM/CPU and the WebGPU update loops.
 */
export function adamMoments(
  state: AdamStateLike,
  i: number,
  varName: string,
  value: tf.Variable,
): [tf.Variable, tf.Variable] {
  const first = (state.accumulatedFirstMoment[i] ??= {
    originalName: `${varName}/m`,
    variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
  });
  const second = (state.accumulatedSecondMoment[i] ??= {
    originalName: `${varName}/v`,
    variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
  });
  return [first.variable, second.variable];
}

/**
 * The parent's applyGradients loop with each variable's update as `webgpuAdamUpdate`; moments
 * created and the accumulated powers updated exactly as the parent does (the caller increments
 * the iteration count).
 */
export function applyAdamWebgpu(
  state: AdamStateLike,
  variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0],
  hyper: AdamHyper,
): void {
  const registered = tf.engine().registeredVariables;
  const entries = Array.isArray(variableGradients)
    ? variableGradients.map((v) => [v.name, v.tensor] as const)
    : Object.entries(variableGradients);
  tf.tidy(() => {
    entries.forEach(([varName, gradient], i) => {
      const value = registered[varName];
      if (!value) throw new Error(`applyGradients: no variable named ${varName}`);
      const [m, v] = adamMoments(state, i, varName, value);
      webgpuAdamUpdate(value, m, v, gradient, state.accBeta1, state.accBeta2, hyper);
    });
    state.accBeta1.assign(tf.mul(state.accBeta1, hyper.beta1));
    state.accBeta2.assign(tf.mul(state.accBeta2, hyper.beta2));
  });
}
