import { describe, expect, it } from 'vitest';
import type { ClipPrediction } from '../train/run/record';
import { clipRegionMean, highlightCount, regionWeightsByClass, topFrames } from './attention';

const clip = (label: number | null, regionWeights: number[][]): ClipPrediction => ({
  itemId: 'i',
  key: 'k',
  label,
  predicted: 0,
  probs: [],
  frames: regionWeights.map((_, i) => i),
  frameWeights: regionWeights.map(() => 1 / regionWeights.length),
  regionWeights,
});

describe('channel attention summaries', () => {
  it('averages a clip over its frames', () => {
    const m = clipRegionMean(
      clip(0, [
        [0.2, 0.3, 0.5],
        [0.4, 0.3, 0.3],
      ]),
    );
    expect(m?.[0]).toBeCloseTo(0.3, 12);
    expect(m?.[1]).toBeCloseTo(0.3, 12);
    expect(m?.[2]).toBeCloseTo(0.4, 12);
    expect(clipRegionMean(clip(0, []))).toBeNull();
  });

  it('averages clips per true class, each clip counting once, unlabelled left out', () => {
    const r = regionWeightsByClass(
      [
        clip(1, [[0.1, 0.1, 0.8]]),
        // 3 frames, mean [0.3, 0.3, 0.4]: counts as one clip
        clip(1, [
          [0.3, 0.3, 0.4],
          [0.2, 0.4, 0.4],
          [0.4, 0.2, 0.4],
        ]),
        clip(0, [[0.6, 0.2, 0.2]]),
        clip(null, [[1, 0, 0]]),
      ],
      3,
    );
    expect(r.clips).toEqual([1, 2, 0]);
    expect(r.regions).toBe(3);
    expect(r.mean[0]).toEqual([0.6, 0.2, 0.2]);
    const happy = r.mean[1] ?? [];
    expect(happy[0]).toBeCloseTo(0.2, 12);
    expect(happy[1]).toBeCloseTo(0.2, 12);
    expect(happy[2]).toBeCloseTo(0.6, 12);
    expect(r.mean[2]).toBeNull();
  });

  it('picks the top frames and how many to highlight', () => {
    expect(topFrames([0.1, 0.4, 0.2, 0.3], 2)).toEqual([1, 3]);
    expect(topFrames([0.25, 0.25, 0.25, 0.25], 1)).toEqual([0]);
    expect(highlightCount([0.1, 0.4, 0.2, 0.3])).toBe(2);
    expect(highlightCount([0.25, 0.25, 0.25, 0.25])).toBe(1);
    expect(highlightCount([])).toBe(0);
  });
});
