/**
 * The kernel modes (./kernels.ts says what each runs), without TensorFlow.js: the settings UI
 * and the CLI's parser name them before (or without) loading tfjs.
 */
export type KernelMode = 'auto' | 'tfjs' | 'fused';

/** Every mode, in the order the settings and `--kernels` list them. */
export const KERNEL_MODES: readonly KernelMode[] = ['auto', 'tfjs', 'fused'];

export function isKernelMode(v: unknown): v is KernelMode {
  return typeof v === 'string' && (KERNEL_MODES as readonly string[]).includes(v);
}

/** The kernels a mode runs on a backend ('auto': fused on webgpu only), as runs record them. */
export function resolvedKernels(mode: KernelMode, backend: string | null): 'tfjs' | 'fused' {
  return mode === 'fused' || (mode === 'auto' && backend === 'webgpu') ? 'fused' : 'tfjs';
}

/** The page URL's parameter that sets the mode for that page (the CLI's `--kernels`). */
export const KERNELS_PARAM = 'kernels';
