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
  phase: 'idle' | 'generating' | 'done' | 'error';
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
    if (get().phase === 'generating') return;
    set({ phase: 'generating', progress: null, error: null });
    try {
      const { datasetId } = await ensureDemoDataset({
        onProgress: (progress) => set({ progress }),
      });
      set({ phase: 'done', progress: null });
      await useDatasetsStore.getState().refresh();
      await usePreprocessStore.getState().start(datasetId);
    } catch (e) {
      set({ phase: 'error', error: e instanceof Error ? e.message : String(e) });
    }
  },
}));
