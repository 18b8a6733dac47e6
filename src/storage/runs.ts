/**
 * Training runs and their checkpoints. A run's record and its latest checkpoint are written in
 * ONE transaction, so after a reload or a crash the record never describes epochs the
 * checkpoint does not hold (or the reverse); a failed write (storage full) leaves the previous
 * pair intact.
 */
import type { CheckpointRecord, PhaseModelRecord, RunRecord } from '../train/run/record';
import type { FerDatabase } from './db';
import { abortQuietly, toStorageError } from './errors';

export const latestCheckpointKey = (runId: string): string => `${runId}/latest`;
export const phaseModelKey = (runId: string, phase: number): string => `${runId}/phase${phase}`;

function checkpointError(e: unknown): ReturnType<typeof toStorageError> {
  return toStorageError(e, 'checkpoint');
}

export async function putRun(db: FerDatabase, run: RunRecord): Promise<void> {
  try {
    await db.put('runs', run);
  } catch (e) {
    throw checkpointError(e);
  }
}

export async function getRun(db: FerDatabase, id: string): Promise<RunRecord | undefined> {
  return db.get('runs', id);
}

/** Runs, newest first. */
export async function listRuns(db: FerDatabase): Promise<RunRecord[]> {
  const runs = await db.getAll('runs');
  return runs.sort((a, b) => b.createdAt - a.createdAt);
}

/** Saves the run record with its latest checkpoint and, optionally, a finished phase's model. */
export async function saveCheckpoint(
  db: FerDatabase,
  run: RunRecord,
  checkpoint: CheckpointRecord | null,
  phaseModel: PhaseModelRecord | null = null,
): Promise<void> {
  const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
  const ops: Promise<unknown>[] = [];
  try {
    ops.push(tx.objectStore('runs').put(run));
    if (checkpoint) ops.push(tx.objectStore('checkpoints').put(checkpoint));
    if (phaseModel) ops.push(tx.objectStore('checkpoints').put(phaseModel));
    await Promise.all([...ops, tx.done]);
  } catch (e) {
    // A put that throws at once (full disk, a value that cannot be cloned) must not let the
    // puts already queued commit alone: the record would describe an epoch with no checkpoint.
    abortQuietly(tx, ops);
    throw checkpointError(e);
  }
}

export async function getCheckpoint(
  db: FerDatabase,
  runId: string,
): Promise<CheckpointRecord | undefined> {
  const r = await db.get('checkpoints', latestCheckpointKey(runId));
  return r?.kind === 'checkpoint' ? r : undefined;
}

export async function getPhaseModel(
  db: FerDatabase,
  runId: string,
  phase: number,
): Promise<PhaseModelRecord | undefined> {
  const r = await db.get('checkpoints', phaseModelKey(runId, phase));
  return r?.kind === 'phase-model' ? r : undefined;
}

/** Deletes a run with its checkpoints, models and cross-corpus evaluations, in one transaction. */
export async function deleteRun(db: FerDatabase, runId: string): Promise<void> {
  try {
    const tx = db.transaction(['runs', 'checkpoints', 'evaluations'], 'readwrite');
    const ops: Promise<unknown>[] = [tx.objectStore('runs').delete(runId)];
    for (const name of ['checkpoints', 'evaluations'] as const) {
      const store = tx.objectStore(name);
      let cursor = await store.index('byRun').openKeyCursor(runId);
      while (cursor) {
        ops.push(store.delete(cursor.primaryKey));
        cursor = await cursor.continue();
      }
    }
    await Promise.all([...ops, tx.done]);
  } catch (e) {
    throw toStorageError(e);
  }
}
