/**
 * Items with several mined clips (issue 18: one tracked person per clip): every clip is a
 * training example with its own frames and track; validation and test score items unless
 * `data.evalUnit` is 'clip'. These fail on the loader that used only `mining.clip`.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MinedClip, MiningResult } from '../../preprocess/mining';
import { openFerDb, type FerDatabase } from '../../storage/db';
import { seedDataset, type SeedItem } from '../../automation/train/data';
import { tinyTrainConfig } from '../config';
import { loadRunData } from '../run/data';
import { ClipLoader, DEFAULT_NORMALISE } from './loader';
import { clipsPerItem, listClips, scoredClipOf, splitClips } from './clips';
import { memoryFrameSource } from './source';

let db: FerDatabase;
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

function mined(runs: [start: number, end: number, track: number][]): MiningResult {
  const clips: MinedClip[] = runs.map(([startFrame, endFrame, track]) => ({
    startFrame,
    endFrame,
    startSec: startFrame / 10,
    endSec: endFrame / 10,
    frameCount: endFrame - startFrame + 1,
    largeFaceFrames: endFrame - startFrame + 1,
    track,
    faceIndices: range(startFrame, endFrame + 1).map(() => 0),
  }));
  return { accepted: true, clip: clips[0] as MinedClip, clips };
}

/** One video with three clips: frames 0-3 follow track 0, 5-8 track 1, 10-12 track 0 again. */
const threeClips = (extra: Partial<SeedItem> = {}): SeedItem => ({
  key: 'v',
  status: 'done',
  frames: range(0, 13),
  mining: mined([
    [0, 3, 0],
    [5, 8, 1],
    [10, 12, 0],
  ]),
  ...extra,
});

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
});
afterEach(() => db.close());

