/**
 * Transpose on wasm as SIMD copies (f32x4, hand-assembled: ./wasmAsm.ts) for the permutations a
 * training step uses, registered over the stock kernel (`installTransposeKernel`). The stock
 * kernel computes every element's source index (3.5 ns per element here: a [8, 56, 56, 32]
 * tensor, 2.8 ms); its Transposes were 3-8% of a full-size step (docs/benchmarks.md).
 *
 * The permutation is first reduced: size-1 axes dropped, and axes that stay next to each other
 * and in order merged. Then, for 4-byte elements (float32, int32):
 *
 * - [A, B, R] -> [B, A, R], R a multiple of 4: runs of R elements copied (dy for dW: [N, Ho Wo,
 *   Cout] -> [Ho Wo, N, Cout]; dW back from [Cin, kh kw, Cout]).
 * - [R, C] -> [C, R], [B, R, C] -> [B, C, R] and [A, B, C] -> [C, B, A], with the two swapped
 *   sizes multiples of 4: 4 x 4 blocks, each four loads, eight shuffles and four stores (x for
 *   dW: [N, H W, Cin] -> [Cin, H W, N]; matMul operands; kernels' [.., Cout, Cin] swaps).
 *
 * Everything else (other permutations, sizes, dtypes; no SIMD) goes to the stock kernel. Both
 * give the same bits: a transpose only moves elements.
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

/** The module's functions; addresses, strides and sizes in bytes. */
interface TransposeFns {
  /** rows (>= 1) runs of `bytes` (>= 16, a multiple of 16), src rows `ss` apart, dst `ds`. */
  runs(src: number, dst: number, rows: number, bytes: number, ss: number, ds: number): void;
  /**
   * dst[j][i] = src[i][j] for a rows x cols block of floats (both >= 4, multiples of 4): src
   * rows `ss` bytes apart, dst rows `ds`.
   */
  t2d(src: number, dst: number, rows: number, cols: number, ss: number, ds: number): void;
}

/** i8x16.shuffle of two f32x4 by float lanes (0-3 the first operand, 4-7 the second). */
const shuffle = (lanes: readonly number[]): number[] => [
  0xfd,
  0x0d,
  ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
];

function transposeModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const { get, set, tee, i32 } = op;
  const add = (a: number, b: number): number[] => ops(get(a), get(b), op.i32Add);
  /** i -= n (a count of rows or columns left); loop again while it is above zero. */
  const countDown = (i: number, n: number): number[] =>
    ops(get(i), i32(n), op.i32Sub, tee(i), i32(0), op.i32GtS, op.brIf(0));

  const runs = (() => {
    const [src, dst, rows, bytes, ss, ds, o] = [0, 1, 2, 3, 4, 5, 6];
    const body = ops(
      op.loop, // per row
      ...ops(i32(0), set(o)),
      ...ops(op.loop, add(dst, o), add(src, o), op.v128Load(), op.v128Store()),
      ...ops(get(o), i32(16), op.i32Add, tee(o), get(bytes), op.i32LtU, op.brIf(0), op.end),
      ...ops(add(src, ss), set(src), add(dst, ds), set(dst)),
      ...ops(get(rows), i32(1), op.i32Sub, tee(rows), op.brIf(0), op.end),
    );
    const locals: [number, number][] = [[1, I32]];
    return { name: 'runs', params: Array<number>(6).fill(I32), locals, body };
  })();

  const t2d = (() => {
    const [src, dst, rows, cols, ss, ds] = [0, 1, 2, 3, 4, 5];
    // i32 locals: the block's pointers, columns left, then 1-3 source and destination strides
    const [sp, dp, left, s1, s2, s3, e1, e2, e3] = [6, 7, 8, 9, 10, 11, 12, 13, 14];
    const [a, b, c, d] = [15, 16, 17, 18]; // v128 locals
    const at = (p: number, k: number): number[] =>
      k === 0
        ? get(p)
        : ops(get(p), get([0, ...(p === sp ? [s1, s2, s3] : [e1, e2, e3])][k] ?? 0), op.i32Add);
    const load = (k: number): number[] => ops(at(sp, k), op.v128Load());
    const store = (k: number, x: number, y: number, lanes: number[]): number[] =>
      ops(at(dp, k), get(x), get(y), shuffle(lanes), op.v128Store());
    const times = (x: number, n: number): number[] => ops(get(x), i32(n), op.i32Mul);
    const block = ops(
      // rows 0, 1 -> a = (00 10 01 11), b = (02 12 03 13); rows 2, 3 -> c, d likewise
      ...ops(load(0), tee(a), load(1), tee(b), shuffle([0, 4, 1, 5])),
      ...ops(get(a), get(b), shuffle([2, 6, 3, 7]), set(b), set(a)),
      ...ops(load(2), tee(c), load(3), tee(d), shuffle([0, 4, 1, 5])),
      ...ops(get(c), get(d), shuffle([2, 6, 3, 7]), set(d), set(c)),
      // destination row j holds column j: (0j 1j 2j 3j)
      ...store(0, a, c, [0, 1, 4, 5]),
      ...store(1, a, c, [2, 3, 6, 7]),
      ...store(2, b, d, [0, 1, 4, 5]),
      ...store(3, b, d, [2, 3, 6, 7]),
    );
    const body = ops(
      ...ops(get(ss), set(s1), times(ss, 2), set(s2), times(ss, 3), set(s3)),
      ...ops(get(ds), set(e1), times(ds, 2), set(e2), times(ds, 3), set(e3)),
      op.loop, // per 4 source rows
      ...ops(get(src), set(sp), get(dst), set(dp), get(cols), set(left)),
      op.loop, // per 4 columns
      ...block,
      ...ops(get(sp), i32(16), op.i32Add, set(sp), get(dp), times(ds, 4), op.i32Add, set(dp)),
      ...countDown(left, 4),
      op.end,
      ...ops(get(src), times(ss, 4), op.i32Add, set(src), get(dst), i32(16), op.i32Add, set(dst)),
      ...countDown(rows, 4),
      op.end,
    );
    const locals: [number, number][] = [
      [9, I32],
      [4, V128],
    ];
    return { name: 't2d', params: Array<number>(6).fill(I32), locals, body };
  })();
  return moduleBytes(shared, [runs, t2d]);
}

