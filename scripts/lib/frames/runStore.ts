/**
 * The Node runtime's run store on disk. Training in Node keeps its run records in an in-memory
 * IndexedDB (fake-indexeddb), so that the engine runs unchanged; after every save the run's
 * record, latest checkpoint and finished phase models are written to one file
 * (`<out>/store/<run>-seed<seed>.v8`, Node's structured serialisation: Float32Arrays stay
 * binary). A run stopped by a lost device (or a killed process) is put back from that file and
 * resumes from its last checkpoint, as a reloaded page resumes from IndexedDB.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import { writeRunChange } from '../../../src/runs/writer';
import type { FerDatabase } from '../../../src/storage/db';
import { getCheckpoint, getPhaseModel, getRun } from '../../../src/storage/runs';
import type { CheckpointRecord, PhaseModelRecord, RunRecord } from '../../../src/train/run/record';

export interface StoredRunFile {
  version: 1;
  run: RunRecord;
  checkpoint: CheckpointRecord | null;
  phaseModels: PhaseModelRecord[];
}

/** The run as the database holds it now, or null if it holds no such run. */
export async function readStoredRun(db: FerDatabase, runId: string): Promise<StoredRunFile | null> {
  const run = await getRun(db, runId);
  if (!run) return null;
  const phaseModels: PhaseModelRecord[] = [];
  for (const p of run.phases) {
    const m = await getPhaseModel(db, runId, p.index);
    if (m) phaseModels.push(m);
  }
  return { version: 1, run, checkpoint: (await getCheckpoint(db, runId)) ?? null, phaseModels };
}

/** Writes the run's file (whole, then renamed over the old one: a crash leaves one or the other). */
export async function dumpRun(db: FerDatabase, runId: string, file: string): Promise<void> {
  const stored = await readStoredRun(db, runId);
  if (!stored) return;
  await writeFile(`${file}.tmp`, serialize(stored));
  await rename(`${file}.tmp`, file);
}

/** The run's file, or null when there is none. */
export async function readRunFile(file: string): Promise<StoredRunFile | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return null;
  }
  const doc = deserialize(bytes) as Partial<StoredRunFile>;
  if (doc.version !== 1 || !doc.run) throw new Error(`${file} is not a stored run (version 1).`);
  return doc as StoredRunFile;
}

/** Puts a stored run back into the database, through the one writer of run records. */
export async function restoreRun(db: FerDatabase, stored: StoredRunFile): Promise<void> {
  await writeRunChange(db, { type: 'created', run: stored.run });
  if (stored.checkpoint)
    await writeRunChange(db, { type: 'progress', run: stored.run, checkpoint: stored.checkpoint });
  for (const phaseModel of stored.phaseModels)
    await writeRunChange(db, { type: 'progress', run: stored.run, phaseModel });
}
