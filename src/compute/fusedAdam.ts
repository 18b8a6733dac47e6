/**
 * Adam as one pass over memory per variable, for the backends whose tensors live in memory
 * that JavaScript can index (WASM: the module's heap; CPU: plain typed arrays).
 *
 * `tf.train.adam` costs ~14 element-wise kernels per variable per step (each a full pass over
 * the tensor plus a fresh output); on our full model that is ~1,260 kernel calls and ~130 ms
 * per step on WASM. Here each variable's update is one loop that reads the gradient and the
 * variable, rewrites the two moments in place and writes the new value to a new buffer, which
 * replaces the variable's with `assign` (as the parent does: the WASM backend caches packed
 * convolution filters by dataId, so a variable must not change under the same dataId). On
 * WASM the loop is a small hand-assembled WebAssembly SIMD function over the backend's own
 * memory, doing the stock kernels' float32 operations: bit-exact with `tf.train.adam`. On CPU
 * (or WASM without SIMD) it is a JS loop in float64, within ~1 float32 ulp per step.
 *
 * It is a subclass of `tf.AdamOptimizer` with the same state: the moments are created exactly
 * as the parent creates them (`zerosLike(variable).variable(false)`, named `<name>/m` and
 * `<name>/v`, indexed by the gradient's position), and `accBeta1`/`accBeta2` are updated with
 * the same ops, so `getWeights`/`setWeights`/`getConfig`, the `learningRate` field, and
 * state saved by one restored into the other all work unchanged. Other backends (WebGPU,
 * WebGL) use the parent's `applyGradients`.
 *
 * In-place writes (the moments only) bypass tfjs's immutability. They are safe only when no
 * other tensor or array shares a moment's memory:
 * - Tensors sharing a dataId (reshape, identity, clone, `tensor.variable()`) raise the
 *   backend's refCount; a moment whose refCount is not 1 is updated with the parent's ops
 *   instead (a new buffer, as tfjs would), which also ends the sharing.
 * - What a refCount cannot show: on CPU, `data()`/`dataSync()` return the backend's own array,
 *   and `tf.tensor(array)` keeps `array` as its storage. The assumption is that nothing keeps
 *   such an array of a moment across `applyGradients`: in this project only
 *   src/train/loop/snapshot.ts reads the optimiser's state, and it copies values out and in.
 *   (WASM `data()` copies from the heap.) Variables themselves get new buffers every step.
 */
import * as tf from '@tensorflow/tfjs';
import {
  backendWasmMemory,
  F32,
  I32,
  instancePerMemory,
  moduleBytes,
  op,
  ops,
  V128,
  type WasmModuleLike,
} from './wasmAsm';
import { fusedKernelsActive } from '../model/kernels';
import { adamMoments, applyAdamWebgpu } from './webgpuAdam';

/** The parent's private state, by the names and layout of tfjs 4.22's adam_optimizer.js. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/** The two backends' internals used here (tfjs-backend-wasm and tfjs-backend-cpu 4.22). */
interface WasmBackendLike {
  wasm?: WasmModuleLike;
  dataIdMap: { has(dataId: object): boolean };
  typedArrayFromHeap(t: { dataId: object; shape: number[]; dtype: tf.DataType }): ArrayLike<number>;
  refCount(dataId: object): number;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}
interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
  data: { has(dataId: object): boolean; get(dataId: object): { values?: unknown } };
  refCount(dataId: object): number;
}

const fr = Math.fround;

/** What `applyGradients` takes: a map by variable name, or `{name, tensor}` in order. */
type GradientsArg = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/**
 * One Adam step over raw float32 memory (m, v in place, x' to xOut), elements [from, n), rounding like
 * the stock kernels (every constant is a float32 already, as tfjs's scalars are):
 *   m' = m*b1 + g*(1-b1);  v' = v*b2 + g^2*(1-b2)
 *   x' = (m'/c1) / (sqrt(v'/c2) + eps) * (-lr) + x,  c1 = 1 - b1^t, c2 = 1 - b2^t
 * Bit-exact but slow (Math.fround is costly in V8): used for the < 4 elements that the WASM
 * SIMD kernel leaves over.
 */
function exactLoop(
  xOut: Float32Array,
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  from: number,
  k: AdamConstants,
): void {
  const { b1, omb1, b2, omb2, c1, c2, eps, negLr } = k;
  for (let i = from; i < x.length; i++) {
    const gi = g[i] as number;
    const mi = fr(fr((m[i] as number) * b1) + fr(gi * omb1));
    const vi = fr(fr((v[i] as number) * b2) + fr(fr(gi * gi) * omb2));
    m[i] = mi;
    v[i] = vi;
    const den = fr(fr(Math.sqrt(fr(vi / c2))) + eps);
    xOut[i] = fr(fr(fr(mi / c1) / den) * negLr) + (x[i] as number);
  }
}

/**
 * The same step in float64 with one rounding per stored value and the bias corrections folded
 * into two constants (one division and one square root per element instead of three and one):
 * within ~1 float32 ulp of the stock update per step, ~3x faster than `exactLoop`. The CPU
 * backend's path, and WASM's when the SIMD kernel cannot be instantiated.
 */
