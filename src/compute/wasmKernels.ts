/**
 * Faster versions of six tfjs-backend-wasm 4.22 kernels that our training step spends its
 * time in, registered over the stock ones (`installWasmKernels`). Same values; measured in
 * Node, SIMD, one thread, on the full-size training step (docs/benchmarks.md).
 *
 * - BatchMatMul: the stock kernel runs a product on XNNPACK (its fully-connected operator) only
 *   when neither operand is transposed and there is a single batch; every other product, which
 *   includes both products of every matMul's gradient (dy·bᵀ and aᵀ·dy), falls to a scalar
 *   triple loop (a [6272, 32]·[32, 64] product with transposeB: 26 ms, 1 GFLOP/s; the spatial
 *   attention's matMuls and their gradients were 12% of the step). Ours transposes the operands
 *   that need it (wasm's Transpose kernel, a copy) and calls the stock kernel without
 *   transposes: one XNNPACK product per batch entry, sliced apart and concatenated back where
 *   there is more than one. XNNPACK sums in its own order: results differ from the loop's by
 *   float rounding only (the tests bound it). Products with at most 4 rows on the left (the
 *   spatial attention's M L and dv Lᵀ) run as SIMD loops instead (./smallMatMul.ts).
 * - Identity, and Cast to the same dtype: the stock kernels copy their input. tfjs's engine runs
 *   Identity on every tensor it saves for the backward pass (1,168 copies a full-size step, 34
 *   ms) and its ReLU gradient casts a float mask to float. Tensors are immutable, so ours share
 *   the data and count a reference, as the cpu and webgl backends' do.
 * - Slice and SplitV: the stock kernels read the whole input out of the wasm heap into a fresh
 *   copy (`readSync`) for every slice, so a slice costs the size of its input, and a SplitV into
 *   g parts g times that (taking one of nine [1, 65536] rows of a kernel: 2-8 ms). Ours copies
 *   only the slice, from a view of the heap.
 * - Transpose: SIMD copies for the permutations a step uses (./transposeKernel.ts), and ReLU's
 *   gradient as one SIMD kernel (./reluGrad.ts); both installed from here.
 */
import * as tf from '@tensorflow/tfjs';
import { installReluGrad } from './reluGrad';
import { smallMatMul } from './smallMatMul';
import { installTransposeKernel } from './transposeKernel';

type KernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

