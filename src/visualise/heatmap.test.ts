import { describe, expect, it } from 'vitest';
import { heatColour, meanMaps, normaliseMap, sliceMap, upsampleBilinear } from './heatmap';

describe('spatial attention maps', () => {
  it('upsamples 2x2 to 4x4 bilinearly with pixel centres aligned', () => {
    const up = Array.from(upsampleBilinear([0, 1, 2, 3], 2, 2, 4, 4));
    // Source x for output columns: -0.25 -> 0 (clamped), 0.25, 0.75, 1.25 -> 1 (clamped).
    expect(up.slice(0, 4)).toEqual([0, 0.25, 0.75, 1]);
    expect(up.slice(12, 16)).toEqual([2, 2.25, 2.75, 3]);
    expect(up[5]).toBeCloseTo(0.25 + 2 * 0.25, 6); // (0.25, 0.25)
    // The mean is kept for a symmetric upsampling.
    expect(up.reduce((a, b) => a + b, 0) / 16).toBeCloseTo(1.5, 6);
  });

  it('keeps a constant map constant and a 1x1 map everywhere', () => {
    expect(Array.from(upsampleBilinear([0.25], 1, 1, 3, 2))).toEqual([
      0.25, 0.25, 0.25, 0.25, 0.25, 0.25,
    ]);
    expect(() => upsampleBilinear([1, 2, 3], 2, 2, 4, 4)).toThrow();
  });

  it('rescales to [0, 1] and colours the ends blue and red', () => {
    expect(Array.from(normaliseMap([2, 4, 3]))).toEqual([0, 1, 0.5]);
    expect(Array.from(normaliseMap([5, 5]))).toEqual([0, 0]);
    expect(heatColour(0)).toEqual([0, 0, 128]);
    expect(heatColour(1)).toEqual([128, 0, 0]);
    expect(heatColour(0.5)).toEqual([128, 255, 128]);
  });

  it('slices one (frame, region, hop) out of [n, regions, hops, R] and averages hops', () => {
    // n=2, regions=3, hops=2, R=2: value = frame*100 + region*10 + hop + position/10
    const m: number[] = [];
    for (let f = 0; f < 2; f++)
      for (let g = 0; g < 3; g++)
        for (let h = 0; h < 2; h++)
          for (let r = 0; r < 2; r++) m.push(f * 100 + g * 10 + h + r / 10);
    const dims = { frames: 2, regions: 3, hops: 2, positions: 2 };
    expect(sliceMap(m, dims, 1, 2, 1)).toEqual([121, 121.1]);
    expect(sliceMap(m, dims, 0, 1, 0)).toEqual([10, 10.1]);
    expect(meanMaps([sliceMap(m, dims, 1, 2, 0), sliceMap(m, dims, 1, 2, 1)])).toEqual([
      120.5, 120.6,
    ]);
  });
});
