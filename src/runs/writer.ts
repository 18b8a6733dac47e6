/**
 * The ONE writer of run records (issue 16 step 3). Every other module — the train client, the
 * train and runs stores, the engine and the training worker — sends it what changed (a
 * `RunChange`); it applies the change to the stored record, writes it (with the checkpoint in the
 * same transaction when there is one) and tells every thread and tab (`runsChannel`) which run
 * changed. A unit test (writer.test.ts) fails when another module calls the storage writes.
 */
import { getDb, type FerDatabase } from '../storage/db';
import { deleteRun, getRun, putRun, saveCheckpoint } from '../storage/runs';
import type { CheckpointRecord, PhaseModelRecord, RunRecord } from '../train/run/record';

export type RunChange =
  /** A new run (status 'queued'). */
  | { type: 'created'; run: RunRecord }
  /**
   * The engine's record of a run in progress, with its latest checkpoint and / or a finished
   * phase's model (one transaction: the record never describes epochs the checkpoint lacks).
   */
  | {
      type: 'progress';
      run: RunRecord;
      checkpoint?: CheckpointRecord | null;
      phaseModel?: PhaseModelRecord | null;
    }
  /**
   * The engine stopped: the stored record (consistent with the last checkpoint; `fallback` if
   * none can be read) takes the status, and the message says where it resumes.
   */
  | {
      type: 'stopped';
      runId: string;
      fallback: RunRecord;
      why: 'pause' | 'non-finite' | 'failed';
      message: string;
    }
  /** The training worker crashed while the record said 'running'. */
  | { type: 'interrupted'; runId: string; message: string }
  /** The tab was reloaded while the run trained here; it resumes from its checkpoint. */
  | { type: 'reloaded'; runId: string }
  /** A resume with another learning rate (e.g. lower, after a NaN loss); kept on record. */
  | { type: 'learning-rate'; runId: string; learningRate: number }
  /** The GPU device was lost: the failed run's message says so. */
  | { type: 'device-lost'; runId: string; message: string }
  | { type: 'deleted'; runId: string };

/** What `runsChannel` carries: which run changed (and whether it is gone). */
export interface RunChangedMessage {
  type: 'run-changed';
  runId: string;
  deleted: boolean;
}

export const RUNS_CHANNEL = 'fer-runs';

function announce(runId: string, deleted: boolean): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(RUNS_CHANNEL);
  channel.postMessage({ type: 'run-changed', runId, deleted } satisfies RunChangedMessage);
  channel.close();
}

const where = (run: RunRecord): string =>
  `epoch ${run.position.epoch + 1} of ${run.phases[run.position.phase]?.name ?? 'the run'}`;

/**
 * The record after `change`, from the stored one (undefined: none stored). Null: nothing to
 * write (e.g. an interruption of a run that is no longer running). Pure; exported for tests.
 */
export function applyRunChange(
  stored: RunRecord | undefined,
  change: Exclude<RunChange, { type: 'created' | 'progress' | 'deleted' }>,
  now = Date.now(),
): RunRecord | null {
  switch (change.type) {
    case 'stopped': {
      const run = stored ?? change.fallback;
      if (change.why === 'pause') {
        run.status = 'paused';
        run.message = `Paused; resumes from ${where(run)}.`;
      } else if (change.why === 'non-finite') {
        // Not a failure of the run: it waits at its last checkpoint for a lower learning rate.
        run.status = 'paused';
        run.message = `${change.message} (resumes from ${where(run)})`;
      } else {
        run.status = 'failed';
        run.message = `${change.message} (resumable from ${where(run)})`;
      }
      run.updatedAt = now;
      return run;
    }
    case 'interrupted':
      if (stored?.status !== 'running') return null;
      stored.status = 'interrupted';
      stored.message = change.message;
      return stored;
    case 'reloaded':
      if (!stored) return null;
      stored.message = 'The page was reloaded during training.';
      return stored;
    case 'learning-rate': {
      if (!stored) return null;
      const old = stored.config.optim.learningRate;
      if (old === change.learningRate) return null;
      // The resume entry takes its reason from the message: the change is on record.
      stored.message = `Learning rate changed from ${old} to ${change.learningRate} on resume.`;
      stored.config = {
        ...stored.config,
        optim: { ...stored.config.optim, learningRate: change.learningRate },
      };
      return stored;
    }
    case 'device-lost': {
      if (stored?.status !== 'failed') return null;
      const at = / \(resumable from [^)]*\)$/.exec(stored.message ?? '')?.[0] ?? '';
      stored.message = `${change.message}${at}`;
      return stored;
    }
  }
}

/**
 * Applies `change` to the stored run and writes it. Resolves with the record as written (null
 * when nothing was written, or the run was deleted). Storage errors are thrown as StorageError,
 * except for 'stopped', whose record is returned even when it could not be written.
 */
export async function writeRunChange(
  db: FerDatabase,
  change: RunChange,
): Promise<RunRecord | null> {
  let written: RunRecord;
  let runId: string;
  switch (change.type) {
    case 'created':
      runId = change.run.id;
      await putRun(db, change.run);
      written = change.run;
      break;
    case 'progress':
      runId = change.run.id;
      if (change.checkpoint || change.phaseModel)
        await saveCheckpoint(db, change.run, change.checkpoint ?? null, change.phaseModel ?? null);
      else await putRun(db, change.run);
      written = change.run;
      break;
    case 'deleted':
      runId = change.runId;
      await deleteRun(db, runId);
      announce(runId, true);
      return null;
    default: {
      runId = change.runId;
      const stored = await getRun(db, runId).catch(() => undefined);
      const next = applyRunChange(stored, change);
      if (!next) return null;
      written = next;
      if (change.type === 'stopped') {
        // Best effort: with storage full even this small write may fail; the stop is still
        // reported (the stored record then says 'running', and a resume fixes it).
        const ok = await putRun(db, written).then(
          () => true,
          () => false,
        );
        if (!ok) return written;
      } else await putRun(db, written);
    }
  }
  announce(runId, false);
  return written;
}

/** writeRunChange on the app's shared connection (main thread or a worker). */
export async function changeRun(change: RunChange): Promise<RunRecord | null> {
  return writeRunChange(await getDb(), change);
}
