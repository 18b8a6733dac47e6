/**
 * What the UI (the datasets and import stores, the data views) calls to read and change the
 * stored datasets, on the app's shared connection: the UI itself opens no database
 * (eslint.config.js). Thin: the work is in src/storage/datasets.ts and src/ingest/importer.ts.
 */
import type { ClassCount } from './types';
import type { CanonicalClass } from './labels';
import { commitPlan, type CommitOptions, type CommitResult } from './importer';
import type { ImportPlan } from './types';
import { getDb } from '../storage/db';
import {
  classCounts,
  deleteDataset,
  getItemBlobs,
  getThumbnail,
  listDatasets,
  listItems,
  putThumbnail,
  setClassMapping,
  unfinishedImports as storedUnfinishedImports,
} from '../storage/datasets';
import type {
  BlobRecord,
  DatasetRecord,
  ImportJournalRecord,
  MediaItemRecord,
} from '../storage/schema';

export {
  onDbUnblocked,
  onDbVersionChange,
  requestPersistence,
  storageUsage,
  type StorageUsage,
} from '../storage/db';

export interface DatasetSummary extends DatasetRecord {
  classes: ClassCount[];
}

export async function loadDatasetSummaries(): Promise<DatasetSummary[]> {
  const db = await getDb();
  const records = await listDatasets(db);
  return Promise.all(records.map(async (d) => ({ ...d, classes: await classCounts(db, d.id) })));
}

export async function unfinishedImports(): Promise<ImportJournalRecord[]> {
  return storedUnfinishedImports(await getDb());
}

export async function removeDataset(id: string): Promise<void> {
  await deleteDataset(await getDb(), id);
}

export async function remapClass(
  id: string,
  rawLabel: string,
  canonical: CanonicalClass | null,
): Promise<void> {
  await setClassMapping(await getDb(), id, rawLabel, canonical);
}

export async function datasetItems(datasetId: string): Promise<MediaItemRecord[]> {
  return listItems(await getDb(), datasetId);
}

export async function itemBlobs(itemId: string): Promise<BlobRecord[]> {
  return getItemBlobs(await getDb(), itemId);
}

export async function cachedThumbnail(itemId: string): Promise<Blob | undefined> {
  return getThumbnail(await getDb(), itemId);
}

export async function storeThumbnail(item: MediaItemRecord, blob: Blob): Promise<void> {
  await putThumbnail(await getDb(), item.id, item.datasetId, blob);
}

export async function commitImport(
  plan: ImportPlan,
  opts: CommitOptions = {},
): Promise<CommitResult> {
  return commitPlan(await getDb(), plan, opts);
}
