/**
 * What the page hands a worker that runs a model: the backend it runs (the worker starts the
 * same one) and the kernel mode (src/model/kernels.ts; the Compute settings' "Kernels", or the
 * CLI's `--kernels`). Not part of a run's hashed config: docs/backends.md, "Kernel modes".
 */
import type { BackendName } from './backendInfo';
import type { KernelMode } from '../model/kernelModes';

export interface ComputeChoice {
  backend: BackendName | null;
  kernels: KernelMode;
}
