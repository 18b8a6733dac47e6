/**
 * What the UI (the runs store) and the harness read of stored runs, on the app's shared
 * connection: the list, one run, a phase's stored model, and a subscription to the changes
 * src/runs/writer.ts announces (from this tab's threads and from other tabs).
 */
import { getDb } from '../storage/db';
import { getPhaseModel, getRun, listRuns } from '../storage/runs';
import type { PhaseModelRecord, RunRecord } from '../train/run/record';
import { RUNS_CHANNEL, type RunChangedMessage } from './writer';

/** Runs, newest first. */
export async function listStoredRuns(): Promise<RunRecord[]> {
  return listRuns(await getDb());
}

export async function readStoredRun(id: string): Promise<RunRecord | undefined> {
  return getRun(await getDb(), id);
}

/** A finished phase's best model, or a clear error when it is not stored. */
export async function readPhaseModel(
  run: Pick<RunRecord, 'id'>,
  phase: { index: number; name: string },
): Promise<PhaseModelRecord> {
  const rec = await getPhaseModel(await getDb(), run.id, phase.index);
  if (!rec)
    throw new Error(
      `The model of phase "${phase.name}" is not stored (it is kept when a phase finishes).`,
    );
  return rec;
}

/**
 * Calls `listener` with each run the writer changed (in any thread or tab of this origin).
 * Returns the unsubscribe function.
 */
export function watchRuns(listener: (m: RunChangedMessage) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(RUNS_CHANNEL);
  channel.onmessage = (ev: MessageEvent<RunChangedMessage>) => listener(ev.data);
  return () => channel.close();
}
