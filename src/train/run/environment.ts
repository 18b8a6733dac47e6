/** What a run ran on: recorded in every run record (issue #5: backend, adapter, versions). */
import { version as tfjsVersion } from '@tensorflow/tfjs';
import type { BackendInfo } from '../../compute/backend';
import type { RunEnvironment } from './record';
import { fusedKernelsActive } from '../../model/kernels';

/** The app's version (package.json), injected by vite.config.ts; 'dev' when absent. */
declare const __APP_VERSION__: string | undefined;

export function runEnvironment(
  info: BackendInfo,
  device: string,
  userAgent: string,
): RunEnvironment {
  return {
    backend: info.name,
    backendReason: info.reason,
    device,
    tfjsVersion: tfjsVersion.tfjs,
    appVersion: typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev',
    userAgent,
    // Read after the backend is chosen ('auto' resolves by backend).
    kernels: fusedKernelsActive() ? 'fused' : 'tfjs',
  };
}
