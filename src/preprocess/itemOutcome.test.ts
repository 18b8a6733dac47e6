import { describe, expect, it } from 'vitest';
import type { MediaItemRecord } from '../storage/schema';
import { validatePreprocessConfig } from './config';
import { itemOutcome } from './itemOutcome';
import { emptyDropCounts, zeroTimings, type ItemResult } from './protocol';

describe('itemOutcome', () => {
  it('counts the kept frames with small faces', () => {
    const sample = (i: number, smallFace?: boolean) => ({
      frameIndex: i,
      timestampSec: i,
      width: 640,
      height: 360,
      faces: [],
      dropped: null,
      ...(smallFace ? { smallFace } : {}),
    });
    const result: ItemResult = {
      itemId: 'd:a.png',
      frames: [],
      samples: [sample(0, true), sample(1), sample(2, true)],
      dropped: emptyDropCounts(),
      sampleFps: null,
      sourceWidth: 640,
      sourceHeight: 360,
      timings: zeroTimings(),
    };
    const item = { kind: 'image' } as MediaItemRecord;
    const out = itemOutcome(item, result, validatePreprocessConfig(), 'h', null);
    expect(out.smallFaceFrames).toBe(2);
  });
});
