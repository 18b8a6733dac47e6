/**
 * Max-pooling's gradient as one kernel over a backend's own memory, for the backends whose
 * tensors live in memory JavaScript can address: 'wasm' (the wasm heap) and 'cpu' (its typed
 * arrays). dy goes to each window's first maximum in row-major order (tfjs's CPU rule). wasm's
 * own MaxPoolGrad is wrong (src/compute/wasmGrads.ts), and the substitute built from forward
 * kernels (./maxPoolGrad.ts) takes ~8 kernels per window tap.
 *
 * On wasm it is a hand-assembled WebAssembly SIMD function (f32x4, ./wasmAsm.ts) over the
 * backend's memory, 4 channels at a time; the last C mod 4 channels, the cpu backend, and wasm
 * without SIMD use the JavaScript loop (~7 ns per window tap and channel: branchy compares).
 * Both route and sum identically. For the stem's [8, 112, 112, 32] -> [8, 56, 56, 32] pool
 * (Node, wasm, 1 thread; scripts/bench/maxpool-grad.ts): ~5 ms SIMD, ~50 ms JS, ~130 ms taps.
 *
 * Only this one in JavaScript: JS loops run at 1.5-3 ns per element here, against 0.2-0.5 ns
 * for wasm's SIMD element-wise kernels, so a fused batch norm written this way (3 passes
 * forward, 2 backward) was slower than ~10 SIMD kernels (57 against 40 ms for one
 * [2, 112, 112, 32] layer). The output is allocated before any view is taken: allocating can
 * grow the wasm heap, which detaches views taken earlier.
 */
import * as tf from '@tensorflow/tfjs';
import {
  simdPath,
  I32,
  instancePerMemory,
  moduleBytes,
  op,
  ops,
  V128,
  type WasmHeapBackend,
} from './wasmAsm';

export const MAX_POOL_GRAD = 'FerMaxPoolGrad';
const BACKENDS = ['wasm', 'cpu'] as const;

/** Float32 memory of a tensor and new outputs, for the backends above. */
interface Raw {
  alloc(shape: number[]): tf.TensorInfo;
  view(t: tf.TensorInfo): Float32Array;
}

interface CpuBackendRaw {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  data: { get(dataId: unknown): { values: Float32Array } };
}

function raw(backendName: string, backend: unknown): Raw {
  if (backendName === 'wasm') {
    const b = backend as WasmHeapBackend;
    return { alloc: (s) => b.makeOutput(s, 'float32'), view: (t) => b.typedArrayFromHeap(t) };
  }
  const b = backend as CpuBackendRaw;
  return {
    alloc: (s) => b.makeTensorInfo(s, 'float32', new Float32Array(s.reduce((x, y) => x * y, 1))),
    view: (t) => b.data.get(t.dataId).values,
  };
}

function need(t: tf.TensorInfo | undefined, what: string): tf.TensorInfo {
  if (!t || t.dtype !== 'float32') throw new Error(`${what}: needs a float32 tensor`);
  return t;
}

/** The pooling geometry and the three tensors' float32 memory. */
interface PoolArgs {
  info: tf.backend_util.Conv2DInfo;
  x: Float32Array;
  dy: Float32Array;
  /** Zeroed. */
  dx: Float32Array;
}

/**
 * The gradient for channels [c0, c1) in JavaScript: per output pixel, channels innermost
 * (contiguous), the running maximum and where it is, from the first in-bounds tap on.
 */
function jsLoop({ info, x: xv, dy, dx }: PoolArgs, c0: number, c1: number): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let n = 0; n < batchSize; n++) {
    const xBase = n * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++) {
        let first = true;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - top + ky;
          if (iy < 0 || iy >= inHeight) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - left + kx;
            if (ix < 0 || ix >= inWidth) continue;
            const base = xBase + (iy * inWidth + ix) * c;
            if (first) {
              for (let ch = c0; ch < c1; ch++) {
                best[ch] = xv[base + ch] as number;
                at[ch] = base + ch;
              }
              first = false;
            } else
              for (let ch = c0; ch < c1; ch++) {
                const v = xv[base + ch] as number;
                if (v > (best[ch] as number)) {
                  best[ch] = v;
                  at[ch] = base + ch;
                }
              }
          }
        }
        const o = ((n * outHeight + oy) * outWidth + ox) * c; // dy's pixel
        if (!first)
          for (let ch = c0; ch < c1; ch++) {
            const i = at[ch] as number;
            dx[i] = (dx[i] as number) + (dy[o + ch] as number);
          }
      }
  }
}

