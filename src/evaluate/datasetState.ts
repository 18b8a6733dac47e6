/**
 * Whether a stored cross-corpus evaluation still describes its dataset. An evaluation scores
 * the clips the dataset's preprocessing made; preprocessing it again with other settings,
 * re-mining its clips, importing more items or deleting it changes what the same request would
 * score. The record keeps the dataset's preprocessing state when it was scored
 * (`datasetStateKey`); the Results tab compares it with the state now and marks the rows whose
 * dataset changed, so an old number is not read as the current one.
 */
import type { FerDatabase } from '../storage/db';
import { getDataset } from '../storage/datasets';
import { type PreprocessStatus, preprocessStatus } from '../storage/frames';
import type { CrossEvaluationRecord } from './crossRecord';

/** The parts of a dataset's preprocessing status that change what an evaluation reads. */
export function datasetStateKey(s: PreprocessStatus): string {
  const sorted = (o: Record<string, number>) =>
    Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({
    items: s.items,
    pending: s.pending,
    keptFrames: s.keptFrames,
    byConfig: sorted(s.byConfig),
    mined: s.mining.accepted,
    rejected: sorted(s.mining.rejected),
  });
}

export async function currentDatasetState(db: FerDatabase, datasetId: string): Promise<string> {
  return datasetStateKey(await preprocessStatus(db, datasetId));
}

/**
 * id -> why a record no longer matches its dataset ("deleted", "changed"), for the records
 * whose dataset was deleted or whose state differs. Records from before the state was kept
 * (no `datasetState`) are only checked for deletion.
 */
export async function evaluationStaleness(
  db: FerDatabase,
  records: readonly CrossEvaluationRecord[],
): Promise<Record<string, 'deleted' | 'changed'>> {
  const now = new Map<string, string | null>();
  for (const id of new Set(records.map((r) => r.datasetId)))
    now.set(id, (await getDataset(db, id)) ? await currentDatasetState(db, id) : null);
  const out: Record<string, 'deleted' | 'changed'> = {};
  for (const r of records) {
    const state = now.get(r.datasetId);
    if (state === null) out[r.id] = 'deleted';
    else if (r.datasetState !== undefined && r.datasetState !== state) out[r.id] = 'changed';
  }
  return out;
}