function fastLoop(
  xOut: Float32Array,
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  k: AdamConstants,
): void {
  const { b1, omb1, b2, omb2, c1, c2, eps, negLr } = k;
  // (m/c1) / (sqrt(v/c2) + eps) * (-lr) = step * m / (sqrt(v) * rs + eps)
  const step = negLr / c1;
  const rs = 1 / Math.sqrt(c2);
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    const mi = (m[i] as number) * b1 + gi * omb1;
    const vi = (v[i] as number) * b2 + gi * gi * omb2;
    m[i] = mi;
    v[i] = vi;
    xOut[i] = (x[i] as number) + (step * mi) / (Math.sqrt(vi) * rs + eps);
  }
}

interface AdamConstants {
  b1: number;
  omb1: number;
  b2: number;
  omb2: number;
  c1: number;
  c2: number;
  eps: number;
  negLr: number;
}

/**
 * The step as a WebAssembly SIMD function over the tfjs WASM module's own memory (imported, so
 * no copies; ./wasmAsm.ts): f32x4 mul/add/div/sqrt are IEEE float32, exactly the stock
 * kernels' arithmetic, four lanes at a time. The function is
 *   a(x, m, v, g: i32 byte offsets, end: i32 bytes, b1, omb1, b2, omb2, c1, c2, eps, negLr: f32,
 *     xOut: i32 byte offset)
 * and updates the elements of [0, end) in steps of 16 bytes (m, v in place; x' to xOut).
 */
function simdModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const { get, set, f32x4Splat: splat, f32x4Add: add, f32x4Mul: mul, f32x4Div: div } = op;
  const [load, store, sqrt] = [op.v128Load(), op.v128Store(), op.f32x4Sqrt];
  // Params 0-3 x m v g, 4 end, 5-12 the constants, 13 xOut; locals 14 offset, 15-22 the
  // constants as f32x4, 23 G, 24 M, 25 V.
  const o = 14;
  const at = (base: number): number[] => [...get(base), ...get(o), op.i32Add];
  const code: number[] = [];
  for (let p = 5; p <= 12; p++) code.push(...get(p), ...splat, ...set(p + 10));
  code.push(
    ...ops(op.block, get(o), get(4), op.i32GeU, op.brIf(0)), // block; br_if (o >= end)
    ...ops(op.loop), // loop
    ...ops(at(3), load, set(23)), // G = g[o]
    ...ops(at(1), load, get(15), mul, get(23), get(16), mul, add, set(24)), // M = m*b1 + G*omb1
    ...ops(at(2), load, get(17), mul, get(23), get(23), mul, get(18), mul, add, set(25)), // V
    ...ops(at(1), get(24), store, at(2), get(25), store), // m[o] = M; v[o] = V
    ...ops(at(13), get(24), get(19), div), // address of xOut[o]; M / c1
    ...ops(get(25), get(20), div, sqrt, get(21), add, div), // / (sqrt(V / c2) + eps)
    ...ops(get(22), mul, at(0), load, add, store), // xOut[o] = that * (-lr) + x[o]
    ...ops(get(o), op.i32(16), op.i32Add, op.tee(o)), // o += 16
    ...ops(get(4), op.i32LtU, op.brIf(0), op.end, op.end), // br_if (o < end); end; end
  );
  const params = [...Array<number>(5).fill(I32), ...Array<number>(8).fill(F32), I32];
  const locals: [number, number][] = [
    [1, I32],
    [11, V128],
  ];
  return moduleBytes(shared, [{ name: 'a', params, locals, body: code }]);
}

type SimdStep = (
  x: number,
  m: number,
  v: number,
  g: number,
  end: number,
  b1: number,
  omb1: number,
  b2: number,
  omb2: number,
  c1: number,
  c2: number,
  eps: number,
  negLr: number,
  xOut: number,
) => void;

/** One instance per tfjs WASM memory; null where it cannot be made (no SIMD, no memory). */
const simdStep = instancePerMemory(simdModuleBytes, (e) => e['a'] as SimdStep);

/** The step on the tfjs WASM module's memory, or null (./wasmAsm.ts finds the memory). */
function wasmSimd(wasm: WasmModuleLike | undefined): SimdStep | null {
  const memory = backendWasmMemory(wasm);
  return memory ? simdStep(memory) : null;
}

