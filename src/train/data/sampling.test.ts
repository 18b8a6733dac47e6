import { describe, expect, it } from 'vitest';
import { stream } from '../../compute/random';
import { sampleFrames } from './sampling';

const range = (n: number, step = 1): number[] => Array.from({ length: n }, (_, i) => i * step);

describe('sampleFrames', () => {
  it('eval takes the centre of each of `count` equal segments', () => {
    expect(sampleFrames(range(12, 2), 3, 'eval', stream(1, 'x'))).toEqual({
      frames: [4, 12, 20], // segments of positions 0-3, 4-7, 8-11: centres 2, 6, 10
      mask: [1, 1, 1],
    });
    expect(sampleFrames([5, 9, 30], 3, 'eval', stream(1, 'x')).frames).toEqual([5, 9, 30]);
  });

  it('train takes one frame from each segment, ascending, deterministic per stream', () => {
    const available = range(100, 3);
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const { frames, mask } = sampleFrames(available, 4, 'train', stream(7, `frames/${i}`));
      expect(frames).toHaveLength(4);
      expect(mask).toEqual([1, 1, 1, 1]);
      frames.forEach((f, s) => {
        expect(f).toBeGreaterThanOrEqual(s * 75);
        expect(f).toBeLessThan((s + 1) * 75);
        expect(available).toContain(f);
      });
      expect(sampleFrames(available, 4, 'train', stream(7, `frames/${i}`)).frames).toEqual(frames);
      seen.add(frames[0] as number);
    }
    expect(seen.size).toBeGreaterThan(10);
  });

  it('a short clip keeps every frame once and pads by cycling, with mask 0', () => {
    expect(sampleFrames([3, 8], 5, 'train', stream(1, 'x'))).toEqual({
      frames: [3, 8, 3, 8, 3],
      mask: [1, 1, 0, 0, 0],
    });
    expect(sampleFrames([3], 2, 'eval', stream(1, 'x'))).toEqual({ frames: [3, 3], mask: [1, 0] });
  });

  it('rejects an empty clip and a bad count', () => {
    expect(() => sampleFrames([], 3, 'eval', stream(1, 'x'))).toThrow(/no stored frames/);
    expect(() => sampleFrames([1], 0, 'eval', stream(1, 'x'))).toThrow(RangeError);
  });
});
