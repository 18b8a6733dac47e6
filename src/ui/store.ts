import { create } from 'zustand';
import { BACKEND_ORDER, describeBackend, initBackend, type BackendInfo } from '../compute/backend';

/** App-wide UI state. Data lives in IndexedDB (src/storage); this holds what the UI shows. */
export interface AppState {
  backend: BackendInfo | null;
  backendError: string | null;
  initBackend: () => Promise<void>;
}

export const useAppStore = create<AppState>((set) => ({
  backend: null,
  backendError: null,
  initBackend: async () => {
    try {
      // `?backend=webgl` (or webgpu, cpu) forces a backend first: the settings override and the CLI use it.
      const wanted = new URLSearchParams(location.search).get('backend');
      const preferred = BACKEND_ORDER.find((b) => b === wanted);
      set({ backend: await initBackend(preferred), backendError: null });
    } catch (e) {
      set({ backendError: e instanceof Error ? e.message : String(e) });
    }
  },
}));

export { describeBackend };
