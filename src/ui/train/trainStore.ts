import { create } from 'zustand';
import { changeRun } from '../../runs/writer';
import { createRun, startRun, storedRun, type TrainHandle } from '../../train/client';
import { validateTrainConfig, type TrainConfig } from '../../train/config';
import type { TrainProgress } from '../../train/run/engine';
import type { RunRecord } from '../../train/run/record';
import { useRunsStore } from '../runs/runsStore';
import { computeChoice, useAppStore } from '../store';

/** The Train tab's state; the runs themselves are in the runs store (src/ui/runs/runsStore.ts). */
export interface TrainState {
  /** The run shown in the panel. */
  selectedId: string | null;
  /** The run training in this tab, if any. */
  activeId: string | null;
  handle: TrainHandle | null;
  progress: TrainProgress | null;
  backend: string | null;
  error: string | null;
  notice: string | null;
  refresh: () => Promise<void>;
  select: (id: string | null) => void;
  start: (config: TrainConfig, name?: string) => Promise<string | null>;
  /**
   * Resumes a stopped run from its checkpoint; `learningRate` replaces the run's (e.g. lower,
   * after a NaN loss paused it), and the change is recorded with the resume.
   */
  resume: (id: string, options?: { learningRate?: number }) => Promise<void>;
  pause: () => void;
  remove: (id: string) => Promise<void>;
  /** After a reload: a run the closed tab was training resumes from its checkpoint. */
  resumeAfterReload: () => Promise<void>;
}

const runs = () => useRunsStore.getState();

export const useTrainStore = create<TrainState>((set, get) => {
  /** Set by pause(): a run that comes back paused without it was paused by the engine (NaN). */
  let userPaused = false;
  const launch = (runId: string): void => {
    userPaused = false;
    const page = useAppStore.getState().backend;
    const handle = startRun(
      runId,
      computeChoice(),
      {
        onBackend: (m) => set({ backend: `${m.device}: ${m.reason}` }),
        onProgress: (progress) => set({ progress }),
        onSaved: (run) => runs().upsert(run),
      },
      page?.reason ?? null,
    );
    set({ handle, activeId: runId, selectedId: runId, progress: null, error: null });
    handle.done
      .then((run) => {
        // Paused by the engine, not the user (a NaN / infinite loss): say why, as an error.
        const engineStop = run.status === 'paused' && !userPaused;
        runs().upsert(run);
        if (engineStop) set({ error: run.message });
      })
      .catch(async (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        // A crashed worker leaves the record saying 'running': say what happened instead. With
        // storage full even that small write may fail: the message is shown all the same.
        let run: RunRecord | undefined;
        try {
          run =
            (await changeRun({ type: 'interrupted', runId, message })) ?? (await storedRun(runId));
        } catch {
          // keep `run` as read (or undefined); the error line says what happened
        }
        if (run) runs().upsert(run);
        set({ error: message });
      })
      .finally(() => set({ handle: null, activeId: null, progress: null }));
  };
  return {
    selectedId: null,
    activeId: null,
    handle: null,
    progress: null,
    backend: null,
    error: null,
    notice: null,
    refresh: async () => {
      await runs().refresh();
      const { runs: list, error } = runs();
      set({ selectedId: get().selectedId ?? list[0]?.id ?? null, ...(error ? { error } : {}) });
    },
    select: (id) => set({ selectedId: id }),
    start: async (config, name) => {
      if (get().handle) {
        set({ error: 'A run is already training in this tab; pause it first.' });
        return null;
      }
      try {
        const run = await createRun(config, name);
        runs().upsert(run);
        set({ notice: null });
        launch(run.id);
        return run.id;
      } catch (e) {
        set({ error: e instanceof Error ? e.message : String(e) });
        return null;
      }
    },
    resume: async (id, options = {}) => {
      if (get().handle || get().activeId !== null) return;
      // Claimed before the first await: until the worker takes the run, the UI and
      // the automation hook's wait() must see it as starting, not as the stopped record still stored.
      set({ activeId: id });
      try {
        const run = await storedRun(id);
        if (!run || run.status === 'done') {
          set({ activeId: null });
          return;
        }
        const lr = options.learningRate;
        let changed: RunRecord | null = null;
        if (lr !== undefined && lr !== run.config.optim.learningRate) {
          validateTrainConfig({ ...run.config, optim: { ...run.config.optim, learningRate: lr } });
          changed = await changeRun({ type: 'learning-rate', runId: id, learningRate: lr });
        }
        runs().upsert(changed ?? run);
        launch(id);
      } catch (e) {
        set({ error: e instanceof Error ? e.message : String(e), activeId: null });
      }
    },
    pause: () => {
      userPaused = true;
      get().handle?.pause();
    },
    remove: async (id) => {
      if (get().activeId === id) return;
      await changeRun({ type: 'deleted', runId: id });
      runs().drop(id);
      set({ selectedId: get().selectedId === id ? null : get().selectedId });
    },
    resumeAfterReload: async () => {
      await get().refresh();
      const orphan = runs().runs.find((r) => r.status === 'running');
      if (!orphan || get().handle) return;
      await changeRun({ type: 'reloaded', runId: orphan.id });
      set({
        notice: `"${orphan.name}" was training when the page closed; it resumes from its last checkpoint (epoch ${orphan.position.epoch + 1} of ${orphan.phases[orphan.position.phase]?.name ?? 'the run'}).`,
      });
      launch(orphan.id);
    },
  };
});
