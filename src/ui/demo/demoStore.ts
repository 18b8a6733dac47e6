import { create } from 'zustand';
import { ensureDemoDataset } from '../../ingest/demo/api';
import type { DemoProgress } from '../../ingest/demo/protocol';
import { useDatasetsStore } from '../datasets/datasetsStore';
import { usePreprocessStore } from '../preprocess/preprocessStore';

/**
 * The embedded default: on a first open with no datasets, the synthetic demo is generated
 * and preprocessed, so it is ready to train. Automated browsers (navigator.webdriver: the
 * e2e tests, the headless runner) skip this unless the URL says `?demo=1`; `?demo=0` skips
 * it for people too.
 */
export function shouldAutoDemo(search: string, webdriver: boolean): boolean {
  const flag = new URLSearchParams(search).get('demo');
  if (flag === '1') return true;
  if (flag === '0') return false;
  return !webdriver;
}

export interface DemoState {
  /**
   * 'preprocessing': generated, being preprocessed (the Data tab's panel shows the progress);
   * 'ready': preprocessed, so it can be trained (the status says so, with a way to the Train tab).
   */
  phase: 'idle' | 'generating' | 'preprocessing' | 'ready' | 'error';
  progress: DemoProgress | null;
  error: string | null;
  /** Generates (if missing) and preprocesses the demo dataset. */
  create: () => Promise<void>;
}

export const useDemoStore = create<DemoState>((set, get) => ({
  phase: 'idle',
  progress: null,
  error: null,
  create: async () => {
    if (get().phase === 'generating' || get().phase === 'preprocessing') return;
    set({ phase: 'generating', progress: null, error: null });
    try {
      const { datasetId } = await ensureDemoDataset({
        onProgress: (progress) => set({ progress }),
      });
      set({ phase: 'preprocessing', progress: null });
      await useDatasetsStore.getState().refresh();
      const summary = await usePreprocessStore.getState().start(datasetId);
      // Cancelled, stopped or not started (another preprocessing run): nothing to announce.
      set({ phase: summary?.phase === 'done' ? 'ready' : 'idle' });
    } catch (e) {
      set({ phase: 'error', error: e instanceof Error ? e.message : String(e) });
    }
  },
}));
