/**
 * Training-mode batch norm's full-size passes as four kernels over the wasm backend's memory,
 * each one hand-assembled WebAssembly SIMD function (f32x4, ./wasmAsm.ts) instead of a chain of
 * stock kernels: x and dy are [M, C] row-major (NHWC flattened, channels contiguous).
 *
 * - FerBnMoments (x) -> [mean, variance], two [C] tensors: Σx, then Σ(x - mean)² about the float32
 *   mean (two passes over x, so no cancellation however large the mean).
 * - FerBnApply (x; attrs mean, scale, beta) -> y = (x - mean) scale + beta, one pass.
 * - FerBnGradSums (dy, x; attrs mean) -> [2, C]: Σdy, then Σdy (x - mean), one pass.
 * - FerBnDx (dy, x; attrs mean, gr, kx, k0) -> dx = dy gr + (x - mean) kx + k0, one pass.
 *
 * The [C] vectors come as attrs (plain numbers) and are copied into a scratch buffer on the heap
 * for the call. Sums are float32 partial sums over blocks of BLOCK rows, added in float64 in
 * JavaScript (the stock path sums a whole H W map per sample in float32 in its average pool).
 * Channels past the last multiple of 4 (and all of them without the SIMD functions) go through
 * JavaScript loops, in float64 for the sums. Outputs and scratch are allocated before any view
 * of the heap is taken: allocating can grow the heap, which detaches views taken earlier.
 *
 * src/model/batchNorm.ts uses them on wasm when `hasBatchNormSimd()`; cpu, wasm without SIMD
 * and the GPU backends keep their paths. Registered for 'wasm' only.
 */
import * as tf from '@tensorflow/tfjs';
import {
  backendWasmMemory,
  I32,
  instancePerMemory,
  moduleBytes,
  op,
  ops,
  V128,
  type WasmModuleLike,
} from './wasmAsm';

export const BN_MOMENTS = 'FerBnMoments';
export const BN_APPLY = 'FerBnApply';
export const BN_GRAD_SUMS = 'FerBnGradSums';
export const BN_DX = 'FerBnDx';

/** Rows per float32 partial sum (then added in float64). */
const BLOCK = 128;

