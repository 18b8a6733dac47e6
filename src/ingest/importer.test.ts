import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { openFerDb, type FerDatabase } from '../storage/db';
import { getDataset, listItems, unfinishedImports } from '../storage/datasets';
import { commitPlan, probePlan, type Prober } from './importer';
import type { ImportPlan, PlannedItem } from './types';

function video(key: string, label: string, size = 1000): PlannedItem {
  return {
    key,
    kind: 'video',
    sources: [{ path: key, file: new Blob([new Uint8Array(size)]) }],
    rawLabel: label,
  };
}

function plan(items: PlannedItem[]): ImportPlan {
  return {
    name: 'test',
    layout: 'afew',
    labelled: true,
    items,
    classMap: { Angry: 'angry' },
    problems: [],
  };
}

let db: FerDatabase;
beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
});

describe('probePlan', () => {
  it('fills durations and moves undecodable files to problems', async () => {
    const probe: Prober = (_file, name) => {
      if (name.includes('bad'))
        return Promise.reject(Object.assign(new Error('stream damaged'), { code: 'corrupt' }));
      return Promise.resolve({ mime: 'video/mp4', width: 96, height: 72, durationSec: 1.5 });
    };
    const p = await probePlan(
      plan([video('a.mp4', 'Angry'), video('bad.mp4', 'Angry'), video('c.mp4', 'Angry')]),
      probe,
    );
    expect(p.items.map((i) => [i.key, i.durationSec, i.width])).toEqual([
      ['a.mp4', 1.5, 96],
      ['c.mp4', 1.5, 96],
    ]);
    expect(p.problems).toEqual([{ path: 'bad.mp4', code: 'corrupt', message: 'stream damaged' }]);
  });
});

describe('commitPlan', () => {
  it('stores every item in batches and finishes the dataset', async () => {
    const items = Array.from({ length: 7 }, (_, i) => video(`v${i}.mp4`, 'Angry', 100 + i));
    const r = await commitPlan(db, plan(items), { batchItems: 3, newId: () => 'd1' });
    expect(r).toMatchObject({ datasetId: 'd1', status: 'ready', storedItems: 7, bytes: 721 });
    const d = await getDataset(db, 'd1');
    expect(d?.itemCount).toBe(7);
    expect(d?.totalBytes).toBe(721);
    expect(await unfinishedImports(db)).toEqual([]);
  });

  it('stops on a full disk with status partial, keeping the whole batches stored before', async () => {
    let batches = 0;
    const full = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop === 'transaction') {
          return (stores: string | string[], mode?: IDBTransactionMode) => {
            if (
              Array.isArray(stores) &&
              stores.includes('items') &&
              mode === 'readwrite' &&
              ++batches > 2
            ) {
              throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            }
            return target.transaction(stores as 'items', mode);
          };
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const items = Array.from({ length: 10 }, (_, i) => video(`v${i}.mp4`, 'Angry'));
    const r = await commitPlan(full, plan(items), { batchItems: 3, newId: () => 'd1' });
    expect(r.status).toBe('partial');
    expect(r.storedItems).toBe(6);
    expect(r.stopReason).toMatch(/storage is full/i);
    expect((await listItems(db, 'd1')).length).toBe(6);
    expect((await getDataset(db, 'd1'))?.status).toBe('partial');
  });

  it('resumes an interrupted import without duplicating items', async () => {
    const items = Array.from({ length: 5 }, (_, i) => video(`v${i}.mp4`, 'Angry'));
    const controller = new AbortController();
    let seen = 0;
    const first = await commitPlan(db, plan(items), {
      batchItems: 2,
      newId: () => 'd1',
      signal: controller.signal,
      onProgress: () => {
        if (++seen === 1) controller.abort();
      },
    });
    expect(first.status).toBe('partial');
    expect(first.storedItems).toBe(2);
    const second = await commitPlan(db, plan(items), { datasetId: 'd1', batchItems: 2 });
    expect(second).toMatchObject({ status: 'ready', storedItems: 3, skippedAlreadyStored: 2 });
    expect((await listItems(db, 'd1')).map((i) => i.key)).toEqual([
      'v0.mp4',
      'v1.mp4',
      'v2.mp4',
      'v3.mp4',
      'v4.mp4',
    ]);
  });
});
