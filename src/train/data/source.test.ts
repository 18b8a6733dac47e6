import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFerDb, type FerDatabase } from '../../storage/db';
import type { ClipRef } from './clips';
import { FrameLoadError, idbFrameSource, interleaveRegions, type CropDecoder } from './source';
import { seedDataset } from '../../automation/train/data';

const REGION_CODE: Record<string, number> = { face: 1, eyes: 2, mouth: 3 };
let db: FerDatabase;

/** Each crop blob holds [frameIndex, region code]; the fake decoder paints RGBA from them. */
const decoder = (calls: string[]): CropDecoder => {
  return async (blob, size) => {
    const [frame = 0, region = 0] = new Uint8Array(await blob.arrayBuffer());
    if (region === 9) throw new Error('corrupt WebP');
    calls.push(`${frame}/${region}/${size}`);
    const rgba = new Uint8ClampedArray(size * size * 4);
    for (let p = 0; p < size * size; p++)
      rgba.set([region * 10 + 1, region * 10 + 2, region * 10 + 3, 255], p * 4);
    rgba[0] = frame; // first pixel's red carries the frame
    return rgba;
  };
};

const clip: ClipRef = {
  itemId: 'd:v/1',
  datasetId: 'd',
  key: 'v/1',
  label: 0,
  hiddenLabel: null,
  subject: null,
  split: null,
  frames: [0, 1, 2, 3],
};

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
  await seedDataset(
    db,
    'd',
    {
      labelled: true,
      classMap: { a: 'happy' },
      items: [{ key: 'v/1', rawLabel: 'a', status: 'done', frames: [0, 1, 2, 3] }],
    },
    (_item, f, region) =>
      new Blob([
        new Uint8Array([f, f === 3 && region === 'eyes' ? 9 : (REGION_CODE[region] ?? 0)]),
      ]),
  );
});
afterEach(() => db.close());

describe('idbFrameSource', () => {
  it('interleaves face, eyes and mouth RGB into 9 channels per pixel', async () => {
    const src = idbFrameSource(db, { decode: decoder([]) });
    const bytes = await src.load(clip, 2, 3);
    expect(bytes).toHaveLength(3 * 3 * 9);
    expect(Array.from(bytes.slice(0, 9))).toEqual([2, 12, 13, 2, 22, 23, 2, 32, 33]);
    expect(Array.from(bytes.slice(9, 18))).toEqual([11, 12, 13, 21, 22, 23, 31, 32, 33]);
  });

  it('caches decoded frames (LRU within cacheBytes) and shares concurrent decodes', async () => {
    const calls: string[] = [];
    const frameBytes = 2 * 2 * 9;
    const src = idbFrameSource(db, { decode: decoder(calls), cacheBytes: 2 * frameBytes });
    await Promise.all([src.load(clip, 0, 2), src.load(clip, 0, 2)]);
    expect(calls).toHaveLength(3); // one decode per region, shared
    await src.load(clip, 1, 2);
    await src.load(clip, 0, 2); // hit; 0 becomes most recent
    await src.load(clip, 2, 2); // evicts 1
    expect(src.cacheStats()).toMatchObject({
      frames: 2,
      bytes: 2 * frameBytes,
      hits: 1,
      misses: 3,
    });
    calls.length = 0;
    await src.load(clip, 0, 2);
    expect(calls).toEqual([]);
    await src.load(clip, 1, 2);
    expect(calls).toHaveLength(3);
    await src.load(clip, 0, 4); // another size is another entry
    expect(calls).toHaveLength(6);
  });

  it('names the item and frame when a frame is missing or a crop cannot be decoded', async () => {
    const src = idbFrameSource(db, { decode: decoder([]) });
    const missing = src.load(clip, 7, 2);
    await expect(missing).rejects.toThrow(FrameLoadError);
    await expect(missing).rejects.toThrow(/Frame 7 of 'v\/1' \(item d:v\/1\) is not stored/);
    await expect(src.load(clip, 3, 2)).rejects.toThrow(
      /Cannot decode the eyes crop of frame 3 of 'v\/1' \(item d:v\/1\): corrupt WebP/,
    );
    // A failure is not cached: the next call tries again.
    await expect(src.load(clip, 3, 2)).rejects.toThrow(FrameLoadError);
    expect(src.cacheStats().frames).toBe(0);
  });

  it('rejects a decoded crop of the wrong size', () => {
    expect(() => interleaveRegions([new Uint8ClampedArray(4)], 2)).toThrow(/expected 16/);
  });
});
