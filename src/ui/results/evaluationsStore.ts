/**
 * The Results tab's cross-corpus evaluations (issue 18 part 4): the stored records of the
 * selected run, and the "Evaluate on another dataset" action, which runs in the inference
 * worker (src/evaluate/crossEval.ts; the worker stores the record) with its progress here.
 * The panel renders this state; it neither opens the database nor runs a model.
 */
import { create } from 'zustand';
import type { CrossEvaluationRecord, EvalSplit } from '../../evaluate/crossCorpus';
import {
  evaluateRunOnDataset,
  listStoredEvaluations,
  storedEvaluationStaleness,
} from '../../evaluate/crossEval';
import { computeChoice } from '../store';

export interface EvaluationsState {
  /** The run whose records `records` are. */
  runId: string | null;
  records: CrossEvaluationRecord[];
  /** Record id -> its dataset was deleted or changed (preprocessed again, re-mined) since. */
  stale: Record<string, 'deleted' | 'changed'>;
  /** Examples done / total while an evaluation runs (of run `runId`), else null. */
  running: { runId: string; done: number; total: number } | null;
  /** The last error, with the run it belongs to (shown under that run only). */
  error: { runId: string; message: string } | null;
  load: (runId: string) => Promise<void>;
  evaluate: (
    runId: string,
    phase: number | null,
    datasetId: string,
    split: EvalSplit | null,
  ) => Promise<void>;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const useEvaluationsStore = create<EvaluationsState>((set, get) => ({
  runId: null,
  records: [],
  stale: {},
  running: null,
  error: null,
  load: async (runId) => {
    if (get().runId !== runId) set({ runId, records: [], stale: {}, error: null });
    try {
      const records = await listStoredEvaluations(runId);
      const stale = await storedEvaluationStaleness(records);
      if (get().runId === runId) set({ records, stale });
    } catch (e) {
      if (get().runId === runId) set({ error: { runId, message: message(e) } });
    }
  },
  evaluate: async (runId, phase, datasetId, split) => {
    if (get().running) return;
    set({ running: { runId, done: 0, total: 0 }, error: null });
    try {
      await evaluateRunOnDataset(
        computeChoice(),
        { runId, phase, datasetId, split },
        (done, total) => set({ running: { runId, done, total } }),
      );
    } catch (e) {
      set({ error: { runId, message: message(e) } });
    } finally {
      set({ running: null });
    }
    // Another run may be on screen by now: its records stay; this run's load when shown again.
    if (get().runId === runId) await get().load(runId);
  },
}));
