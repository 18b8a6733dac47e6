import { describe, expect, it } from 'vitest';
import { placeLabels, type LabelRequest } from './labels';

describe('point labels', () => {
  it('labels of points at nearly the same height are moved apart', () => {
    const at = (y: number): LabelRequest => ({ x: 100, y, width: 80, anchor: 'start' });
    const ys = placeLabels([at(50), at(52), at(54), at(120)], { gap: 12, top: 0, bottom: 200 });
    const sorted = [...ys].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++)
      expect((sorted[i] ?? 0) - (sorted[i - 1] ?? 0)).toBeGreaterThanOrEqual(12);
    expect(ys[0]).toBe(50);
    expect(ys[3]).toBe(120);
  });

  it('labels whose x ranges do not overlap stay where they are', () => {
    const ys = placeLabels(
      [
        { x: 10, y: 50, width: 50, anchor: 'start' },
        { x: 200, y: 50, width: 50, anchor: 'end' },
      ],
      { gap: 12, top: 0, bottom: 100 },
    );
    expect(ys).toEqual([50, 50]);
  });

  it('keeps labels inside the plot', () => {
    const at = (y: number): LabelRequest => ({ x: 0, y, width: 10, anchor: 'start' });
    const ys = placeLabels([at(95), at(96), at(97)], { gap: 10, top: 0, bottom: 100 });
    for (const y of ys) expect(y).toBeLessThanOrEqual(100);
    expect(new Set(ys).size).toBe(3);
  });
});