describe('items with several mined clips', () => {
  it('an unlabelled item with 3 clips gives 3 examples, each its own frames and track', async () => {
    await seedDataset(db, 'pool', { labelled: false, items: [threeClips({ hiddenLabel: 'sad' })] });
    const { clips } = await listClips(db, 'pool', ['happy', 'sad']);
    expect(clips.map((c) => [c.key, c.clip, c.track, c.frames, c.hiddenLabel])).toEqual([
      ['v', 0, 0, [0, 1, 2, 3], 1],
      ['v@clip1', 1, 1, [5, 6, 7, 8], 1],
      ['v@clip2', 2, 0, [10, 11, 12], 1],
    ]);
    expect(new Set(clips.map((c) => c.itemId))).toEqual(new Set(['pool:v']));
  });

  it('a labelled mined item gives one labelled example per clip; pre-tracking results one', async () => {
    await seedDataset(db, 'lab', {
      labelled: true,
      classMap: { happy: 'happy' },
      items: [
        threeClips({ rawLabel: 'happy' }),
        {
          key: 'old',
          rawLabel: 'happy',
          status: 'done',
          frames: range(0, 6),
          mining: {
            accepted: true,
            clip: {
              startFrame: 1,
              endFrame: 2,
              startSec: 0,
              endSec: 1,
              frameCount: 2,
              largeFaceFrames: 2,
            },
          },
        },
      ],
    });
    const { clips } = await listClips(db, 'lab', ['happy']);
    expect(clips.map((c) => [c.key, c.label, c.frames.length])).toEqual([
      ['old', 0, 2],
      ['v', 0, 4],
      ['v@clip1', 0, 4],
      ['v@clip2', 0, 3],
    ]);
  });

  it('the loader yields the 3 clips as 3 examples with their own frames', async () => {
    await seedDataset(db, 'pool', { labelled: false, items: [threeClips()] });
    const { clips } = await listClips(db, 'pool', ['happy']);
    const bytes = new Map<string, Uint8Array>();
    for (const f of range(0, 13)) bytes.set(`pool:v/${f}/2`, new Uint8Array(2 * 2 * 9).fill(f));
    const loader = new ClipLoader(clips, memoryFrameSource(bytes), {
      framesPerClip: 2,
      inputSize: 2,
      batchSize: 8,
      seed: 1,
      streamName: 'pool',
      shuffle: false,
      mode: 'eval',
      augment: null,
      normalise: DEFAULT_NORMALISE,
      prefetch: 0,
    });
    expect(loader.size).toBe(3);
    for await (const batch of loader.epoch(0)) {
      expect(batch.clips.map((c) => c.key)).toEqual(['v', 'v@clip1', 'v@clip2']);
      expect(batch.frameIndices).toEqual([
        [1, 3],
        [6, 8],
        [10, 12],
      ]);
      batch.x.dispose();
      batch.mask.dispose();
    }
  });

  it("a seeded split keeps an item's clips on one side", () => {
    const item = (n: number, label: number) =>
      range(0, 3).map((c) => ({
        itemId: `d:i${n}`,
        datasetId: 'd',
        key: c === 0 ? `i${n}` : `i${n}@clip${c}`,
        clip: c,
        label,
        hiddenLabel: null,
        subject: null,
        split: null,
        frames: [c],
      }));
    const clips = range(0, 20).flatMap((n) => item(n, n % 2));
    for (const seed of [1, 2, 3]) {
      const { train, val } = splitClips(clips, { valFraction: 0.3, seed });
      const trainItems = new Set(train.map((c) => c.itemId));
      expect(val.length).toBeGreaterThan(0);
      expect(val.some((c) => trainItems.has(c.itemId))).toBe(false);
    }
  });

  it('clipsPerItem joins an item’s clips (frames united, item key); one-clip items unchanged', async () => {
    await seedDataset(db, 'pool', {
      labelled: false,
      items: [threeClips(), { key: 'w', status: 'done', frames: [0, 4] }],
    });
    const { clips } = await listClips(db, 'pool', ['happy']);
    const items = clipsPerItem(clips);
    expect(items.map((c) => [c.key, c.frames])).toEqual([
      ['v', [0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12]],
      ['w', [0, 4]],
    ]);
    expect(items[1]).toBe(clips[3]);
    // What the Results tab's spatial view runs for an item: the example validation scored.
    expect(scoredClipOf(clips, 'pool:v', 'item')?.frames).toEqual(items[0]?.frames);
    expect(scoredClipOf(clips, 'pool:v', 'clip')?.key).toBe('v');
    // A prediction names its clip: a pool item's later clip is that clip, not the first.
    const third = clips.filter((c) => c.itemId === 'pool:v')[2];
    expect(third?.key).toBe('v@clip2');
    expect(scoredClipOf(clips, 'pool:v', 'clip', 'v@clip2')).toBe(third);
    expect(scoredClipOf(clips, 'pool:v', 'clip', 'gone')).toBeUndefined();
    expect(scoredClipOf(clips, 'pool:nope', 'item')).toBeUndefined();
  });

  it('a run trains on every clip and validates per item, or per clip with evalUnit "clip"', async () => {
    await seedDataset(db, 'lab', {
      labelled: true,
      classMap: { happy: 'happy', sad: 'sad' },
      items: [
        threeClips({ rawLabel: 'happy', split: 'train' }),
        threeClips({ key: 'x', rawLabel: 'sad', split: 'train' }),
        threeClips({ key: 'y', rawLabel: 'sad', split: 'val' }),
        threeClips({ key: 'z', rawLabel: 'happy', split: 'test' }),
      ],
    });
    const config = tinyTrainConfig('lab');
    config.classes = ['happy', 'sad'];
    config.noisyStudent.iterations = 0;
    const byItem = await loadRunData(db, config);
    expect(byItem.train.map((c) => c.key)).toEqual([
      'v',
      'v@clip1',
      'v@clip2',
      'x',
      'x@clip1',
      'x@clip2',
    ]);
    expect(byItem.val.map((c) => [c.key, c.frames.length])).toEqual([['y', 11]]);
    expect(byItem.test.map((c) => c.key)).toEqual(['z']);
    config.data.evalUnit = 'clip';
    const byClip = await loadRunData(db, config);
    expect(byClip.val.map((c) => c.key)).toEqual(['y', 'y@clip1', 'y@clip2']);
    expect(byClip.test).toHaveLength(3);
  });

  it('k-fold deals items: no item has clips on both sides of a fold', async () => {
    await seedDataset(db, 'lab', {
      labelled: true,
      classMap: { happy: 'happy', sad: 'sad' },
      items: range(0, 6).map((n) =>
        threeClips({ key: `i${n}`, rawLabel: n % 2 ? 'sad' : 'happy' }),
      ),
    });
    const config = tinyTrainConfig('lab');
    config.classes = ['happy', 'sad'];
    config.noisyStudent.iterations = 0;
    config.data.folds = 3;
    const { folds } = await loadRunData(db, config);
    expect(folds).toHaveLength(3);
    for (const f of folds ?? []) {
      const trainItems = new Set(f.train.map((c) => c.itemId));
      expect(f.val).toHaveLength(2);
      expect(f.val.some((c) => trainItems.has(c.itemId))).toBe(false);
      expect(f.train).toHaveLength(12);
    }
  });
});
