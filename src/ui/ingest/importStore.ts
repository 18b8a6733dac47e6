import { create } from 'zustand';
import { toStorageError } from '../../storage/errors';
import { commitImport } from '../../ingest/api';
import {
  probePlan,
  type CommitResult,
  type ProgressReport,
  type Prober,
} from '../../ingest/importer';
import { planImport } from '../../ingest/plan';
import { probeMedia } from '../../ingest/media/probe';
import { summarise, type ImportSummary } from '../../ingest/summary';
import type { CanonicalClass } from '../../ingest/labels';
import type { ImportPlan, LayoutKind, SourceFile } from '../../ingest/types';
import { useDatasetsStore } from '../datasets/datasetsStore';

export type ImportPhase = 'idle' | 'planning' | 'probing' | 'review' | 'storing' | 'done' | 'error';

export interface ImportResult extends ImportSummary, CommitResult {}

export interface ImportState {
  phase: ImportPhase;
  plan: ImportPlan | null;
  summary: ImportSummary | null;
  progress: ProgressReport | null;
  result: ImportResult | null;
  error: string | null;
  /** Dataset whose unfinished import the next commit resumes. */
  resumeInto: string | null;
  start: (
    files: SourceFile[],
    opts?: { layout?: LayoutKind; name?: string },
  ) => Promise<ImportSummary | null>;
  setMapping: (rawLabel: string, canonical: CanonicalClass | null) => void;
  setName: (name: string) => void;
  setResumeInto: (datasetId: string | null) => void;
  commit: () => Promise<ImportResult | null>;
  cancel: () => void;
  reset: () => void;
}

const probe: Prober = async (file, name) => {
  const p = await probeMedia(file, name);
  return { mime: p.mime, width: p.width, height: p.height, durationSec: p.durationSec };
};

let controller: AbortController | null = null;

export const useImportStore = create<ImportState>((set, get) => ({
  phase: 'idle',
  plan: null,
  summary: null,
  progress: null,
  result: null,
  error: null,
  resumeInto: null,
  start: async (files, opts) => {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    set({
      phase: 'planning',
      plan: null,
      summary: null,
      result: null,
      error: null,
      progress: null,
    });
    try {
      if (files.length === 0) throw new Error('Nothing to import: the drop held no files.');
      const planned = await planImport(files, opts);
      set({ phase: 'probing' });
      const plan = await probePlan(planned, probe, {
        signal,
        onProgress: (progress) => set({ progress }),
      });
      const summary = summarise(plan);
      // An unfinished import of a dataset with the same name is resumed by default.
      const unfinished = useDatasetsStore.getState();
      const match = unfinished.datasets.find(
        (d) => d.name === plan.name && unfinished.unfinished.some((j) => j.datasetId === d.id),
      );
      set({ phase: 'review', plan, summary, progress: null, resumeInto: match?.id ?? null });
      return summary;
    } catch (e) {
      if (signal.aborted) return null;
      set({ phase: 'error', error: e instanceof Error ? e.message : String(e) });
      return null;
    }
  },
  setMapping: (rawLabel, canonical) => {
    const plan = get().plan;
    if (!plan) return;
    const next = { ...plan, classMap: { ...plan.classMap, [rawLabel]: canonical } };
    set({ plan: next, summary: summarise(next) });
  },
  setName: (name) => {
    const plan = get().plan;
    if (!plan) return;
    const next = { ...plan, name };
    set({ plan: next, summary: summarise(next) });
  },
  setResumeInto: (resumeInto) => set({ resumeInto }),
  commit: async () => {
    const { plan, summary, resumeInto } = get();
    if (!plan || !summary) return null;
    controller = new AbortController();
    set({
      phase: 'storing',
      progress: { phase: 'storing', done: 0, total: plan.items.length, bytesDone: 0 },
    });
    try {
      const r = await commitImport(plan, {
        ...(resumeInto ? { datasetId: resumeInto } : {}),
        signal: controller.signal,
        onProgress: (progress) => set({ progress }),
      });
      const result: ImportResult = { ...summary, ...r };
      set({ phase: 'done', result, progress: null, resumeInto: null });
      await useDatasetsStore.getState().refresh();
      return result;
    } catch (e) {
      set({ phase: 'error', error: toStorageError(e, 'import').message, progress: null });
      await useDatasetsStore.getState().refresh();
      return null;
    }
  },
  cancel: () => {
    controller?.abort();
    if (get().phase !== 'storing')
      set({ phase: 'idle', plan: null, summary: null, progress: null });
  },
  reset: () =>
    set({ phase: 'idle', plan: null, summary: null, result: null, error: null, progress: null }),
}));
