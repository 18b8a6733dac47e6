import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crossEvaluationRecord, type CrossEvaluationRecord } from '../evaluate/crossCorpus';
import { createDataset, deleteDataset } from './datasets';
import { openFerDb, type FerDatabase } from './db';
import { getEvaluation, listEvaluations, putEvaluation } from './evaluations';
import { migrations } from './migrations';
import { deleteRun } from './runs';
import { DB_VERSION } from './schema';

function record(runId: string, datasetId: string, createdAt: number): CrossEvaluationRecord {
  return crossEvaluationRecord(
    {
      runId,
      phase: 1,
      modelLabel: `${runId} / teacher`,
      weightsSource: null,
      datasetId,
      datasetName: datasetId,
      split: { split: 'test', byDefault: true, source: 'items', clips: [] },
      classes: ['happy', 'sad'],
      framesPerClip: 4,
      evalUnit: 'item',
    },
    [
      { label: 0, predicted: 0 },
      { label: 1, predicted: 0 },
    ],
    { backend: 'cpu', seconds: 0.5, createdAt },
  );
}

let db: FerDatabase;
beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
});
afterEach(() => db.close());

describe('evaluation records', () => {
  it('are listed per run, newest first; a rerun of the same key replaces the record', async () => {
    await putEvaluation(db, record('r1', 'ck', 1));
    await putEvaluation(db, record('r1', 'afew', 2));
    await putEvaluation(db, record('r2', 'ck', 3));
    expect((await listEvaluations(db, 'r1')).map((e) => e.datasetId)).toEqual(['afew', 'ck']);
    await putEvaluation(db, record('r1', 'ck', 4));
    const r1 = await listEvaluations(db, 'r1');
    expect(r1.map((e) => [e.datasetId, e.createdAt])).toEqual([
      ['ck', 4],
      ['afew', 2],
    ]);
    expect((await getEvaluation(db, 'r1|1|ck|test'))?.confusion).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('go with their dataset when it is deleted', async () => {
    await createDataset(db, {
      id: 'ck',
      name: 'CK+',
      layout: 'ckplus',
      labelled: true,
      classMap: {},
      problems: [],
      totalItems: 0,
    });
    await putEvaluation(db, record('r1', 'ck', 1));
    await putEvaluation(db, record('r1', 'afew', 2));
    await deleteDataset(db, 'ck');
    expect((await listEvaluations(db, 'r1')).map((e) => e.datasetId)).toEqual(['afew']);
  });
});

describe('deleting a run', () => {
  it("deletes its evaluations and keeps the other runs' ones", async () => {
    await putEvaluation(db, record('r1', 'ck', 1));
    await putEvaluation(db, record('r2', 'ck', 2));
    await deleteRun(db, 'r1');
    expect(await listEvaluations(db, 'r1')).toEqual([]);
    expect(await listEvaluations(db, 'r2')).toHaveLength(1);
  });
});

describe('schema v3', () => {
  it('upgrades a version-2 database, keeping its data and adding the evaluations store', async () => {
    db.close();
    globalThis.indexedDB = new IDBFactory();
    const v2 = await openDB('fer-workbench', 2, {
      upgrade(d, oldVersion, _new, tx) {
        for (let v = oldVersion; v < 2; v++) migrations[v]?.(d as never, tx as never);
      },
    });
    await v2.put('preprocessed', { itemId: 'x', datasetId: 'd' });
    expect([...v2.objectStoreNames]).not.toContain('evaluations');
    v2.close();
    db = await openFerDb();
    expect(db.version).toBe(3);
    expect(DB_VERSION).toBe(3);
    const store = db.transaction('evaluations').store;
    expect([...store.indexNames].sort()).toEqual(['byDataset', 'byRun']);
    expect(await db.count('preprocessed')).toBe(1);
  });
});