function kernelFunc(name: string): KernelFunc {
  const k = tf.getKernel(name, 'wasm') as tf.KernelConfig | undefined;
  if (k === undefined) throw new Error(`wasm backend has no ${name} kernel`);
  return k.kernelFunc;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

let installed = false;
// The stock kernels, for the string tensors our copies leave to them.
let sliceStock: KernelFunc = () => [];
let splitVStock: KernelFunc = () => [];

/**
 * Registers the kernels above over the wasm backend's (idempotent; a no-op where the wasm
 * backend is not loaded). A registered kernel takes effect from the next call, so this can run
 * before or after the backend starts.
 */
export function installWasmKernels(): void {
  if (installed) return;
  if ((tf.getKernel('BatchMatMul', 'wasm') as tf.KernelConfig | undefined) === undefined) return;
  replaceKernel('BatchMatMul', batchMatMulKernel);
  replaceKernel('Slice', (stock) => ((sliceStock = stock), sliceKernel));
  replaceKernel('SplitV', (stock) => ((splitVStock = stock), splitVKernel));
  replaceKernel('Identity', (stock) => (args) => shareOr(stock, args, undefined));
  replaceKernel('Cast', (stock) => (args) => shareOr(stock, args, args.attrs?.dtype));
  installTransposeKernel();
  installReluGrad();
  installed = true;
}

/** x itself (one more reference) where the result would be a copy of it, else the stock kernel. */
function shareOr(stock: KernelFunc, args: Parameters<KernelFunc>[0], dtype: unknown) {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string' || (dtype !== undefined && dtype !== x.dtype)) return stock(args);
  (args.backend as unknown as { incRef(dataId: unknown): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Registers `make(stock)` as wasm's `name` kernel, keeping the stock setup and dispose. */
function replaceKernel(name: string, make: (stock: KernelFunc) => KernelFunc): void {
  const stock = tf.getKernel(name, 'wasm');
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...stock,
    kernelFunc: make(stock.kernelFunc) as tf.KernelFunc,
  });
}

function batchMatMulKernel(stockFunc: KernelFunc): KernelFunc {
  const run = (fn: KernelFunc, inputs: tf.NamedTensorInfoMap, b: tf.KernelBackend, attrs = {}) =>
    fn({ inputs, backend: b, attrs }) as tf.TensorInfo;

  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const transposeA = attrs?.transposeA === true;
    const transposeB = attrs?.transposeB === true;
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    if (
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      batchA !== batchB ||
      a.shape.length !== b.shape.length ||
      (!transposeA && !transposeB && batchA === 1)
    )
      return stockFunc({ inputs, backend, attrs }); // already XNNPACK, or a broadcast
    if (!transposeA && (batchA > 1 || transposeB)) {
      const small = smallMatMul(backend, a, b, transposeB); // at most 4 rows on the left
      if (small) return small;
    }
    const temps: tf.TensorInfo[] = [];
    const keep = (t: tf.TensorInfo): tf.TensorInfo => (temps.push(t), t);
    const toRank3 = (t: tf.TensorInfo): tf.TensorInfo => {
      const [r, c] = t.shape.slice(-2) as [number, number];
      return keep(run(kernelFunc('Reshape'), { x: t }, backend, { shape: [batchA, r, c] }));
    };
    const transposed = (t: tf.TensorInfo): tf.TensorInfo =>
      keep(run(kernelFunc('Transpose'), { x: t }, backend, { perm: [0, 2, 1] })); // [B, c, r]
    const a3 = transposeA ? transposed(toRank3(a)) : toRank3(a); // [B, M, K]
    const b3 = transposeB ? transposed(toRank3(b)) : toRank3(b); // [B, K, N]
    const [, m, k] = a3.shape as [number, number, number];
    const n = b3.shape[2] ?? 0;
    const plain = { transposeA: false, transposeB: false };
    let out: tf.TensorInfo;
    if (batchA === 1) {
      out = run(stockFunc, { a: a3, b: b3 }, backend, plain); // [1, M, N]
    } else {
      const slice = (t: tf.TensorInfo, i: number, rows: number, cols: number) =>
        keep(
          run(kernelFunc('Slice'), { x: t }, backend, {
            begin: [i, 0, 0],
            size: [1, rows, cols],
          }),
        );
      const parts: tf.TensorInfo[] = [];
      for (let i = 0; i < batchA; i++)
        parts.push(
          keep(run(stockFunc, { a: slice(a3, i, m, k), b: slice(b3, i, k, n) }, backend, plain)), // [1, M, N]
        );
      out = kernelFunc('Concat')({
        inputs: parts as unknown as tf.NamedTensorInfoMap,
        backend,
        attrs: { axis: 0 },
      }) as tf.TensorInfo; // [B, M, N]
    }
    const outShape = [...a.shape.slice(0, -2), m, n];
    const result = run(kernelFunc('Reshape'), { x: out }, backend, { shape: outShape });
    // Each TensorInfo a kernel returns holds one reference (a Reshape shares its input's data).
    for (const t of [...temps, out]) backend.disposeData(t.dataId);
    return result;
  };
}

/** The parts of tfjs-backend-wasm's backend class the copy kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Copies x[begin : begin + size] into `out` (same dtype) through views of the wasm heap: the
 * trailing axes that are taken whole merge into one contiguous run per outer index.
 */
function copySlice(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  begin: readonly number[],
  sz: readonly number[],
  out: tf.TensorInfo,
): void {
  const rank = x.shape.length;
  // Views after makeOutput: growing the heap replaces its buffer.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = x.shape.map((_, i) => size(x.shape.slice(i + 1)));
  let k = rank - 1; // the run: axes k.. (axes after k whole)
  while (k > 0 && sz[k] === x.shape[k]) k--;
  const run = (sz[k] ?? 1) * (strides[k] ?? 1);
  const outer = size(sz.slice(0, k));
  const idx = new Array<number>(k).fill(0);
  const base = begin.reduce((acc, b, i) => acc + b * (strides[i] ?? 0), 0);
  let o = 0;
  for (let r = 0; r < outer; r++) {
    let from = base;
    for (let i = 0; i < k; i++) from += (idx[i] ?? 0) * (strides[i] ?? 0);
    if (run >= 64) dst.set(src.subarray(from, from + run), o);
    else for (let j = 0; j < run; j++) dst[o + j] = src[from + j] ?? 0;
    o += run;
    for (let i = k - 1; i >= 0; i--) {
      idx[i] = (idx[i] ?? 0) + 1;
      if ((idx[i] ?? 0) < (sz[i] ?? 0)) break;
      idx[i] = 0;
    }
  }
}

/** Slice with tfjs's own argument rules (negative / -1 sizes), copying only the slice. */
function slice(backend: WasmBackendLike, x: tf.TensorInfo, begin: number[], sz: number[]) {
  const out = backend.makeOutput(sz, x.dtype);
  if (size(sz) > 0) copySlice(backend, x, begin, sz, out);
  return out;
}

const sliceKernel: KernelFunc = (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return sliceStock(args);
  const [begin, sz] = tf.slice_util.parseSliceParams(
    x,
    args.attrs?.begin as number[],
    args.attrs?.size as number[],
  );
  return slice(args.backend as unknown as WasmBackendLike, x, begin ?? [], sz ?? []);
};

const splitVKernel: KernelFunc = (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return splitVStock(args);
  const axis = tf.util.parseAxisParam(args.attrs?.axis as number, x.shape)[0] ?? 0;
  const sizes = tf.backend_util.prepareSplitSize(
    x,
    args.attrs?.numOrSizeSplits as number[] | number,
    axis,
  );
  const begin = x.shape.map(() => 0);
  return sizes.map((s) => {
    const sz = [...x.shape];
    sz[axis] = s;
    const part = slice(args.backend as unknown as WasmBackendLike, x, [...begin], sz);
    begin[axis] = (begin[axis] ?? 0) + s;
    return part;
  });
};
