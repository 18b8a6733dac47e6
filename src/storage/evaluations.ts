/**
 * Cross-corpus evaluation records (schema v3, src/evaluate/crossCorpus.ts). One record per
 * model + dataset + split; a rerun replaces it. Written only by the inference worker's
 * evaluation (src/inference/evaluateDataset.ts); read by the Results tab's store and the CLI.
 */
import type { CrossEvaluationRecord } from '../evaluate/crossRecord';
import type { FerDatabase } from './db';
import { toStorageError } from './errors';

export async function putEvaluation(db: FerDatabase, record: CrossEvaluationRecord): Promise<void> {
  try {
    await db.put('evaluations', record);
  } catch (e) {
    throw toStorageError(e);
  }
}

/** A run's evaluations (runKey: a run id, or 'weights:<source>'), newest first. */
export async function listEvaluations(
  db: FerDatabase,
  runKey: string,
): Promise<CrossEvaluationRecord[]> {
  const all = await db.getAllFromIndex('evaluations', 'byRun', runKey);
  return all.sort((a, b) => b.createdAt - a.createdAt);
}

export async function getEvaluation(
  db: FerDatabase,
  id: string,
): Promise<CrossEvaluationRecord | undefined> {
  return db.get('evaluations', id);
}