/**
 * One output row of the gradient, channels [0, groupEnd / 4) (a multiple of 4), as a WebAssembly
 * SIMD function over the backend's memory (./wasmAsm.ts). All arguments are i32; addresses and
 * strides in bytes:
 *   r(xRow, delta, dyRow, rows, rowStride, ow, sw, left, kw, w, pixel, groupEnd)
 * xRow: x at the row's first in-bounds tap row, column 0; delta: dx - x; dyRow: dy at the output
 * row; rows (>= 1): in-bounds tap rows; rowStride: one input row; ow (>= 1): output width; sw,
 * left, kw, w: stride, left padding, window width, input width (pixels); pixel: C * 4; groupEnd
 * (>= 16). Per output pixel, 4 channels at a time, the taps of the clipped window in row-major
 * order: `m = v > best; best = bitselect(v, best, m); at = bitselect(address, at, m)` starting
 * from the first tap (compared with itself again: v > v is false, NaN included), which is the
 * JS loop's rule exactly; then dx[at + lane] += dy, one lane at a time. Two groups go together
 * (two independent compare chains) while 8 channels remain, then one.
 */
function poolModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const { get, set, tee, i32 } = op;
  const [xRow, delta, dyRow, rows, rowStride, ow, sw, left, kw, w, pixel, groupEnd] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ];
  // i32 locals 12-21; v128 locals 22-29: best and at for 2 groups, then m, d, s, v.
  const [ox, ix0, cols, ch, pix, rowp, q, r, c, dyp] = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
  const [best, at] = [
    [22, 24],
    [23, 25],
  ] as [number[], number[]];
  const [m, d, s, v] = [26, 27, 28, 29];
  const dec = (i: number): number[] => ops(get(i), i32(1), op.i32Sub, tee(i)); // leaves i - 1
  /** The loop over channel groups, `g` (1 or 2) groups of 4 per iteration. */
  const groupLoop = (g: number): number[] => {
    const init: number[] = [];
    const tap: number[] = ops(get(q), op.i32x4Splat, set(s));
    const scatter: number[] = [];
    for (let k = 0; k < g; k++) {
      const [bk, ak] = [best[k] as number, at[k] as number];
      init.push(...ops(get(rowp), op.v128Load(16 * k), set(bk), get(rowp), op.i32x4Splat, set(ak)));
      tap.push(
        ...ops(get(q), op.v128Load(16 * k), tee(v), get(bk), get(v), get(bk), op.f32x4Gt, tee(m)),
        ...ops(op.bitselect, set(bk), get(s), get(ak), get(m), op.bitselect, set(ak)),
      );
      scatter.push(...ops(get(dyp), get(ch), op.i32Add, op.v128Load(16 * k), set(d)));
      for (let lane = 0; lane < 4; lane++) {
        const offset = 16 * k + 4 * lane; // dx[at[lane] + offset] += dy[lane]
        scatter.push(
          ...ops(get(ak), op.i32x4Lane(lane), get(delta), op.i32Add, tee(q), get(q)),
          ...ops(op.f32Load(offset), get(d), op.f32x4Lane(lane), op.f32Add, op.f32Store(offset)),
        );
      }
    }
    const more =
      g === 2
        ? ops(get(ch), i32(32), op.i32Add, get(groupEnd), op.i32LeU)
        : ops(get(ch), get(groupEnd), op.i32LtU);
    return ops(
      op.loop, // per g groups
      ...ops(get(pix), get(ch), op.i32Add, set(rowp), init, get(rows), set(r)),
      op.loop, // per tap row
      ...ops(get(rowp), set(q), get(cols), set(c)),
      op.loop, // per tap: best = v > best ? v : best; at = v > best ? address : at
      ...ops(tap, get(q), get(pixel), op.i32Add, set(q), dec(c), op.brIf(0), op.end),
      ...ops(get(rowp), get(rowStride), op.i32Add, set(rowp), dec(r), op.brIf(0), op.end),
      ...scatter,
      ...ops(get(ch), i32(16 * g), op.i32Add, set(ch), more, op.brIf(0), op.end),
    );
  };
  const body = ops(
    get(dyRow),
    set(dyp),
    op.loop, // per output pixel
    op.block,
    ...ops(get(ox), get(sw), op.i32Mul, get(left), op.i32Sub, tee(ix0)), // ix0 = ox*sw - left
    ...ops(get(kw), op.i32Add, tee(cols), get(w), get(cols), get(w), op.i32LtS, op.select),
    ...ops(set(cols)), // cols = min(ix0 + kw, w)
    ...ops(get(ix0), i32(0), get(ix0), i32(0), op.i32GtS, op.select, set(ix0)), // max(ix0, 0)
    ...ops(get(cols), get(ix0), op.i32Sub, tee(cols), i32(0), op.i32LeS, op.brIf(0)), // none
    ...ops(get(xRow), get(ix0), get(pixel), op.i32Mul, op.i32Add, set(pix), i32(0), set(ch)),
    // Two groups at a time (independent chains), then a last single group.
    ...ops(op.block, get(groupEnd), i32(32), op.i32LtU, op.brIf(0), groupLoop(2), op.end),
    ...ops(op.block, get(ch), get(groupEnd), op.i32GeU, op.brIf(0), groupLoop(1), op.end),
    op.end, // block
    ...ops(get(dyp), get(pixel), op.i32Add, set(dyp)),
    ...ops(get(ox), i32(1), op.i32Add, tee(ox), get(ow), op.i32LtS, op.brIf(0), op.end),
  );
  const locals: [number, number][] = [
    [10, I32],
    [8, V128],
  ];
  return moduleBytes(shared, [{ name: 'r', params: Array<number>(12).fill(I32), locals, body }]);
}

