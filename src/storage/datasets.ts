import type { CanonicalClass } from '../ingest/labels';
import type { ClassCount, FileProblem, LayoutKind } from '../ingest/types';
import type { FerDatabase } from './db';
import { StorageError, toStorageError } from './errors';
import type {
  BlobRecord,
  DatasetRecord,
  DatasetStatus,
  ImportJournalRecord,
  MediaItemRecord,
  ThumbnailRecord,
} from './schema';

export interface NewDataset {
  id: string;
  name: string;
  layout: LayoutKind;
  labelled: boolean;
  classMap: Record<string, CanonicalClass | null>;
  problems: FileProblem[];
  totalItems: number;
}

/** Creates the dataset record and its import journal in one transaction. */
export async function createDataset(db: FerDatabase, d: NewDataset): Promise<DatasetRecord> {
  const record: DatasetRecord = {
    id: d.id,
    name: d.name,
    layout: d.layout,
    labelled: d.labelled,
    createdAt: Date.now(),
    status: 'importing',
    classMap: d.classMap,
    itemCount: 0,
    totalBytes: 0,
    totalDurationSec: null,
    problems: d.problems,
  };
  const journal: ImportJournalRecord = {
    datasetId: d.id,
    startedAt: record.createdAt,
    totalItems: d.totalItems,
    doneKeys: [],
    state: 'running',
  };
  try {
    const tx = db.transaction(['datasets', 'journal'], 'readwrite');
    await Promise.all([
      tx.objectStore('datasets').put(record),
      tx.objectStore('journal').put(journal),
      tx.done,
    ]);
  } catch (e) {
    throw toStorageError(e);
  }
  return record;
}

/** One item with everything that belongs to it; written atomically. */
export interface ItemWrite {
  item: MediaItemRecord;
  blobs: Omit<BlobRecord, 'id' | 'itemId' | 'datasetId'>[];
  thumbnail?: Blob;
}

/** Items whose puts are queued in one go inside putItems' transaction. */
const PUT_CHUNK = 25;

/**
 * Writes a batch of items, their blobs and thumbnails, the dataset's counters and the
 * journal in ONE transaction: either all of the batch is stored or none of it, so an
 * interrupted import never leaves a half-written item. A full disk becomes a
 * StorageError of kind 'quota'.
 */
export async function putItems(
  db: FerDatabase,
  datasetId: string,
  writes: ItemWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  try {
    const tx = db.transaction(['datasets', 'items', 'blobs', 'thumbnails', 'journal'], 'readwrite');
    const datasets = tx.objectStore('datasets');
    const journalStore = tx.objectStore('journal');
    const [dataset, journal] = await Promise.all([
      datasets.get(datasetId),
      journalStore.get(datasetId),
    ]);
    if (!dataset) throw new StorageError('not-found', `Dataset ${datasetId} does not exist.`);
    // Handled below; this only keeps an abort seen first by a chunk's wait from going unhandled.
    tx.done.catch(() => undefined);
    const ops: Promise<unknown>[] = [];
    let queued = 0;
    for (const w of writes) {
      // Every PUT_CHUNK items, wait for the queued requests: the page runs input and rendering
      // between their success events, and the transaction stays open because the next requests
      // are made from those events' callbacks (250 puts at once blocked the page ~250 ms).
      if (queued > 0 && queued % PUT_CHUNK === 0) await Promise.all(ops);
      queued++;
      ops.push(tx.objectStore('items').put(w.item));
      w.blobs.forEach((b) => {
        const rec: BlobRecord = {
          ...b,
          id: `${w.item.id}/${b.index}`,
          itemId: w.item.id,
          datasetId,
        };
        ops.push(tx.objectStore('blobs').put(rec));
      });
      if (w.thumbnail) {
        const t: ThumbnailRecord = { itemId: w.item.id, datasetId, blob: w.thumbnail };
        ops.push(tx.objectStore('thumbnails').put(t));
      }
      dataset.itemCount += 1;
      dataset.totalBytes += w.item.bytes;
      if (w.item.durationSec != null) {
        dataset.totalDurationSec = (dataset.totalDurationSec ?? 0) + w.item.durationSec;
      }
      journal?.doneKeys.push(w.item.key);
    }
    ops.push(datasets.put(dataset));
    if (journal) ops.push(journalStore.put(journal));
    await Promise.all([...ops, tx.done]);
  } catch (e) {
    throw toStorageError(e);
  }
}

/** Keys already stored for a dataset (resuming an import skips them). */
export async function storedKeys(db: FerDatabase, datasetId: string): Promise<Set<string>> {
  const journal = await db.get('journal', datasetId);
  return new Set(journal?.doneKeys ?? []);
}

export async function getJournal(
  db: FerDatabase,
  datasetId: string,
): Promise<ImportJournalRecord | undefined> {
  return db.get('journal', datasetId);
}

/** Imports that did not finish (e.g. the tab was closed): offered for resuming. */
export async function unfinishedImports(db: FerDatabase): Promise<ImportJournalRecord[]> {
  const all = await db.getAll('journal');
  return all.filter((j) => j.state !== 'done');
}

export async function finishImport(
  db: FerDatabase,
  datasetId: string,
  status: DatasetStatus,
  stopReason?: string,
  extraProblems: FileProblem[] = [],
): Promise<DatasetRecord> {
  try {
    const tx = db.transaction(['datasets', 'journal'], 'readwrite');
    const dataset = await tx.objectStore('datasets').get(datasetId);
    if (!dataset) throw new StorageError('not-found', `Dataset ${datasetId} does not exist.`);
    dataset.status = status;
    dataset.problems = [...dataset.problems, ...extraProblems];
    if (stopReason) dataset.stopReason = stopReason;
    else delete dataset.stopReason;
    const journal = await tx.objectStore('journal').get(datasetId);
    const ops: Promise<unknown>[] = [tx.objectStore('datasets').put(dataset)];
    if (journal) {
      if (status === 'ready') ops.push(tx.objectStore('journal').delete(datasetId));
      else ops.push(tx.objectStore('journal').put({ ...journal, state: 'stopped' }));
    }
    await Promise.all([...ops, tx.done]);
    return dataset;
  } catch (e) {
    throw toStorageError(e);
  }
}

