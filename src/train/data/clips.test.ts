import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFerDb, type FerDatabase } from '../../storage/db';
import { listClips, splitClips, type ClipRef } from './clips';
import { seedDataset } from '../../automation/train/data';

let db: FerDatabase;
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
const accepted = (startFrame: number, endFrame: number) =>
  ({
    accepted: true,
    clip: { startFrame, endFrame, startSec: 0, endSec: 1, frameCount: 4, largeFaceFrames: 4 },
  }) as const;

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openFerDb();
});
afterEach(() => db.close());

describe('listClips', () => {
  it('maps labels through the class map to the run classes and counts what it skips', async () => {
    await seedDataset(db, 'afew', {
      labelled: true,
      classMap: { Happy: 'happy', Sad: 'sad', Contempt: 'contempt', Other: null },
      items: [
        { key: 'train/happy/a', rawLabel: 'Happy', status: 'done', frames: [4, 0, 12] },
        { key: 'b', rawLabel: 'Sad', status: 'done', frames: [1], subject: 'S1', split: 'val' },
        { key: 'c', rawLabel: 'Contempt', status: 'done', frames: [0] },
        { key: 'd', rawLabel: 'Other', status: 'done', frames: [0] },
        { key: 'e', rawLabel: 'Happy' },
        { key: 'f', rawLabel: 'Happy', status: 'flagged', frames: [0] },
        { key: 'g', rawLabel: 'Sad', status: 'failed' },
        { key: 'h', rawLabel: null, status: 'done', frames: [3] },
        { key: 'i', rawLabel: 'Sad', status: 'done', frames: [] },
      ],
    });
    const { clips, skipped } = await listClips(db, 'afew', ['sad', 'happy']);
    expect(clips.map((c) => [c.key, c.label, c.frames])).toEqual([
      ['b', 0, [1]],
      ['h', null, [3]],
      ['train/happy/a', 1, [0, 4, 12]],
    ]);
    expect(clips[0]).toMatchObject({
      itemId: 'afew:b',
      datasetId: 'afew',
      subject: 'S1',
      split: 'val',
    });
    expect(skipped).toEqual({
      'class-not-in-run': 1,
      'unmapped-label': 1,
      'not-preprocessed': 1,
      flagged: 1,
      failed: 1,
      'no-frames': 1,
    });
  });

  it('an unlabelled dataset: labels null, hidden labels kept, only accepted mining runs', async () => {
    await seedDataset(db, 'pool', {
      labelled: false,
      items: [
        {
          key: 'v1',
          hiddenLabel: 'happy',
          status: 'done',
          frames: range(0, 9),
          mining: accepted(2, 5),
        },
        {
          key: 'v2',
          status: 'done',
          frames: range(0, 3),
          mining: { accepted: false, reason: 'too-short', longestRun: 3 },
        },
        { key: 'v3', rawLabel: 'x', status: 'done', frames: [0, 7] },
        { key: 'v4', status: 'done', frames: [0, 1], mining: accepted(5, 9) },
      ],
    });
    const { clips, skipped } = await listClips(db, 'pool', ['sad', 'happy']);
    expect(clips.map((c) => [c.key, c.label, c.hiddenLabel, c.frames])).toEqual([
      ['v1', null, 1, [2, 3, 4, 5]],
      ['v3', null, null, [0, 7]],
    ]);
    expect(skipped).toEqual({ flagged: 1, 'no-frames': 1 });
  });

  it('an unknown dataset is an error', async () => {
    await expect(listClips(db, 'nope', ['happy'])).rejects.toThrow(/No dataset 'nope'/);
  });
});

function clip(key: string, label: number | null, extra: Partial<ClipRef> = {}): ClipRef {
  return {
    itemId: `d:${key}`,
    datasetId: 'd',
    key,
    label,
    hiddenLabel: null,
    subject: null,
    split: null,
    frames: [0],
    ...extra,
  };
}

describe('splitClips', () => {
  it('with val and test splits: val selects, test is held out for reporting', () => {
    const clips = [
      clip('a', 0, { split: 'train' }),
      clip('b', 1, { split: 'val' }),
      clip('c', 0, { split: 'test' }),
      clip('d', 1),
      clip('u', null, { split: 'train' }),
    ];
    const s = splitClips(clips, { valFraction: 0.5, seed: 1 });
    expect(s.train.map((c) => c.key)).toEqual(['a', 'd']);
    expect(s.val.map((c) => c.key)).toEqual(['b']);
    expect(s.test.map((c) => c.key)).toEqual(['c']);
    expect(s.unlabelled.map((c) => c.key)).toEqual(['u']);
  });

  it('with only a test split, it validates (AFEW/CK+ as the paper uses them) and no test is held out', () => {
    const clips = [clip('a', 0, { split: 'train' }), clip('c', 0, { split: 'test' }), clip('d', 1)];
    const s = splitClips(clips, { valFraction: 0.5, seed: 1 });
    expect(s.val.map((c) => c.key)).toEqual(['c']);
    expect(s.test).toEqual([]);
  });

  it('uses the items splits; unlabelled clips go aside', () => {
    const clips = [
      clip('a', 0, { split: 'train' }),
      clip('b', 1, { split: 'val' }),
      clip('c', 0, { split: 'val' }),
      clip('d', 1),
      clip('u', null, { split: 'train' }),
    ];
    const s = splitClips(clips, { valFraction: 0.5, seed: 1 });
    expect(s.train.map((c) => c.key)).toEqual(['a', 'd']);
    expect(s.val.map((c) => c.key)).toEqual(['b', 'c']);
    expect(s.unlabelled.map((c) => c.key)).toEqual(['u']);
  });

  it('without splits: stratified by class, deterministic per seed', () => {
    const clips = [
      ...range(0, 40).map((i) => clip(`h${i}`, 0)),
      ...range(0, 10).map((i) => clip(`s${i}`, 1)),
    ];
    const a = splitClips(clips, { valFraction: 0.2, seed: 5 });
    expect(a.val.filter((c) => c.label === 0)).toHaveLength(8);
    expect(a.val.filter((c) => c.label === 1)).toHaveLength(2);
    expect(a.train).toHaveLength(40);
    expect(splitClips(clips, { valFraction: 0.2, seed: 5 })).toEqual(a);
    const b = splitClips(clips, { valFraction: 0.2, seed: 6 });
    expect(b.val.map((c) => c.key)).not.toEqual(a.val.map((c) => c.key));
    expect(splitClips(clips, { valFraction: 0, seed: 5 }).val).toEqual([]);
  });

  it('without splits: subject-independent, near the fraction per class', () => {
    // 10 subjects x (3 of class 0 + 1 of class 1).
    const clips = range(0, 10).flatMap((s) => [
      ...range(0, 3).map((i) => clip(`s${s}-a${i}`, 0, { subject: `S${s}` })),
      clip(`s${s}-b`, 1, { subject: `S${s}` }),
    ]);
    for (const seed of [1, 2, 3]) {
      const { train, val } = splitClips(clips, { valFraction: 0.3, seed });
      const trainSubjects = new Set(train.map((c) => c.subject));
      expect(val.some((c) => trainSubjects.has(c.subject))).toBe(false);
      expect(val.filter((c) => c.label === 0)).toHaveLength(9);
      expect(val.filter((c) => c.label === 1)).toHaveLength(3);
    }
  });

  it('rejects a fraction outside [0, 1)', () => {
    expect(() => splitClips([], { valFraction: 1, seed: 1 })).toThrow(RangeError);
  });
});
