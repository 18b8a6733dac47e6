import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteDataset } from '../storage/datasets';
import { openFerDb, type FerDatabase } from '../storage/db';
import type { PreprocessStatus } from '../storage/frames';
import type { MediaItemRecord } from '../storage/schema';
import type { CrossEvaluationRecord } from './crossRecord';
import { currentDatasetState, datasetStateKey, evaluationStaleness } from './datasetState';

const status = (extra: Partial<PreprocessStatus> = {}): PreprocessStatus => ({
  datasetId: 'd',
  items: 3,
  byStatus: { done: 3, flagged: 0, failed: 0 },
  pending: 0,
  keptFrames: 30,
  sampledFrames: 36,
  dropped: { 'no-face': 6, 'no-landmarks': 0, 'decode-error': 0 },
  byConfig: { abc: 2, def: 1 },
  mining: { accepted: 0, rejected: {} },
  ...extra,
});

describe('datasetStateKey', () => {
  it('changes with what an evaluation reads, and only with that', () => {
    const key = datasetStateKey(status());
    // Key order of the config map does not matter; timings and drop reasons do not count.
    expect(datasetStateKey(status({ byConfig: { def: 1, abc: 2 } }))).toBe(key);
    expect(datasetStateKey(status({ sampledFrames: 40 }))).toBe(key);
    for (const changed of [
      status({ byConfig: { abc: 3 } }), // preprocessed again with other settings
      status({ items: 4, pending: 1 }), // grown
      status({ keptFrames: 29 }),
      status({ mining: { accepted: 2, rejected: { 'too-short': 1 } } }), // re-mined
    ])
      expect(datasetStateKey(changed)).not.toBe(key);
  });
});

let db: FerDatabase;
beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
  await db.put('datasets', {
    id: 'd',
    name: 'd',
    layout: 'image-folders',
    labelled: true,
    createdAt: 0,
    status: 'ready',
    classMap: {},
    itemCount: 0,
    totalBytes: 0,
    totalDurationSec: null,
    problems: [],
  });
});
afterEach(() => db.close());

const record = (id: string, datasetState?: string) =>
  ({
    id,
    datasetId: 'd',
    ...(datasetState === undefined ? {} : { datasetState }),
  }) as CrossEvaluationRecord;

describe('evaluationStaleness', () => {
  it('marks records whose dataset changed or was deleted, not the others', async () => {
    const then = await currentDatasetState(db, 'd');
    const records = [record('same', then), record('old'), record('before', 'x')];
    expect(await evaluationStaleness(db, records)).toEqual({ before: 'changed' });
    // An item added since: the record made before it no longer matches.
    await db.put('items', { id: 'd:a', datasetId: 'd', key: 'a' } as MediaItemRecord);
    expect(await evaluationStaleness(db, records)).toEqual({ same: 'changed', before: 'changed' });
    await deleteDataset(db, 'd');
    expect(await evaluationStaleness(db, records)).toEqual({
      same: 'deleted',
      old: 'deleted',
      before: 'deleted',
    });
  });
});
