import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { openFerDb, type FerDatabase } from './db';
import {
  classCounts,
  createDataset,
  deleteDataset,
  finishImport,
  getItemBlobs,
  listDatasets,
  listItems,
  putItems,
  setClassMapping,
  storedKeys,
  unfinishedImports,
  type ItemWrite,
} from './datasets';
import { DB_VERSION, type MediaItemRecord } from './schema';

function item(
  datasetId: string,
  key: string,
  rawLabel: string | null,
  bytes = 10,
): MediaItemRecord {
  return {
    id: `${datasetId}:${key}`,
    datasetId,
    key,
    kind: 'video',
    rawLabel,
    subject: null,
    split: 'train',
    bytes,
    mime: 'video/mp4',
    width: 64,
    height: 48,
    durationSec: 1.5,
    blobCount: 1,
  };
}

function write(datasetId: string, key: string, rawLabel: string | null): ItemWrite {
  return {
    item: item(datasetId, key, rawLabel),
    blobs: [{ index: 0, name: key, blob: new Blob([new Uint8Array(10)]) }],
  };
}

let db: FerDatabase;
beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
  await createDataset(db, {
    id: 'd1',
    name: 'AFEW',
    layout: 'afew',
    labelled: true,
    classMap: { Angry: 'angry', Happy: 'happy' },
    problems: [],
    totalItems: 3,
  });
});

describe('dataset storage', () => {
  it('stores items atomically with counters and journal', async () => {
    await putItems(db, 'd1', [
      write('d1', 'Angry/a.avi', 'Angry'),
      write('d1', 'Happy/b.avi', 'Happy'),
    ]);
    const [d] = await listDatasets(db);
    expect(d?.itemCount).toBe(2);
    expect(d?.totalBytes).toBe(20);
    expect(d?.totalDurationSec).toBeCloseTo(3);
    expect([...(await storedKeys(db, 'd1'))].sort()).toEqual(['Angry/a.avi', 'Happy/b.avi']);
    expect(await classCounts(db, 'd1')).toEqual([
      { rawLabel: 'Angry', count: 1, canonical: 'angry' },
      { rawLabel: 'Happy', count: 1, canonical: 'happy' },
    ]);
    expect((await getItemBlobs(db, 'd1:Angry/a.avi')).map((b) => b.index)).toEqual([0]);
  });

  it('leaves nothing of a batch that fails part-way', async () => {
    await putItems(db, 'd1', [write('d1', 'Angry/a.avi', 'Angry')]);
    // The second item repeats a (datasetId, key) pair: the unique index aborts the whole batch.
    const dup = write('d1', 'Angry/a.avi', 'Angry');
    dup.item.id = 'd1:other';
    await expect(putItems(db, 'd1', [write('d1', 'Happy/b.avi', 'Happy'), dup])).rejects.toThrow();
    expect((await listItems(db, 'd1')).map((i) => i.key)).toEqual(['Angry/a.avi']);
    expect(await db.count('blobs')).toBe(1);
    const [d] = await listDatasets(db);
    expect(d?.itemCount).toBe(1);
  });

  it('writes a batch larger than one put chunk, and a failure after a chunk leaves none of it', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `Angry/${String(i).padStart(3, '0')}.avi`);
    const dup = write('d1', keys[0] ?? '', 'Angry');
    dup.item.id = 'd1:dup';
    // The duplicate comes after two chunks were queued and awaited: the whole batch aborts.
    await expect(
      putItems(db, 'd1', [...keys.map((k) => write('d1', k, 'Angry')), dup]),
    ).rejects.toThrow();
    expect(await db.count('items')).toBe(0);
    expect(await db.count('blobs')).toBe(0);
    expect((await listDatasets(db))[0]?.itemCount).toBe(0);
    await putItems(
      db,
      'd1',
      keys.map((k) => write('d1', k, 'Angry')),
    );
    expect(await db.count('items')).toBe(60);
    expect((await storedKeys(db, 'd1')).size).toBe(60);
  });

  it('counts classes over more items than one read page', async () => {
    const writes = Array.from({ length: 1234 }, (_, i) =>
      write('d1', `x${i}`, i % 3 === 0 ? 'Angry' : i % 3 === 1 ? 'Happy' : null),
    );
    for (let i = 0; i < writes.length; i += 250) await putItems(db, 'd1', writes.slice(i, i + 250));
    expect(await classCounts(db, 'd1')).toEqual([
      { rawLabel: '', count: 411, canonical: null },
      { rawLabel: 'Angry', count: 412, canonical: 'angry' },
      { rawLabel: 'Happy', count: 411, canonical: 'happy' },
    ]);
  });

  it('keeps an unfinished import journal until it is finished', async () => {
    await putItems(db, 'd1', [write('d1', 'Angry/a.avi', 'Angry')]);
    expect((await unfinishedImports(db)).map((j) => j.datasetId)).toEqual(['d1']);
    await finishImport(db, 'd1', 'ready');
    expect(await unfinishedImports(db)).toEqual([]);
    expect((await listDatasets(db))[0]?.status).toBe('ready');
  });

  it('pages items in key order', async () => {
    await putItems(
      db,
      'd1',
      ['c', 'a', 'b', 'd'].map((k) => write('d1', k, 'Angry')),
    );
    expect((await listItems(db, 'd1', 1, 2)).map((i) => i.key)).toEqual(['b', 'c']);
  });

  it('remaps a class', async () => {
    await setClassMapping(db, 'd1', 'Angry', 'disgust');
    expect((await listDatasets(db))[0]?.classMap.Angry).toBe('disgust');
  });

  it('deletes a dataset with all its items and blobs', async () => {
    await putItems(db, 'd1', [write('d1', 'a', 'Angry'), write('d1', 'b', 'Happy')]);
    await deleteDataset(db, 'd1');
    expect(await listDatasets(db)).toEqual([]);
    expect(await db.count('items')).toBe(0);
    expect(await db.count('blobs')).toBe(0);
    expect(await db.count('journal')).toBe(0);
    expect(await db.count('preprocessed')).toBe(0);
  });
});

describe('migrations', () => {
  it('creates every store of the current version', () => {
    expect([...db.objectStoreNames].sort()).toEqual(
      [
        'blobs',
        'checkpoints',
        'datasets',
        'evaluations',
        'frames',
        'items',
        'journal',
        'preprocessed',
        'runs',
        'thumbnails',
      ].sort(),
    );
  });
});

describe('schema versions', () => {
  it('refuses to open a version it has no migration for, and leaves the data as it was', async () => {
    await putItems(db, 'd1', [write('d1', 'a', 'Angry')]);
    db.close();
    await expect(openFerDb(undefined, DB_VERSION + 1)).rejects.toThrow(
      new RegExp(`No migration from schema version ${DB_VERSION} to ${DB_VERSION + 1}`),
    );
    const again = await openFerDb();
    expect(await again.count('items')).toBe(1);
    again.close();
  });
});
