import { useAppStore } from '../ui/store';
import { installFaceModelsDebugHook } from '../preprocess/faceModelsDebugHook';
import { installModelDebugHook } from '../model/debugHook';
import type { BackendInfo } from '../compute/backend';

/**
 * A small API on `window.__fer` for the e2e tests and the headless runner (scripts/cli.ts):
 * they call the same code the UI calls, without clicking. Keep it thin: no logic here.
 */
export interface FerTestApi {
  version: 1;
  backend: () => BackendInfo | null;
}

export function installTestApi(): void {
  installFaceModelsDebugHook();
  installModelDebugHook();
  window.__fer = {
    version: 1,
    backend: () => useAppStore.getState().backend,
  };
}
