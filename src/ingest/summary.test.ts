import { describe, expect, it } from 'vitest';
import { summarise } from './summary';
import type { ImportPlan, PlannedItem } from './types';

const clip = (
  key: string,
  rawLabel: string | null,
  size: number,
  durationSec: number,
): PlannedItem => ({
  key,
  kind: 'video',
  sources: [{ path: key, file: new Blob([new Uint8Array(size)]) }],
  rawLabel,
  split: 'train',
  durationSec,
});

describe('summarise', () => {
  it('adds durations and lists unlabelled items as the empty label', () => {
    const plan: ImportPlan = {
      name: 'x',
      layout: 'afew',
      labelled: true,
      items: [clip('a', 'Angry', 10, 1.5), clip('b', 'Angry', 20, 2), clip('c', null, 5, 0.25)],
      classMap: { Angry: 'angry' },
      problems: [{ path: 'bad.mp4', code: 'corrupt', message: 'damaged' }],
    };
    const s = summarise(plan);
    expect(s.totalDurationSec).toBeCloseTo(3.75);
    expect(s.totalBytes).toBe(35);
    expect(s.classes).toEqual([
      { rawLabel: 'Angry', canonical: 'angry', count: 2 },
      { rawLabel: '', canonical: null, count: 1 },
    ]);
    expect(s.splits).toEqual({ train: 3 });
    expect(s.problemCounts).toEqual({ corrupt: 1 });
  });

  it('reports an unknown duration as null', () => {
    const item: PlannedItem = { ...clip('a', 'Angry', 1, 0), kind: 'image' };
    delete item.durationSec;
    const plan: ImportPlan = {
      name: 'x',
      layout: 'image-folders',
      labelled: true,
      items: [item],
      classMap: {},
      problems: [],
    };
    expect(summarise(plan).totalDurationSec).toBeNull();
  });
});
