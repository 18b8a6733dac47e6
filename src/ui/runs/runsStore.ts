/**
 * The runs stored in this browser, for every panel (Train, Results, Compare, Export,
 * Inference): read once, then kept current from what src/runs/writer.ts announces (the
 * training worker's saves, this tab's changes, other tabs). Panels read `runs` from here and
 * never list runs themselves.
 */
import { create } from 'zustand';
import { listStoredRuns, readPhaseModel, readStoredRun, watchRuns } from '../../runs/api';
import type { PhaseModelRecord, RunRecord } from '../../train/run/record';

export interface RunsState {
  runs: RunRecord[];
  /** False until the first read finished. */
  loaded: boolean;
  error: string | null;
  refresh: () => Promise<void>;
  /** A record this tab got first-hand (e.g. the training worker's save). */
  upsert: (run: RunRecord) => void;
  drop: (id: string) => void;
  /** Follows the writer's announcements; returns the function that stops it. */
  watch: () => () => void;
  /** A finished phase's stored best model (export, inference). */
  phaseModel: (run: RunRecord, phase: number) => Promise<PhaseModelRecord>;
}

/** `runs` with `run` replacing the record of the same id (or first, when new: newest first). */
export function upsertRun(runs: readonly RunRecord[], run: RunRecord): RunRecord[] {
  const i = runs.findIndex((r) => r.id === run.id);
  if (i < 0) return [run, ...runs].sort((a, b) => b.createdAt - a.createdAt);
  const next = [...runs];
  next[i] = run;
  return next;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const useRunsStore = create<RunsState>((set, get) => ({
  runs: [],
  loaded: false,
  error: null,
  refresh: async () => {
    try {
      set({ runs: await listStoredRuns(), loaded: true, error: null });
    } catch (e) {
      set({ loaded: true, error: message(e) });
    }
  },
  upsert: (run) => set({ runs: upsertRun(get().runs, run) }),
  drop: (id) => set({ runs: get().runs.filter((r) => r.id !== id) }),
  watch: () =>
    watchRuns((m) => {
      if (m.deleted) {
        get().drop(m.runId);
        return;
      }
      readStoredRun(m.runId).then(
        (run) => {
          if (run) get().upsert(run);
        },
        (e: unknown) => set({ error: message(e) }),
      );
    }),
  phaseModel: (run, phase) => {
    const p = run.phases.find((x) => x.index === phase);
    return readPhaseModel(run, { index: phase, name: p?.name ?? `phase ${phase}` });
  },
}));