interface WasmBackendRaw {
  wasm?: WasmModuleLike;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The module's functions; every argument an i32 (addresses and strides in bytes). */
interface BnFns {
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

const fnsFor = instancePerMemory(bnModuleBytes, (e) => ({
  sum: e['sum'] as BnFns['sum'],
  sq: e['sq'] as BnFns['sq'],
  apply: e['apply'] as BnFns['apply'],
  gsum: e['gsum'] as BnFns['gsum'],
  dx: e['dx'] as BnFns['dx'],
}));

let simdEnabled = true;

/**
 * Whether wasm may use the SIMD functions (default true); returns the previous setting. With it
 * off, `hasBatchNormSimd()` is false and batch norm takes its stock-kernel path (tests, benches).
 */
export function setBatchNormSimdEnabled(on: boolean): boolean {
  const was = simdEnabled;
  simdEnabled = on;
  return was;
}

function bnFns(backendName: string, backend: unknown): BnFns | null {
  if (backendName !== 'wasm' || !simdEnabled) return null;
  const memory = backendWasmMemory((backend as WasmBackendRaw).wasm);
  return memory ? fnsFor(memory) : null;
}

function need(t: tf.TensorInfo | undefined, what: string): tf.TensorInfo {
  if (!t || t.dtype !== 'float32') throw new Error(`${what}: needs a float32 tensor`);
  return t;
}

function vectorAttr(attrs: tf.NamedAttrMap | undefined, name: string, c: number): number[] {
  const v = attrs?.[name];
  if (!Array.isArray(v) || v.length !== c) throw new Error(`batch norm kernel: ${name}[${c}]`);
  return v as number[];
}

/** Rows M and channels C of a [..., C] tensor. */
function rowsAndChannels(t: tf.TensorInfo): [number, number] {
  const c = t.shape[t.shape.length - 1] ?? 1;
  const size = t.shape.reduce((a, b) => a * b, 1);
  return [c > 0 ? size / c : 0, c];
}

/** Float32 scratch on the heap: allocate before taking any view, free with `free`. */
function scratch(b: WasmBackendRaw, n: number): tf.TensorInfo {
  return b.makeOutput([Math.max(n, 1)], 'float32');
}

/** Per-channel sums over [M, C] into float64 `sums`: SIMD per block of rows, JS for the tail. */
function blockSums(
  m: number,
  c: number,
  g4: number,
  sums: Float64Array[],
  acc: Float32Array,
  run: (rowOffset: number, rows: number) => void,
  tail: (i: number, j: number) => void,
): void {
  if (g4 > 0)
    for (let r0 = 0; r0 < m; r0 += BLOCK) {
      run(r0, Math.min(BLOCK, m - r0));
      sums.forEach((s, k) => {
        for (let j = 0; j < g4; j++) s[j] = (s[j] ?? 0) + (acc[k * g4 + j] ?? NaN);
      });
    }
  if (g4 < c) for (let i = 0; i < m; i++) for (let j = g4; j < c; j++) tail(i, j);
}

const kernelFuncs: Record<string, tf.KernelFunc> = {
  [BN_MOMENTS]: ({ inputs, backend }) => {
    const b = backend as WasmBackendRaw;
    const x = need(inputs.x, BN_MOMENTS);
    const [m, c] = rowsAndChannels(x);
    const fns = bnFns('wasm', backend);
    const g4 = fns && m > 0 ? 4 * Math.floor(c / 4) : 0;
    const meanOut = b.makeOutput([c], 'float32');
    const varOut = b.makeOutput([c], 'float32');
    const tmp = scratch(b, 2 * c); // mean (float32), then the block's sums
    try {
      const [xv, mean, variance, s] = [x, meanOut, varOut, tmp].map((t) => b.typedArrayFromHeap(t));
      if (!xv || !mean || !variance || !s) throw new Error(`${BN_MOMENTS}: no memory`);
      const acc = s.subarray(c);
      const [stride, gEnd] = [4 * c, 4 * g4];
      const sums = new Float64Array(c);
      blockSums(
        m,
        c,
        g4,
        [sums],
        acc,
        (r0, rows) => fns?.sum(xv.byteOffset + r0 * stride, rows, stride, acc.byteOffset, gEnd),
        (i, j) => {
          sums[j] = (sums[j] ?? 0) + (xv[i * c + j] ?? NaN);
        },
      );
      for (let j = 0; j < c; j++) mean[j] = (sums[j] ?? NaN) / m;
      s.set(mean.subarray(0, c));
      sums.fill(0);
      const meanAt = s.byteOffset;
      blockSums(
        m,
        c,
        g4,
        [sums],
        acc,
        (r0, rows) =>
          fns?.sq(xv.byteOffset + r0 * stride, rows, stride, acc.byteOffset, gEnd, meanAt),
        (i, j) => {
          const d = (xv[i * c + j] ?? NaN) - (mean[j] ?? NaN);
          sums[j] = (sums[j] ?? 0) + d * d;
        },
      );
      for (let j = 0; j < c; j++) variance[j] = (sums[j] ?? NaN) / m;
    } finally {
      b.disposeData(tmp.dataId, true);
    }
    return [meanOut, varOut];
  },

  [BN_APPLY]: ({ inputs, backend, attrs }) => {
    const b = backend as WasmBackendRaw;
    const x = need(inputs.x, BN_APPLY);
    const [m, c] = rowsAndChannels(x);
    const vectors = ['mean', 'scale', 'beta'].map((name) => vectorAttr(attrs, name, c));
    const fns = bnFns('wasm', backend);
    const g4 = fns && m > 0 ? 4 * Math.floor(c / 4) : 0;
    const out = b.makeOutput([...x.shape], 'float32');
    const tmp = scratch(b, 3 * c);
    try {
      const [xv, yv, s] = [x, out, tmp].map((t) => b.typedArrayFromHeap(t));
      if (!xv || !yv || !s) throw new Error(`${BN_APPLY}: no memory`);
      vectors.forEach((v, k) => s.set(v, k * c));
      const [mean, scale, beta] = [0, 1, 2].map((k) => s.subarray(k * c, (k + 1) * c)) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      if (fns && g4 > 0) {
        const [p, q] = [xv.byteOffset, yv.byteOffset];
        fns.apply(p, q, m, 4 * c, 4 * g4, mean.byteOffset, scale.byteOffset, beta.byteOffset);
      }
      for (let i = 0; g4 < c && i < m; i++)
        for (let j = g4, k = i * c + g4; j < c; j++, k++)
          yv[k] = ((xv[k] ?? NaN) - (mean[j] ?? NaN)) * (scale[j] ?? NaN) + (beta[j] ?? NaN);
    } finally {
      b.disposeData(tmp.dataId, true);
    }
    return out;
  },

  [BN_GRAD_SUMS]: ({ inputs, backend, attrs }) => {
    const b = backend as WasmBackendRaw;
    const x = need(inputs.x, BN_GRAD_SUMS);
    const dy = need(inputs.dy, BN_GRAD_SUMS);
    const [m, c] = rowsAndChannels(x);
    const meanAttr = vectorAttr(attrs, 'mean', c);
    const fns = bnFns('wasm', backend);
    const g4 = fns && m > 0 ? 4 * Math.floor(c / 4) : 0;
    const out = b.makeOutput([2, c], 'float32');
    const tmp = scratch(b, c + 2 * g4); // mean, then the block's two sums
    try {
      const [xv, dyv, ov, s] = [x, dy, out, tmp].map((t) => b.typedArrayFromHeap(t));
      if (!xv || !dyv || !ov || !s) throw new Error(`${BN_GRAD_SUMS}: no memory`);
      s.set(meanAttr);
      const mean = s.subarray(0, c);
      const acc = s.subarray(c);
      const [stride, gEnd] = [4 * c, 4 * g4];
      const [sumDy, sumDyXc] = [new Float64Array(c), new Float64Array(c)];
      blockSums(
        m,
        c,
        g4,
        [sumDy, sumDyXc],
        acc,
        (r0, rows) => {
          const off = r0 * stride;
          const [a, a2] = [acc.byteOffset, acc.byteOffset + gEnd];
          fns?.gsum(
            dyv.byteOffset + off,
            xv.byteOffset + off,
            rows,
            stride,
            a,
            a2,
            gEnd,
            mean.byteOffset,
          );
        },
        (i, j) => {
          const d = dyv[i * c + j] ?? NaN;
          sumDy[j] = (sumDy[j] ?? 0) + d;
          sumDyXc[j] = (sumDyXc[j] ?? 0) + d * ((xv[i * c + j] ?? NaN) - (mean[j] ?? NaN));
        },
      );
      ov.set(sumDy);
      ov.set(sumDyXc, c);
    } finally {
      b.disposeData(tmp.dataId, true);
    }
    return out;
  },

  [BN_DX]: ({ inputs, backend, attrs }) => {
    const b = backend as WasmBackendRaw;
    const x = need(inputs.x, BN_DX);
    const dy = need(inputs.dy, BN_DX);
    const [m, c] = rowsAndChannels(x);
    const vectors = ['mean', 'gr', 'kx', 'k0'].map((name) => vectorAttr(attrs, name, c));
    const fns = bnFns('wasm', backend);
    const g4 = fns && m > 0 ? 4 * Math.floor(c / 4) : 0;
    const out = b.makeOutput([...x.shape], 'float32');
    const tmp = scratch(b, 4 * c);
    try {
      const [xv, dyv, ov, s] = [x, dy, out, tmp].map((t) => b.typedArrayFromHeap(t));
      if (!xv || !dyv || !ov || !s) throw new Error(`${BN_DX}: no memory`);
      vectors.forEach((v, k) => s.set(v, k * c));
      const [mean, gr, kx, k0] = [0, 1, 2, 3].map((k) => s.subarray(k * c, (k + 1) * c)) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      if (fns && g4 > 0) {
        const [p, q, r] = [dyv.byteOffset, xv.byteOffset, ov.byteOffset];
        const [a, g, k, z] = [mean, gr, kx, k0].map((v) => v.byteOffset) as [
          number,
          number,
          number,
          number,
        ];
        fns.dx(p, q, r, m, 4 * c, 4 * g4, a, g, k, z);
      }
      for (let i = 0; g4 < c && i < m; i++)
        for (let j = g4, e = i * c + g4; j < c; j++, e++) {
          const xc = (xv[e] ?? NaN) - (mean[j] ?? NaN);
          ov[e] = (dyv[e] ?? NaN) * (gr[j] ?? NaN) + xc * (kx[j] ?? NaN) + (k0[j] ?? NaN);
        }
    } finally {
      b.disposeData(tmp.dataId, true);
    }
    return out;
  },
};

let installed = false;

/** Registers the four kernels for 'wasm' (idempotent). */
export function installBnKernels(): void {
  if (installed) return;
  for (const [kernelName, kernelFunc] of Object.entries(kernelFuncs))
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  installed = true;
}

/**
 * Whether batch norm's passes run as the WebAssembly SIMD functions on the active backend: the
 * kernels installed, wasm with SIMD, its memory found, not disabled.
 */
export function hasBatchNormSimd(): boolean {
  return installed && bnFns(tf.getBackend(), tf.backend()) !== null;
}
