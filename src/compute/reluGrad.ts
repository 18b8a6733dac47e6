/**
 * ReLU's gradient on wasm as one kernel, FerReluGrad (dy, x) -> dy * step(x), instead of the
 * stock gradient's Step and Multiply (two passes and an intermediate tensor the size of x). One
 * hand-assembled f32x4 function (./wasmAsm.ts) over the backend's memory: per 4 elements
 * s = x > 0 ? 1 : 0, s = x where x is NaN (Step's rule), out = dy * s, so the result is the
 * stock chain's bit for bit (NaN and -0 included). The last size mod 4 elements, and wasm
 * without SIMD, run the same rule in JavaScript.
 *
 * `installReluGrad` registers the kernel for 'wasm' and replaces the Relu gradient with one that
 * calls it on wasm and keeps tfjs's own formula on every other backend.
 */
import * as tf from '@tensorflow/tfjs';
import {
  I32,
  instancePerMemory,
  moduleBytes,
  op,
  ops,
  simdPath,
  V128,
  type WasmHeapBackend,
} from './wasmAsm';

export const RELU_GRAD = 'FerReluGrad';

/** rg(dy, x, out, bytes): bytes >= 16, a multiple of 16; addresses in bytes. */
type ReluGradFn = (dy: number, x: number, out: number, bytes: number) => void;

function reluGradModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const { get, set, tee, i32 } = op;
  const [dy, x, out, bytes, o, v] = [0, 1, 2, 3, 4, 5];
  const at = (base: number): number[] => ops(get(base), get(o), op.i32Add);
  const f32 = (n: number): number[] => ops(0x43, ...new Uint8Array(new Float32Array([n]).buffer));
  const body = ops(
    ...ops(i32(0), set(o)),
    op.loop,
    ...ops(at(out)), // the store's address
    ...ops(at(x), op.v128Load(), tee(v)), // kept for NaN lanes
    ...ops(f32(1), op.f32x4Splat, f32(0), op.f32x4Splat, get(v), f32(0), op.f32x4Splat),
    ...ops(op.f32x4Gt, op.bitselect), // s = x > 0 ? 1 : 0
    ...ops(get(v), get(v), op.f32x4Ne, op.bitselect), // x is NaN ? x : s
    ...ops(at(dy), op.v128Load(), op.f32x4Mul, op.v128Store()),
    ...ops(get(o), i32(16), op.i32Add, tee(o), get(bytes), op.i32LtU, op.brIf(0)),
    op.end,
  );
  const locals: [number, number][] = [
    [1, I32],
    [1, V128],
  ];
  return moduleBytes(shared, [{ name: 'rg', params: [I32, I32, I32, I32], locals, body }]);
}

const simd = simdPath(instancePerMemory(reluGradModuleBytes, (e) => e['rg'] as ReluGradFn));

/** Whether wasm may use the SIMD function (default true); returns the previous setting. */
export function setReluGradSimdEnabled(on: boolean): boolean {
  return simd.setEnabled(on);
}

const stepOf = (x: number): number => (Number.isNaN(x) ? NaN : x > 0 ? 1 : 0);

const reluGradKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const b = backend as unknown as WasmHeapBackend;
  const dyInfo = inputs.dy as tf.TensorInfo;
  const xInfo = inputs.x as tf.TensorInfo;
  const out = b.makeOutput([...xInfo.shape], 'float32');
  const [dy, x, dx] = [dyInfo, xInfo, out].map((t) => b.typedArrayFromHeap(t)) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const fn = simd.functions('wasm', backend);
  const bulk = fn ? dx.length - (dx.length % 4) : 0;
  if (fn && bulk > 0) fn(dy.byteOffset, x.byteOffset, dx.byteOffset, 4 * bulk);
  for (let i = bulk; i < dx.length; i++) dx[i] = (dy[i] ?? NaN) * stepOf(x[i] ?? NaN);
  return out;
};

let installed = false;

/** Whether ReLU's gradient runs as FerReluGrad's SIMD function on the active backend. */
export function hasReluGradSimd(): boolean {
  return installed && simd.functions(tf.getBackend(), tf.backend()) !== null;
}

/**
 * Registers FerReluGrad for 'wasm' and the Relu gradient that uses it there (idempotent; a
 * no-op without the wasm backend).
 */
export function installReluGrad(): void {
  if (installed || (tf.getKernel('Relu', 'wasm') as tf.KernelConfig | undefined) === undefined)
    return;
  tf.registerKernel({ kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGradKernel });
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      const d = dy as tf.Tensor;
      return {
        x: () =>
          tf.getBackend() === 'wasm' && d.dtype === 'float32' && x.dtype === 'float32'
            ? tf.engine().runKernel<tf.Tensor>(RELU_GRAD, { dy: d, x })
            : tf.mul(d, tf.cast(tf.step(x), 'float32')),
      };
    },
  });
  installed = true;
}
