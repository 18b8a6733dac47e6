import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { FerDB } from './schema';

type UpgradeTx = IDBPTransaction<FerDB, StoreNames<FerDB>[], 'versionchange'>;

/**
 * Schema migrations, one per version. `migrations[v - 1]` upgrades a database from
 * version v - 1 to v. Never edit a released migration: add the next one.
 */
export const migrations: ((db: IDBPDatabase<FerDB>, tx: UpgradeTx) => void)[] = [
  // v1: the first schema.
  (db) => {
    db.createObjectStore('datasets', { keyPath: 'id' });
    const items = db.createObjectStore('items', { keyPath: 'id' });
    items.createIndex('byDataset', 'datasetId');
    items.createIndex('byDatasetKey', ['datasetId', 'key'], { unique: true });
    const blobs = db.createObjectStore('blobs', { keyPath: 'id' });
    blobs.createIndex('byItem', 'itemId');
    blobs.createIndex('byDataset', 'datasetId');
    const thumbs = db.createObjectStore('thumbnails', { keyPath: 'itemId' });
    thumbs.createIndex('byDataset', 'datasetId');
    db.createObjectStore('journal', { keyPath: 'datasetId' });
    const frames = db.createObjectStore('frames', { keyPath: 'id' });
    frames.createIndex('byDataset', 'datasetId');
    frames.createIndex('byItem', 'itemId');
    db.createObjectStore('runs', { keyPath: 'id' });
    const checkpoints = db.createObjectStore('checkpoints', { keyPath: 'id' });
    checkpoints.createIndex('byRun', 'runId');
  },
  // v2: the preprocessing outcome per item (frames already has its store since v1).
  (db) => {
    const preprocessed = db.createObjectStore('preprocessed', { keyPath: 'itemId' });
    preprocessed.createIndex('byDataset', 'datasetId');
  },
  // v3: cross-corpus evaluation records (issue 18), keyed by model + dataset + split.
  (db) => {
    const evaluations = db.createObjectStore('evaluations', { keyPath: 'id' });
    evaluations.createIndex('byRun', 'runKey');
    evaluations.createIndex('byDataset', 'datasetId');
  },
];

export function runMigrations(
  db: IDBPDatabase<FerDB>,
  oldVersion: number,
  newVersion: number,
  tx: UpgradeTx,
): void {
  for (let v = oldVersion; v < newVersion; v++) {
    const step = migrations[v];
    if (!step) throw new Error(`No migration from schema version ${v} to ${v + 1}`);
    step(db, tx);
  }
}