export async function listDatasets(db: FerDatabase): Promise<DatasetRecord[]> {
  const all = await db.getAll('datasets');
  return all.sort((a, b) => a.createdAt - b.createdAt);
}

export async function getDataset(db: FerDatabase, id: string): Promise<DatasetRecord | undefined> {
  return db.get('datasets', id);
}

/** Items of a dataset in key order, paged (the browser list is virtualised). */
export async function listItems(
  db: FerDatabase,
  datasetId: string,
  offset = 0,
  limit = Number.POSITIVE_INFINITY,
): Promise<MediaItemRecord[]> {
  const out: MediaItemRecord[] = [];
  const range = IDBKeyRange.bound([datasetId, ''], [datasetId, '\uffff']);
  let cursor = await db.transaction('items').store.index('byDatasetKey').openCursor(range);
  if (cursor && offset > 0) cursor = await cursor.advance(offset);
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

const COUNT_PAGE = 500;

/** Per raw label: count and mapped class. Unlabelled items count under rawLabel ''. */
export async function classCounts(db: FerDatabase, datasetId: string): Promise<ClassCount[]> {
  const dataset = await db.get('datasets', datasetId);
  if (!dataset) return [];
  const counts = new Map<string, number>();
  // Read in pages of COUNT_PAGE items (key order): one getAll of 5,000 items blocked the page
  // ~200 ms deserialising them; pages let it run between reads.
  let after: string | null = null;
  for (;;) {
    const range: IDBKeyRange =
      after === null
        ? IDBKeyRange.bound([datasetId, ''], [datasetId, '\uffff'])
        : IDBKeyRange.bound([datasetId, after], [datasetId, '\uffff'], true);
    const page = await db.getAllFromIndex('items', 'byDatasetKey', range, COUNT_PAGE);
    for (const item of page) {
      const raw = item.rawLabel ?? '';
      counts.set(raw, (counts.get(raw) ?? 0) + 1);
    }
    const last = page[page.length - 1];
    if (page.length < COUNT_PAGE || !last) break;
    after = last.key;
  }
  return [...counts.entries()]
    .map(([rawLabel, count]) => ({
      rawLabel,
      count,
      canonical: dataset.classMap[rawLabel] ?? null,
    }))
    .sort((a, b) => a.rawLabel.localeCompare(b.rawLabel));
}

export async function getItemBlobs(db: FerDatabase, itemId: string): Promise<BlobRecord[]> {
  const blobs = await db.getAllFromIndex('blobs', 'byItem', itemId);
  return blobs.sort((a, b) => a.index - b.index);
}

export async function getThumbnail(db: FerDatabase, itemId: string): Promise<Blob | undefined> {
  return (await db.get('thumbnails', itemId))?.blob;
}

/** Changes what a raw label maps to (renaming a class). */
export async function setClassMapping(
  db: FerDatabase,
  datasetId: string,
  rawLabel: string,
  canonical: CanonicalClass | null,
): Promise<DatasetRecord> {
  const tx = db.transaction('datasets', 'readwrite');
  const dataset = await tx.store.get(datasetId);
  if (!dataset) throw new StorageError('not-found', `Dataset ${datasetId} does not exist.`);
  dataset.classMap = { ...dataset.classMap, [rawLabel]: canonical };
  await Promise.all([tx.store.put(dataset), tx.done]);
  return dataset;
}

export async function renameDataset(
  db: FerDatabase,
  datasetId: string,
  name: string,
): Promise<void> {
  const tx = db.transaction('datasets', 'readwrite');
  const dataset = await tx.store.get(datasetId);
  if (!dataset) throw new StorageError('not-found', `Dataset ${datasetId} does not exist.`);
  await Promise.all([tx.store.put({ ...dataset, name }), tx.done]);
}

/** Deletes a dataset with everything derived from it, in one transaction. */
export async function deleteDataset(db: FerDatabase, datasetId: string): Promise<void> {
  try {
    const tx = db.transaction(
      [
        'datasets',
        'items',
        'blobs',
        'thumbnails',
        'frames',
        'preprocessed',
        'journal',
        'evaluations',
      ],
      'readwrite',
    );
    const ops: Promise<unknown>[] = [];
    const derived = [
      'items',
      'blobs',
      'thumbnails',
      'frames',
      'preprocessed',
      'evaluations', // cross-corpus evaluations on this dataset (schema v3)
    ] as const;
    for (const store of derived) {
      const index = tx.objectStore(store).index('byDataset');
      let cursor = await index.openCursor(datasetId);
      while (cursor) {
        ops.push(cursor.delete());
        cursor = await cursor.continue();
      }
    }
    ops.push(
      tx.objectStore('datasets').delete(datasetId),
      tx.objectStore('journal').delete(datasetId),
    );
    await Promise.all([...ops, tx.done]);
  } catch (e) {
    throw toStorageError(e);
  }
}

export async function putThumbnail(
  db: FerDatabase,
  itemId: string,
  datasetId: string,
  blob: Blob,
): Promise<void> {
  try {
    await db.put('thumbnails', { itemId, datasetId, blob });
  } catch (e) {
    throw toStorageError(e);
  }
}

export async function getItem(
  db: FerDatabase,
  itemId: string,
): Promise<MediaItemRecord | undefined> {
  return db.get('items', itemId);
}
