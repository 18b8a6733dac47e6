/**
 * The WebAssembly SIMD module behind src/compute/bnKernels.ts: five hand-assembled f32x4
 * functions over the tfjs wasm backend's memory (per-channel sums, squared deviations, the
 * normalised output, the two gradient sums, dx), one instance per memory (./wasmAsm.ts).
 */
import { I32, instancePerMemory, moduleBytes, op, ops, V128 } from './wasmAsm';

/** The module's functions; every argument an i32 (addresses and strides in bytes). */
export interface BnFns {
  /** acc[0, gEnd) = Σ over `rows` rows (each `stride` apart from x) of x. */
  sum(x: number, rows: number, stride: number, acc: number, gEnd: number): void;
  /** acc = Σ (x - mean)². */
  sq(x: number, rows: number, stride: number, acc: number, gEnd: number, mean: number): void;
  /** y = (x - mean) scale + beta. */
  apply(
    x: number,
    y: number,
    rows: number,
    stride: number,
    gEnd: number,
    mean: number,
    scale: number,
    beta: number,
  ): void;
  /** acc = Σ dy, acc2 = Σ dy (x - mean). */
  gsum(
    dy: number,
    x: number,
    rows: number,
    stride: number,
    acc: number,
    acc2: number,
    gEnd: number,
    mean: number,
  ): void;
  /** out = dy gr + (x - mean) kx + k0. */
  dx(
    dy: number,
    x: number,
    out: number,
    rows: number,
    stride: number,
    gEnd: number,
    mean: number,
    gr: number,
    kx: number,
    k0: number,
  ): void;
}

/**
 * The five functions. Each walks `rows` (>= 1) rows; in a row the channel groups at byte offsets
 * o = 0, 16, ..., gEnd - 16 (gEnd >= 16, a multiple of 16), then its row pointers move by `stride`.
 */
function bnModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const { get, set, tee, i32 } = op;
  const at = (base: number, o: number): number[] => ops(get(base), get(o), op.i32Add);
  const load = (base: number, o: number): number[] => ops(at(base, o), op.v128Load());
  const next = (o: number, gEnd: number): number[] =>
    ops(get(o), i32(16), op.i32Add, tee(o), get(gEnd), op.i32LtU, op.brIf(0));
  const zero = (acc: number, gEnd: number, o: number): number[] =>
    ops(
      i32(0),
      set(o),
      op.loop,
      at(acc, o),
      i32(0),
      op.i32x4Splat,
      op.v128Store(),
      next(o, gEnd),
      op.end,
    );
  const rowLoop = (
    rows: number,
    stride: number,
    gEnd: number,
    o: number,
    ptrs: number[],
    body: number[],
  ): number[] =>
    ops(
      op.loop, // per row
      ...ops(i32(0), set(o), op.loop, body, next(o, gEnd), op.end),
      ...ptrs.flatMap((p) => ops(get(p), get(stride), op.i32Add, set(p))),
      ...ops(get(rows), i32(1), op.i32Sub, tee(rows), op.brIf(0), op.end),
    );
  /** acc[o] += value (the value's instructions leave one v128); `a` an i32 scratch local. */
  const accumulate = (acc: number, o: number, a: number, value: number[]): number[] =>
    ops(at(acc, o), tee(a), get(a), op.v128Load(), value, op.f32x4Add, op.v128Store());

  const sum = (() => {
    const [x, rows, stride, acc, gEnd, o, a] = [0, 1, 2, 3, 4, 5, 6];
    const body = ops(
      zero(acc, gEnd, o),
      rowLoop(rows, stride, gEnd, o, [x], accumulate(acc, o, a, load(x, o))),
    );
    return { name: 'sum', params: Array<number>(5).fill(I32), locals: [[2, I32]], body };
  })();
  const sq = (() => {
    const [x, rows, stride, acc, gEnd, mean, o, a, v] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const d = ops(load(x, o), load(mean, o), op.f32x4Sub, tee(v), get(v), op.f32x4Mul);
    const body = ops(
      zero(acc, gEnd, o),
      rowLoop(rows, stride, gEnd, o, [x], accumulate(acc, o, a, d)),
    );
    const locals: [number, number][] = [
      [2, I32],
      [1, V128],
    ];
    return { name: 'sq', params: Array<number>(6).fill(I32), locals, body };
  })();
  const apply = (() => {
    const [x, y, rows, stride, gEnd, mean, scale, beta, o] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const value = ops(load(x, o), load(mean, o), op.f32x4Sub, load(scale, o), op.f32x4Mul);
    const step = ops(at(y, o), value, load(beta, o), op.f32x4Add, op.v128Store());
    const body = rowLoop(rows, stride, gEnd, o, [x, y], step);
    return { name: 'apply', params: Array<number>(8).fill(I32), locals: [[1, I32]], body };
  })();
  const gsum = (() => {
    const [dy, x, rows, stride, acc, acc2, gEnd, mean, o, a, d] = [
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ];
    const step = ops(
      accumulate(acc, o, a, ops(load(dy, o), tee(d))),
      accumulate(acc2, o, a, ops(get(d), load(x, o), load(mean, o), op.f32x4Sub, op.f32x4Mul)),
    );
    const body = ops(
      zero(acc, gEnd, o),
      zero(acc2, gEnd, o),
      rowLoop(rows, stride, gEnd, o, [dy, x], step),
    );
    const locals: [number, number][] = [
      [2, I32],
      [1, V128],
    ];
    return { name: 'gsum', params: Array<number>(8).fill(I32), locals, body };
  })();
  const dx = (() => {
    const [dy, x, out, rows, stride, gEnd, mean, gr, kx, k0, o] = [
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ];
    const step = ops(
      ...ops(at(out, o), load(dy, o), load(gr, o), op.f32x4Mul),
      ...ops(load(x, o), load(mean, o), op.f32x4Sub, load(kx, o), op.f32x4Mul, op.f32x4Add),
      ...ops(load(k0, o), op.f32x4Add, op.v128Store()),
    );
    const body = rowLoop(rows, stride, gEnd, o, [dy, x, out], step);
    return { name: 'dx', params: Array<number>(10).fill(I32), locals: [[1, I32]], body };
  })();
  return moduleBytes(shared, [sum, sq, apply, gsum, dx] as Parameters<typeof moduleBytes>[1]);
}

export const fnsFor = instancePerMemory(bnModuleBytes, (e) => ({
  sum: e['sum'] as BnFns['sum'],
  sq: e['sq'] as BnFns['sq'],
  apply: e['apply'] as BnFns['apply'],
  gsum: e['gsum'] as BnFns['gsum'],
  dx: e['dx'] as BnFns['dx'],
}));
