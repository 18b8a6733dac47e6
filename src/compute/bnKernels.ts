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
import { fnsFor } from './bnModule';
import { simdPath, type WasmHeapBackend } from './wasmAsm';

interface WasmBackendRaw extends WasmHeapBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

export const BN_MOMENTS = 'FerBnMoments';
export const BN_APPLY = 'FerBnApply';
export const BN_GRAD_SUMS = 'FerBnGradSums';
export const BN_DX = 'FerBnDx';

/** Rows per float32 partial sum (then added in float64). */
const BLOCK = 128;

const simd = simdPath(fnsFor);

/**
 * Whether wasm may use the SIMD function(s) (default true); returns the previous setting. Tests
 * and benchmarks compare them with the fallback on the same backend.
 */
export function setBatchNormSimdEnabled(on: boolean): boolean {
  return simd.setEnabled(on);
}

const bnFns = (backendName: string, backend: unknown) => simd.functions(backendName, backend);

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
