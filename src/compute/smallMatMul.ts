/**
 * Batched products with at most 4 rows on the left, on wasm, as SIMD loops over the right
 * operand (hand-assembled f32x4, ./wasmAsm.ts), for ./wasmKernels.ts's BatchMatMul. The spatial
 * attention's v = M L ([B, h, R] x [B, R, D], h = 2 hops) and its gradient dM = dv Lᵀ ([B, h, D]
 * x [B, R, D]ᵀ) went to XNNPACK once per batch entry, and XNNPACK packs the right operand (all
 * of L) as weights on every call, at ~6 ns per element: stage 1's products ran at 0.4 GFLOP/s.
 * Here L is read once, where it is:
 *
 * - rows(a, b) [m <= 4]: out[i, :] = Σ_r a[i, r] b[r, :], b's rows of N floats (N a multiple of 4);
 * - dots(a, bᵀ) [m <= 4]: out[i, j] = a[i, :] · b[j, :], rows of K floats (K a multiple of 4).
 *
 * Sums are float32 in a fixed order (rows: r ascending; dots: 4 lanes, then (l0 + l1) + (l2 +
 * l3)); XNNPACK's order differs, so results agree to float rounding (the tests bound it).
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

interface SmallFns {
  /** out [m, nBytes / 4] = a [m, k] (row stride aStride bytes) · b [k, nBytes / 4]. */
  rows(
    a: number,
    b: number,
    out: number,
    m: number,
    k: number,
    aStride: number,
    nBytes: number,
  ): void;
  /** out [m, n] = a [m, kBytes / 4] · b [n, kBytes / 4]ᵀ. */
  dots(a: number, b: number, out: number, m: number, n: number, kBytes: number): void;
}

function smallModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const { get, set, tee, i32 } = op;
  const add = (x: number, y: number): number[] => ops(get(x), get(y), op.i32Add);
  /** x += step; loop again while x < end. */
  const next = (x: number, step: number[], end: number): number[] =>
    ops(get(x), step, op.i32Add, tee(x), get(end), op.i32LtU, op.brIf(0));

  const rows = (() => {
    const [a, b, out, m, k, aStride, nBytes] = [0, 1, 2, 3, 4, 5, 6];
    const [o, i, ap, op_, end, r] = [7, 8, 9, 10, 11, 12]; // i32 locals
    const [s] = [13]; // v128
    const body = ops(
      // zero out: m rows of nBytes
      ...ops(get(m), get(nBytes), op.i32Mul, set(end), i32(0), set(o)),
      ...ops(
        op.loop,
        add(out, o),
        i32(0),
        op.i32x4Splat,
        op.v128Store(),
        next(o, i32(16), end),
        op.end,
      ),
      ...ops(i32(0), set(r)),
      op.loop, // per r: b's row r
      ...ops(get(a), set(ap), get(out), set(op_), i32(0), set(i)),
      op.loop, // per left row i: s = a[i, r]
      ...ops(get(ap), op.f32Load(), op.f32x4Splat, set(s), i32(0), set(o)),
      ...ops(op.loop, add(op_, o), add(op_, o), op.v128Load()),
      ...ops(add(b, o), op.v128Load(), get(s), op.f32x4Mul, op.f32x4Add, op.v128Store()),
      ...next(o, i32(16), nBytes),
      op.end,
      ...ops(add(ap, aStride), set(ap), add(op_, nBytes), set(op_)),
      ...ops(get(i), i32(1), op.i32Add, tee(i), get(m), op.i32LtU, op.brIf(0)),
      op.end,
      ...ops(get(a), i32(4), op.i32Add, set(a), add(b, nBytes), set(b)),
      ...ops(get(r), i32(1), op.i32Add, tee(r), get(k), op.i32LtU, op.brIf(0)),
      op.end,
    );
    const locals: [number, number][] = [
      [6, I32],
      [1, V128],
    ];
    return { name: 'rows', params: Array<number>(7).fill(I32), locals, body };
  })();

  const dots = (() => {
    const [a, b, out, m, n, kBytes] = [0, 1, 2, 3, 4, 5];
    const [o, i, ap, j] = [6, 7, 8, 9]; // i32 locals
    const [acc] = [10]; // v128
    const lane = (l: number): number[] => ops(get(acc), op.f32x4Lane(l));
    const body = ops(
      ...ops(i32(0), set(j)),
      op.loop, // per right row j
      ...ops(get(a), set(ap), i32(0), set(i)),
      op.loop, // per left row i
      ...ops(i32(0), op.i32x4Splat, set(acc), i32(0), set(o)),
      ...ops(op.loop, get(acc), add(ap, o), op.v128Load(), add(b, o), op.v128Load(), op.f32x4Mul),
      ...ops(op.f32x4Add, set(acc), next(o, i32(16), kBytes), op.end),
      // out[i, j] at out + 4 (i n + j)
      ...ops(get(out), get(i), get(n), op.i32Mul, get(j), op.i32Add, i32(4), op.i32Mul, op.i32Add),
      ...ops(lane(0), lane(1), op.f32Add, lane(2), lane(3), op.f32Add, op.f32Add, op.f32Store()),
      ...ops(add(ap, kBytes), set(ap)),
      ...ops(get(i), i32(1), op.i32Add, tee(i), get(m), op.i32LtU, op.brIf(0)),
      op.end,
      ...ops(add(b, kBytes), set(b)),
      ...ops(get(j), i32(1), op.i32Add, tee(j), get(n), op.i32LtU, op.brIf(0)),
      op.end,
    );
    const locals: [number, number][] = [
      [4, I32],
      [1, V128],
    ];
    return { name: 'dots', params: Array<number>(6).fill(I32), locals, body };
  })();
  return moduleBytes(shared, [rows, dots]);
}

