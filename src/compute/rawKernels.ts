/**
 * Max-pooling's gradient as one kernel written in plain JavaScript over a backend's own memory,
 * for the backends whose tensors live in memory JavaScript can address: 'wasm' (views of the
 * wasm heap) and 'cpu' (its typed arrays). dy goes to each window's first maximum in row-major
 * order (tfjs's CPU rule). wasm's own MaxPoolGrad is wrong (src/compute/wasmGrads.ts), and the
 * substitute built from forward kernels (./maxPoolGrad.ts) takes ~8 kernels per window tap:
 * 42 ms against 17 ms here for the stem's [2, 112, 112, 32] -> [2, 56, 56, 32] pool (Node, wasm).
 *
 * Only this one: JavaScript loops run at 1.5-3 ns per element here, against 0.2-0.5 ns for
 * wasm's SIMD element-wise kernels, so a fused batch norm written this way (3 passes forward, 2
 * backward) was slower than ~10 SIMD kernels (57 against 40 ms for one [2, 112, 112, 32] layer).
 * The output is allocated before any view is taken: allocating can grow the wasm heap, which
 * detaches views taken earlier.
 */
import * as tf from '@tensorflow/tfjs';

export const MAX_POOL_GRAD = 'FerMaxPoolGrad';
const BACKENDS = ['wasm', 'cpu'] as const;

/** Float32 memory of a tensor and new outputs, for the backends above. */
interface Raw {
  alloc(shape: number[]): tf.TensorInfo;
  view(t: tf.TensorInfo): Float32Array;
}

interface WasmBackendRaw {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

interface CpuBackendRaw {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  data: { get(dataId: unknown): { values: Float32Array } };
}

function raw(backendName: string, backend: unknown): Raw {
  if (backendName === 'wasm') {
    const b = backend as WasmBackendRaw;
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
    const xv = r.view(x);
    const dy = r.view(dyInfo);
    const dx = r.view(out);
    dx.fill(0); // wasm's allocation is not zeroed
    const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Per output pixel, channels innermost (contiguous): the running maximum and where it is.
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
                for (let ch = 0; ch < c; ch++) {
                  best[ch] = xv[base + ch] as number;
                  at[ch] = base + ch;
                }
                first = false;
              } else
                for (let ch = 0; ch < c; ch++) {
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
            for (let ch = 0; ch < c; ch++) {
              const i = at[ch] as number;
              dx[i] = (dx[i] as number) + (dy[o + ch] as number);
            }
        }
    }
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

/** Whether the active backend runs the kernels above. */
export function hasRawKernels(): boolean {
  return installed && (BACKENDS as readonly string[]).includes(tf.getBackend());
}
