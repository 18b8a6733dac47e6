/**
 * Between "Start training" and the run: estimate its duration on the current backend
 * (./estimate.ts, from a stored run's step time or a warm-up step measured in the training
 * worker) and, above an hour, ask before starting (issue 17 item 5).
 */
import { create } from 'zustand';
import { measureSteps, storedRuns } from '../../train/client';
import { resolvedKernels } from '../../model/kernelModes';
import type { TrainConfig } from '../../train/config';
import type { DatasetSummary } from '../datasets/datasetsStore';
import { computeChoice } from '../store';
import {
  type ClipCounts,
  type Estimate,
  estimateRun,
  missingRates,
  needsConfirmation,
  planWork,
  type Rate,
  recordedRates,
} from './estimate';

export type StartFn = (config: TrainConfig, name: string) => void;

export interface StartGuardState {
  phase: 'idle' | 'estimating' | 'confirm';
  /** The last estimate (of the run started, or awaiting confirmation). */
  estimate: Estimate | null;
  /** Why there is no estimate (a warm-up step failed), in words. */
  problem: string | null;
  pending: { config: TrainConfig; name: string; start: StartFn } | null;
  /** Estimates the run; starts it at once, or (above an hour) after `confirm`. */
  request: (config: TrainConfig, name: string, counts: ClipCounts, start: StartFn) => Promise<void>;
  confirm: () => void;
  cancel: () => void;
}

/** The clip counts the estimate needs, from the datasets' class counts. */
export function clipCounts(config: TrainConfig, datasets: readonly DatasetSummary[]): ClipCounts {
  const classes = new Set<string>(config.classes);
  const find = (id: string | null) => datasets.find((d) => d.id === id);
  const labelledOf = (d: DatasetSummary | undefined): number =>
    (d?.classes ?? []).reduce(
      (n, c) => n + (c.canonical !== null && classes.has(c.canonical) ? c.count : 0),
      0,
    );
  const own = find(config.data.datasetId);
  const pool = config.data.unlabelledDatasetId
    ? (find(config.data.unlabelledDatasetId)?.itemCount ?? 0)
    : (own?.classes ?? []).filter((c) => c.rawLabel === '').reduce((n, c) => n + c.count, 0);
  return {
    labelled: labelledOf(own),
    unlabelled: pool,
    pretrain: config.pretrain ? labelledOf(find(config.pretrain.datasetId)) : 0,
  };
}

/** Warm-up timings already measured in this tab, per backend, kernels and network size. */
const measured = new Map<string, Rate>();

export const useStartGuard = create<StartGuardState>((set, get) => ({
  phase: 'idle',
  estimate: null,
  problem: null,
  pending: null,
  request: async (config, name, counts, start) => {
    if (get().phase !== 'idle') return;
    set({ phase: 'estimating', estimate: null, problem: null, pending: null });
    const pending = { config, name, start };
    try {
      const choice = computeChoice();
      const backend = choice.backend;
      const kernels = resolvedKernels(choice.kernels, backend);
      const plan = planWork(config, counts);
      const rates = backend
        ? recordedRates(await storedRuns(), backend, kernels)
        : new Map<string, Rate>();
      const prefix = `${backend}|${kernels}|`;
      for (const [key, r] of measured)
        if (key.startsWith(prefix)) rates.set(key.slice(prefix.length), r);
      const missing = missingRates(plan, rates, config);
      if (missing.length > 0) {
        const m = await measureSteps(
          missing.map((x) => x.request),
          choice,
        );
        missing.forEach(({ key }, i) => {
          const t = m.timings[i];
          if (!t) return;
          const rate = { ...t, source: `a warm-up step measured on ${m.backend}` };
          rates.set(key, rate);
          measured.set(`${prefix}${key}`, rate);
        });
      }
      const estimate = estimateRun(plan, rates);
      if (needsConfirmation(estimate.ms)) {
        set({ phase: 'confirm', estimate, pending });
        return;
      }
      set({ phase: 'idle', estimate });
      start(config, name);
    } catch (e) {
      // No estimate: say why, and let the user decide.
      set({ phase: 'confirm', problem: e instanceof Error ? e.message : String(e), pending });
    }
  },
  confirm: () => {
    const p = get().pending;
    set({ phase: 'idle', pending: null });
    p?.start(p.config, p.name);
  },
  cancel: () => set({ phase: 'idle', pending: null }),
}));