const fnsFor = instancePerMemory(transposeModuleBytes, (e) => ({
  runs: e['runs'] as TransposeFns['runs'],
  t2d: e['t2d'] as TransposeFns['t2d'],
}));

const simd = simdPath(fnsFor);

/**
 * Whether wasm may use the SIMD functions (default true); returns the previous setting. Tests
 * and benchmarks compare them with the stock kernel on the same backend.
 */
export function setTransposeSimdEnabled(on: boolean): boolean {
  return simd.setEnabled(on);
}

/** Whether the active backend's Transpose takes the SIMD path (wasm, installed, not disabled). */
export function hasTransposeSimd(): boolean {
  return installed && simd.functions(tf.getBackend(), tf.backend()) !== null;
}

/**
 * The same transpose on fewer axes: size-1 axes dropped, and input axes that stay adjacent and
 * in order in the output merged into one.
 */
export function reducePermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const kept = shape.map((_, i) => i).filter((i) => (shape[i] ?? 1) !== 1);
  const order = perm.filter((i) => kept.includes(i)); // input axes in output order
  // runs of input axes i, i+1, ... that appear consecutively in the output
  const groups: number[][] = [];
  for (const axis of order) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev !== undefined && kept.indexOf(axis) === kept.indexOf(prev) + 1)
      last.push(axis);
    else groups.push([axis]);
  }
  const byInput = [...groups].sort((g, h) => (g[0] ?? 0) - (h[0] ?? 0));
  return {
    shape: byInput.map((g) => g.reduce((n, i) => n * (shape[i] ?? 1), 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

/** The SIMD plan for a reduced transpose, as calls on byte offsets; null for the stock kernel. */
export function transposePlan(
  shape: readonly number[],
  perm: readonly number[],
): ((fns: TransposeFns, src: number, dst: number) => void) | null {
  const key = perm.join(',');
  const four = (...ns: number[]) => ns.every((n) => n % 4 === 0);
  const [p, q, r] = shape as [number, number, number];
  if (key === '1,0,2' && four(r))
    // [A, B, R] -> [B, A, R]: per a, B runs
    return (f, src, dst) => {
      for (let a = 0; a < p; a++)
        f.runs(src + 4 * a * q * r, dst + 4 * a * r, q, 4 * r, 4 * r, 4 * p * r);
    };
  if (key === '1,0' && four(p, q)) return (f, src, dst) => f.t2d(src, dst, p, q, 4 * q, 4 * p);
  if (key === '0,2,1' && four(q, r))
    // [B, R, C] -> [B, C, R]
    return (f, src, dst) => {
      for (let b = 0; b < p; b++)
        f.t2d(src + 4 * b * q * r, dst + 4 * b * q * r, q, r, 4 * r, 4 * q);
    };
  if (key === '2,1,0' && four(p, r))
    // [A, B, C] -> [C, B, A]: per b, an A x C block
    return (f, src, dst) => {
      for (let b = 0; b < q; b++)
        f.t2d(src + 4 * b * r, dst + 4 * b * p, p, r, 4 * q * r, 4 * q * p);
    };
  return null;
}

let installed = false;

/** Registers the kernel over wasm's Transpose (idempotent; a no-op without the wasm backend). */
export function installTransposeKernel(): void {
  if (installed) return;
  const stock = tf.getKernel('Transpose', 'wasm') as tf.KernelConfig | undefined;
  if (stock === undefined) return;
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel({
    ...stock,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const perm = args.attrs?.perm as number[];
      const fns = simd.functions('wasm', args.backend);
      const reduced = reducePermutation(x.shape, perm);
      const plan =
        fns && (x.dtype === 'float32' || x.dtype === 'int32')
          ? transposePlan(reduced.shape, reduced.perm)
          : null;
      if (!fns || !plan || x.shape.some((n) => n === 0)) return stock.kernelFunc(args);
      const b = args.backend as unknown as WasmHeapBackend;
      const out = b.makeOutput(
        perm.map((i) => x.shape[i] ?? 1),
        x.dtype,
      );
      // offsets after makeOutput: allocating can grow the heap (offsets stay valid, views not)
      plan(fns, b.typedArrayFromHeap(x).byteOffset, b.typedArrayFromHeap(out).byteOffset);
      return out;
    },
  });
  installed = true;
}