type PoolRow = (
  xRow: number,
  delta: number,
  dyRow: number,
  rows: number,
  rowStride: number,
  ow: number,
  sw: number,
  left: number,
  kw: number,
  w: number,
  pixel: number,
  groupEnd: number,
) => void;

/** One instance per tfjs WASM memory; null where it cannot be made (no SIMD, no memory). */
const poolRowFor = instancePerMemory(poolModuleBytes, (e) => e['r'] as PoolRow);

const simd = simdPath(poolRowFor);

/**
 * Whether wasm may use the SIMD function(s) (default true); returns the previous setting. Tests
 * and benchmarks compare them with the fallback on the same backend.
 */
export function setMaxPoolSimdEnabled(on: boolean): boolean {
  return simd.setEnabled(on);
}

const poolRow = (backendName: string, backend: unknown) => simd.functions(backendName, backend);

/** The SIMD function, row by row, for channels [0, 4 * groups). */
function simdRows(row: PoolRow, { info, x, dy, dx }: PoolArgs, groups: number): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const pixel = 4 * c;
  const rowStride = pixel * inWidth;
  const delta = dx.byteOffset - x.byteOffset;
  for (let n = 0; n < batchSize; n++)
    for (let oy = 0; oy < outHeight; oy++) {
      const iy = oy * sh - top;
      const iy0 = Math.max(iy, 0);
      const rows = Math.min(iy + kh, inHeight) - iy0;
      if (rows <= 0) continue;
      const xRow = x.byteOffset + (n * inHeight + iy0) * rowStride;
      const dyRow = dy.byteOffset + (n * outHeight + oy) * outWidth * pixel;
      row(xRow, delta, dyRow, rows, rowStride, outWidth, sw, left, kw, inWidth, pixel, 16 * groups);
    }
}

/** Inputs dy [N, Ho, Wo, C], x [N, H, W, C]; attrs filterSize, strides, pad, dimRoundingMode. */
function maxPoolGrad(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const r = raw(backendName, backend);
    const x = need(inputs.x, MAX_POOL_GRAD);
    const dyInfo = need(inputs.dy, MAX_POOL_GRAD);
    const info = tf.backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      attrs?.filterSize as [number, number] | number,
      attrs?.strides as [number, number] | number,
      1,
      attrs?.pad as 'valid' | 'same' | number,
      attrs?.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    );
    const out = r.alloc([...x.shape]);
    const row = poolRow(backendName, backend);
    const args: PoolArgs = { info, x: r.view(x), dy: r.view(dyInfo), dx: r.view(out) };
    args.dx.fill(0); // wasm's allocation is not zeroed
    const c = info.inChannels;
    // 4 channels at a time in WebAssembly; the last C mod 4 (or all, without it) in JavaScript.
    const groups = row && info.outWidth > 0 ? Math.floor(c / 4) : 0;
    if (row && groups > 0) simdRows(row, args, groups);
    if (4 * groups < c) jsLoop(args, 4 * groups, c);
    return out;
  };
}

let installed = false;

/** Registers the kernels above for 'wasm' and 'cpu' (idempotent). */
export function installRawKernels(): void {
  if (installed) return;
  for (const b of BACKENDS)
    tf.registerKernel({ kernelName: MAX_POOL_GRAD, backendName: b, kernelFunc: maxPoolGrad(b) });
  installed = true;
}

/**
 * Whether FerMaxPoolGrad runs as the WebAssembly SIMD function on the active backend (wasm with
 * SIMD, its memory found, not disabled); else it is the JavaScript loop.
 */
export function hasMaxPoolSimd(): boolean {
  return hasRawKernels() && poolRow(tf.getBackend(), tf.backend()) !== null;
}

/** Whether the active backend runs the kernels above. */
export function hasRawKernels(): boolean {
  return installed && (BACKENDS as readonly string[]).includes(tf.getBackend());
}
