/**
 * Which kernels the backbone runs: 'tfjs' = the stock ops (conv2d, then batch norm, then ReLU, per
 * group); 'fused' = the fused paths on a packed layout (src/model/resnet.ts: all groups in one
 * tensor, one grouped convolution and one batch norm per layer; in inference each conv + batch
 * norm (+ ReLU) is one grouped convolution on weights with the batch norm folded in,
 * src/model/fusedConvBn.ts). 'auto' (the default) = 'fused' on the webgpu backend only, 'tfjs' elsewhere, so the
 * cpu and wasm paths (whose accuracy numbers docs/ quote) stay bit-identical to before. Results
 * of the two agree to ~1e-6 relative (the fold reorders float32 rounding), not bit for bit.
 * docs/backends.md, "Kernel modes", says what each does and why the default.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelMode } from './kernelModes';

export { isKernelMode, KERNEL_MODES, type KernelMode } from './kernelModes';

let mode: KernelMode = 'auto';

/** Sets the kernel mode for every model (a process-wide setting); returns the previous one. */
export function setKernelMode(next: KernelMode): KernelMode {
  const previous = mode;
  mode = next;
  return previous;
}

export function kernelMode(): KernelMode {
  return mode;
}

/** Whether the fused kernels run now: mode 'fused', or 'auto' on the webgpu backend. */
export function fusedKernelsActive(): boolean {
  return mode === 'fused' || (mode === 'auto' && tf.getBackend() === 'webgpu');
}