const simd = simdPath(
  instancePerMemory(smallModuleBytes, (e) => ({
    rows: e['rows'] as SmallFns['rows'],
    dots: e['dots'] as SmallFns['dots'],
  })),
);

/** Whether wasm may use the SIMD functions (default true); returns the previous setting. */
export function setSmallMatMulEnabled(on: boolean): boolean {
  return simd.setEnabled(on);
}

/** Whether BatchMatMul's small-row products take the SIMD path on the active backend. */
export function hasSmallMatMul(): boolean {
  return simd.functions(tf.getBackend(), tf.backend()) !== null;
}

/** Rows on the left at most this: above it XNNPACK's tiles are full and it wins. */
export const SMALL_ROWS = 4;

/**
 * a [..., m, k] · b [..., k, n] (or bᵀ with b [..., n, k]) with the same batch shape, m <= 4, as
 * above; null where this does not apply (the caller runs its usual path).
 */
export function smallMatMul(
  backend: unknown,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeB: boolean,
): tf.TensorInfo | null {
  const fns = simd.functions('wasm', backend);
  const [m = 0, k = 0] = a.shape.slice(-2);
  const n = (transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1]) ?? 0;
  const kb = (transposeB ? b.shape[b.shape.length - 1] : b.shape[b.shape.length - 2]) ?? 0;
  const inner = transposeB ? k : n; // the contiguous length the SIMD loop walks
  if (
    !fns ||
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    m < 1 ||
    m > SMALL_ROWS ||
    k < 1 ||
    n < 1 ||
    kb !== k ||
    inner % 4 !== 0
  )
    return null;
  const raw = backend as WasmHeapBackend;
  const batch = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const out = raw.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
  // offsets after makeOutput: allocating can grow the heap (offsets stay valid, views not)
  const [pa, pb, po] = [a, b, out].map((t) => raw.typedArrayFromHeap(t).byteOffset) as [
    number,
    number,
    number,
  ];
  for (let i = 0; i < batch; i++) {
    const [ai, bi, oi] = [pa + 4 * i * m * k, pb + 4 * i * k * n, po + 4 * i * m * n];
    if (transposeB) fns.dots(ai, bi, oi, m, n, 4 * k);
    else fns.rows(ai, bi, oi, m, k, 4 * k, 4 * n);
  }
  return out;
}
