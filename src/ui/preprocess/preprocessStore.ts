import { create } from 'zustand';
import {
  getPreprocessStatus,
  listItemOutcomes,
  setPreprocessWorkers,
  startPreprocess,
  type PreprocessHandle,
  type PreprocessStatus,
  type PreprocessSummary,
  type RunProgress,
} from '../../preprocess/api';
import type { PreprocessConfigInput } from '../../preprocess/config';
import { outcomeNotes, type OutcomeNote } from '../../preprocess/outcomeNotes';
import { progressRefresher } from './progressRefresh';

/** Remembers an unfinished run so a reload picks it up again (the runner skips finished items). */
const RUNNING_KEY = 'fer.preprocess.running';

interface RunningMark {
  datasetId: string;
  config: PreprocessConfigInput;
}

function readMark(): RunningMark | null {
  try {
    const raw = localStorage.getItem(RUNNING_KEY);
    return raw ? (JSON.parse(raw) as RunningMark) : null;
  } catch {
    return null;
  }
}

export interface PreprocessState {
  /** The dataset of the running (or last) run. */
  datasetId: string | null;
  /** The dataset the panel shows: refreshes for any other are dropped when they arrive. */
  viewing: string | null;
  status: PreprocessStatus | null;
  /** The status's dataset's flagged and failed items, each with why. */
  notes: OutcomeNote[];
  progress: RunProgress | null;
  summary: PreprocessSummary | null;
  error: string | null;
  handle: PreprocessHandle | null;
  settings: PreprocessConfigInput & { workers: number | null };
  setSettings: (s: Partial<PreprocessState['settings']>) => void;
  refresh: (datasetId: string) => Promise<void>;
  start: (datasetId: string) => Promise<PreprocessSummary | null>;
  pause: () => void;
  resume: () => void;
  cancel: () => void;
  /** After a reload: continue a run that was going when the tab closed. */
  resumeAfterReload: () => Promise<void>;
}

/** Refreshes in start order: a slower, older one never overwrites a newer one's counts. */
let refreshesStarted = 0;
let refreshApplied = 0;

export const usePreprocessStore = create<PreprocessState>((set, get) => ({
  datasetId: null,
  viewing: null,
  status: null,
  notes: [],
  progress: null,
  summary: null,
  error: null,
  handle: null,
  settings: { workers: null },
  setSettings: (s) => set({ settings: { ...get().settings, ...s } }),
  refresh: async (datasetId) => {
    set({ viewing: datasetId });
    const seq = ++refreshesStarted;
    try {
      const [status, records] = await Promise.all([
        getPreprocessStatus(datasetId),
        listItemOutcomes(datasetId),
      ]);
      // A slower refresh of a dataset no longer shown does not overwrite the shown one's.
      if (get().viewing !== datasetId || seq < refreshApplied) return;
      refreshApplied = seq;
      set({ status, notes: outcomeNotes(datasetId, records) });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    }
  },
  start: async (datasetId) => {
    if (get().handle) return null;
    const { workers, ...config } = get().settings;
    try {
      setPreprocessWorkers(workers);
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
      return null;
    }
    localStorage.setItem(RUNNING_KEY, JSON.stringify({ datasetId, config } satisfies RunningMark));
    // The counts follow the run (throttled), not only its end.
    const counts = progressRefresher(() => get().refresh(datasetId));
    const handle = startPreprocess(datasetId, config, {
      onProgress: (progress) => {
        set({ progress });
        counts.poke();
      },
    });
    set({ datasetId, handle, progress: handle.progress(), summary: null, error: null });
    try {
      const summary = await handle.done.finally(() => counts.stop());
      if (summary.phase !== 'stopped' || !summary.stopReason) localStorage.removeItem(RUNNING_KEY);
      set({ summary, handle: null, error: summary.stopReason ?? null });
      await get().refresh(datasetId);
      return summary;
    } catch (e) {
      set({ handle: null, error: e instanceof Error ? e.message : String(e) });
      return null;
    }
  },
  pause: () => get().handle?.pause(),
  resume: () => get().handle?.resume(),
  cancel: () => {
    localStorage.removeItem(RUNNING_KEY);
    get().handle?.cancel();
  },
  resumeAfterReload: async () => {
    const mark = readMark();
    if (!mark || get().handle) return;
    set({ settings: { ...get().settings, ...mark.config } });
    await get().start(mark.datasetId);
  },
}));
