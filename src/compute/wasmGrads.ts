/**
 * Gradients for backends that lack TensorFlow.js's own gradient kernels, built from kernels
 * every backend has. The WASM backend (tfjs-backend-wasm 4.22) has Conv2D and a slow
 * Conv2DBackpropInput but no Conv2DBackpropFilter, so stock tfjs cannot train a convolution on it.
 *
 * `installMissingGradients` registers a gradient for the Conv2D kernel that is tfjs's own where
 * the active backend has the kernels and otherwise ./convGrads.ts's: dx by a convolution of dy
 * with the flipped kernel (stride 1) or by stride phases (stride 2), dW by one convolution with
 * channels and batch swapped, all on XNNPACK on wasm. Being a registered gradient (thunks per
 * input), the tape computes only the gradients it needs: no dx for the network's first
 * convolution, whose input is data (a `tf.customGrad` computes every input's gradient: 15% of the
 * step here). `conv2dCustomGrad` / `groupedConvCustomGrad` are the same maths as a
 * `tf.customGrad`, kept for the comparisons in the tests (im2col + matMul, Conv2DBackpropInput).
 *
 * Max-pooling: wasm 4.22 registers MaxPoolGrad but its result is wrong, so on those backends
 * MaxPool's gradient is our kernel where the backend has it (./rawKernels.ts: wasm, cpu) and
 * `maxPoolGradByTaps` (./maxPoolGrad.ts) elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { convDw, convDwByConv, convDxByConv } from './convGrads';
import { maxPoolGradByTaps } from './maxPoolGrad';
import { hasRawKernels, MAX_POOL_GRAD } from './rawKernels';
import { type GroupedConvImplementation, splitGroupedConv } from '../model/groupedConv';

/** Kernels our network's backward pass needs that a backend may lack. */
export const GRADIENT_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
] as const;
export type GradientKernel = (typeof GRADIENT_KERNELS)[number];

/** Whether `backend` registers `kernel` (tf.getKernel's type hides that it may return undefined). */
export function hasKernel(kernel: string, backend: string): boolean {
  return (tf.getKernel(kernel, backend) as tf.KernelConfig | undefined) !== undefined;
}

/** Kernels a backend registers but which give wrong results (measured; see the tests). */
export const UNRELIABLE_KERNELS: Readonly<Record<string, readonly GradientKernel[]>> = {
  wasm: ['MaxPoolGrad'],
};

/**
 * The gradient kernels `backend` (default: the active one) has no implementation of, or only a
 * wrong one (`UNRELIABLE_KERNELS`).
 */
export function missingGradKernels(backend: string = tf.getBackend()): GradientKernel[] {
  const wrong = UNRELIABLE_KERNELS[backend] ?? [];
  return GRADIENT_KERNELS.filter((k) => !hasKernel(k, backend) || wrong.includes(k));
}

function numberPad(pad: unknown, what: string): number {
  if (typeof pad === 'number') return pad;
  if (pad === 'valid') return 0;
  throw new Error(`${what}: only numeric or 'valid' padding is supported here, got ${String(pad)}`);
}

/**
 * MaxPool's gradient: tfjs's own where the backend's MaxPoolGrad is sound, else our JavaScript
 * kernel where the backend has it (./rawKernels.ts: wasm, cpu), else taps.
 */
function maxPoolGradConfig(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      if (!missingGradKernels().includes('MaxPoolGrad')) return stock.gradFunc(dy, saved, attrs);
      const [x, y] = saved as [tf.Tensor4D, tf.Tensor4D];
      if (hasRawKernels())
        return {
          x: () =>
            tf.engine().runKernel<tf.Tensor>(MAX_POOL_GRAD, { dy: dy as tf.Tensor4D, x }, attrs),
        };
      const size = attrs.filterSize;
      const strides = attrs.strides;
      const k = Array.isArray(size) ? Number(size[0]) : Number(size);
      const s = Array.isArray(strides) ? Number(strides[0]) : Number(strides);
      if (
        (Array.isArray(size) && size[0] !== size[1]) ||
        (Array.isArray(strides) && strides[0] !== strides[1])
      )
        throw new Error('maxPool gradient: only square windows and strides are supported here');
      const p = numberPad(attrs.pad, 'maxPool gradient');
      return { x: () => maxPoolGradByTaps(dy as tf.Tensor4D, x, y, k, s, p) };
    },
  };
}

export interface CustomGradOptions {
  /**
   * dx by the backend's Conv2DBackpropInput (`conv2dTranspose`) instead of a Conv2D of the dilated
   * dy. On wasm the Conv2D route is faster (XNNPACK: 1.1-3.8x on our layers), so it is the default.
   */
  dxByTranspose?: boolean;
  /** dW by im2col + matMul instead of one dilated convolution (kept for comparison). */
  dwByMatMul?: boolean;
}