/** Whether Adam's update runs as the SIMD function on the active backend (wasm, memory found). */
export function hasAdamSimd(): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    wasmSimd((tf.backend() as { wasm?: WasmModuleLike }).wasm) !== null
  );
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /** How many variables the last `applyGradients` updated with the parent's ops (tests). */
  lastFallbacks = 0;

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: GradientsArg): void {
    const name = tf.getBackend();
    if (name === 'webgpu' && fusedKernelsActive()) {
      const hyper = { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
      const state = this as unknown as AdamState;
      applyAdamWebgpu(state, variableGradients, { ...hyper, learningRate: this.learningRate });
      this.incrementIterations();
      return;
    }
    if (name !== 'wasm' && name !== 'cpu') {
      super.applyGradients(variableGradients);
      return;
    }
    const memory = backendMemory(name);
    const state = this as unknown as AdamState;
    const varNames = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const registered = tf.engine().registeredVariables;
    // The parent's scalars: `mul(g, 1 - beta1)` is the difference in float64, then float32.
    const k: AdamConstants = {
      b1: fr(this.beta1),
      omb1: fr(1 - this.beta1),
      b2: fr(this.beta2),
      omb2: fr(1 - this.beta2),
      c1: fr(1 - (state.accBeta1.dataSync()[0] as number)),
      c2: fr(1 - (state.accBeta2.dataSync()[0] as number)),
      eps: fr(this.epsilon),
      negLr: fr(-this.learningRate),
    };
    const simd =
      name === 'wasm' ? wasmSimd((tf.backend() as unknown as WasmBackendLike).wasm) : null;
    let fallbacks = 0;
    tf.tidy(() => {
      varNames.forEach((varName, i) => {
        const value = registered[varName];
        if (!value) throw new Error(`applyGradients: no variable named ${varName}`);
        const [m, v] = adamMoments(state, i, varName, value);
        const gradient = Array.isArray(variableGradients)
          ? variableGradients[i]?.tensor
          : variableGradients[varName];
        if (gradient == null) return;
        // The new value goes to a new buffer, swapped in with assign() as the parent does: the
        // WASM backend caches weights by dataId (XNNPACK packs a convolution's filter once per
        // dataId), so a variable rewritten in place would keep convolving with stale weights.
        const out = memory.allocate(value);
        // Views are taken after any allocation (a growing WASM heap detaches old ones).
        const xo = memory.view(out, false);
        const xs = memory.view(value, false);
        const ms = memory.view(m, true);
        const vs = memory.view(v, true);
        const gs = memory.view(gradient, false);
        const n = xs?.length ?? -1;
        if (xo && xs && ms && vs && gs && xo.length === n && gs.length === n && ms.length === n) {
          if (simd) {
            const whole = n - (n % 4);
            const p = [xs, ms, vs, gs].map((a) => a.byteOffset) as [number, number, number, number];
            simd(
              ...p,
              whole * 4,
              k.b1,
              k.omb1,
              k.b2,
              k.omb2,
              k.c1,
              k.c2,
              k.eps,
              k.negLr,
              xo.byteOffset,
            );
            exactLoop(xo, xs, ms, vs, gs, whole, k);
          } else fastLoop(xo, xs, ms, vs, gs, k);
          value.assign(out);
        } else {
          fallbacks += 1;
          this.stockUpdate(value, m, v, gradient, k.c1, k.c2);
        }
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.lastFallbacks = fallbacks;
    this.incrementIterations();
  }

  /** The parent's ops for one variable (inside the caller's tidy). */
  private stockUpdate(
    value: tf.Variable,
    m: tf.Variable,
    v: tf.Variable,
    gradient: tf.Tensor,
    c1: number,
    c2: number,
  ): void {
    const newM = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
    const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
    const mHat = tf.div(newM, c1);
    const vHat = tf.div(newV, c2);
    m.assign(newM);
    v.assign(newV);
    const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate);
    value.assign(tf.add(step, value));
  }
}

interface BackendMemory {
  /**
   * A tensor's float32 memory on the active backend, or null when it cannot be used: not
   * float32, not on this backend (tfjs moves data lazily), or, for memory to be written in
   * place, shared with another tensor (refCount not 1).
   */
  view(t: tf.Tensor, inPlace: boolean): Float32Array | null;
  /** A new float32 tensor shaped like `t` (contents undefined), tracked by the current scope. */
  allocate(t: tf.Tensor): tf.Tensor;
}

function backendMemory(name: 'wasm' | 'cpu'): BackendMemory {
  const engine = tf.engine();
  if (name === 'wasm') {
    const b = tf.backend() as unknown as WasmBackendLike;
    return {
      view(t, inPlace) {
        if (t.dtype !== 'float32' || !b.dataIdMap.has(t.dataId)) return null;
        if (inPlace && b.refCount(t.dataId) !== 1) return null;
        const a = b.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
        return a instanceof Float32Array ? a : null;
      },
      allocate: (t) => engine.makeTensorFromTensorInfo(b.makeOutput(t.shape, 'float32')),
    };
  }
  const b = tf.backend() as unknown as CpuBackendLike;
  return {
    view(t, inPlace) {
      if (t.dtype !== 'float32' || !b.data.has(t.dataId)) return null;
      if (inPlace && b.refCount(t.dataId) !== 1) return null;
      const a = b.data.get(t.dataId).values;
      return a instanceof Float32Array && a.length === t.size ? a : null;
    },
    allocate: (t) =>
      engine.makeTensorFromTensorInfo(
        b.makeTensorInfo(t.shape, 'float32', new Float32Array(t.size)),
      ),
  };
}

/**
 * Adam with tfjs's defaults (`epsilon` undefined: the backend's epsilon at construction, 1e-7
 * in float32), fused on WASM and CPU.
 */
export function createAdam(
  learningRate: number,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon?: number,
): tf.AdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
