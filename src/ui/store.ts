import { create } from 'zustand';
import { describeBackend, initBackend, type BackendInfo } from '../compute/backend';

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
      set({ backend: await initBackend(), backendError: null });
    } catch (e) {
      set({ backendError: e instanceof Error ? e.message : String(e) });
    }
  },
}));

export { describeBackend };