/**
 * `tf.conv2d(x, w, strides, pad)` (NHWC, symmetric numeric padding as PyTorch's Conv2d) whose
 * gradients avoid Conv2DBackpropFilter, and Conv2DBackpropInput where the backend lacks it.
 */
export function conv2dCustomGrad(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  strides: number,
  pad: number,
  opts: CustomGradOptions = {},
): tf.Tensor4D {
  const f = tf.customGrad<tf.Tensor4D>((...args) => {
    const [x4, w4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x4, w4]);
    return {
      value: tf.conv2d<tf.Tensor4D>(x4, w4, strides, pad),
      gradFunc: (dy4, saved) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const useTranspose =
          opts.dxByTranspose === true && hasKernel('Conv2DBackpropInput', tf.getBackend());
        const dx = useTranspose
          ? tf.conv2dTranspose(dy4, ws, xs.shape, strides, pad)
          : convDxByConv(dy4, ws, xs.shape, strides, pad);
        const dw = opts.dwByMatMul
          ? convDw(xs, dy4, ws.shape, strides, pad)
          : convDwByConv(xs, dy4, ws.shape, strides, pad);
        return [dx, dw];
      },
    };
  });
  return f(x, w);
}

/** Grouped convolution as `splitGroupedConv` (split, one conv per group, concat) with the custom gradients. */
export function groupedConvCustomGrad(opts: CustomGradOptions = {}): GroupedConvImplementation {
  return (x, kernel, { groups, strides, pad }) => {
    const [, , cinG, cout] = kernel.shape;
    if (x.shape[3] !== cinG * groups || cout % groups !== 0)
      return splitGroupedConv(x, kernel, { groups, strides, pad }); // throws its shape error
    if (groups === 1) return conv2dCustomGrad(x, kernel, strides, pad, opts);
    return tf.tidy(() => {
      const xs = tf.split(x, groups, 3); // groups x [N, H, W, cin/g]
      const ks = tf.split(kernel, groups, 3); // groups x [kh, kw, cin/g, cout/g]
      const ys = xs.map((xg, g) =>
        conv2dCustomGrad(xg as tf.Tensor4D, ks[g] as tf.Tensor4D, strides, pad, opts),
      );
      return tf.concat<tf.Tensor4D>(ys, 3); // [N, H', W', cout]
    });
  };
}

/** Stride or dilation attribute as one number (square only). */
function squareAttr(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 2 && v[0] === v[1]) return Number(v[0]);
  throw new Error(`conv2d gradient: only square ${what} are supported here, got ${String(v)}`);
}

/** Symmetric padding of conv2d(x [N, H, W, C], w, stride s, pad); throws where it is not symmetric. */
function convPad(
  pad: unknown,
  xShape: readonly number[],
  kShape: readonly number[],
  s: number,
): number {
  if (pad !== 'same') return numberPad(pad, 'conv2d gradient');
  const sides = [1, 2].map((a) => {
    const size = xShape[a] ?? 0;
    const k = kShape[a - 1] ?? 1;
    return Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
  });
  const [ph, pw] = sides;
  if (ph !== pw || ph === undefined || ph % 2 !== 0)
    throw new Error(`conv2d gradient: 'same' padding here is asymmetric (${sides.join(', ')})`);
  return ph / 2;
}

/** Conv2D's gradient: tfjs's own where the backend has the kernels, ours elsewhere. */
function conv2dGradConfig(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const missing = missingGradKernels();
      if (!missing.includes('Conv2DBackpropFilter') && !missing.includes('Conv2DBackpropInput'))
        return stock.gradFunc(dy, saved, attrs);
      const [x, w] = saved as [tf.Tensor4D, tf.Tensor4D];
      if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC')
        throw new Error('conv2d gradient: only NHWC is supported here');
      if (squareAttr(attrs.dilations ?? 1, 'dilations') !== 1)
        throw new Error('conv2d gradient: dilated convolutions are not supported here');
      const s = squareAttr(attrs.strides, 'strides');
      const p = convPad(attrs.pad, x.shape, w.shape, s);
      const d = dy as tf.Tensor4D;
      return {
        x: () => convDxByConv(d, w, x.shape, s, p),
        filter: () => convDwByConv(x, d, w.shape, s, p),
      };
    },
  };
}

let installed = false;

/**
 * Registers the Conv2D and MaxPool gradients above (each falls back to tfjs's own where the
 * active backend's kernels are sound, decided per call, so switching backends needs nothing
 * more). Idempotent.
 */
export function installMissingGradients(): void {
  if (installed) return;
  tf.registerGradient(conv2dGradConfig(tf.getGradient('Conv2D')));
  tf.registerGradient(maxPoolGradConfig(tf.getGradient('MaxPool')));
  installed = true;
}
