import { describe, expect, it } from 'vitest';
import { apexFrame, drawCourse, intensities, intensityAt, type ExpressionCourse } from './course';
import { createRng } from './rng';

const course: ExpressionCourse = {
  onsetStart: 0.1,
  apexStart: 0.4,
  apexEnd: 0.7,
  endLevel: 0.25,
  peak: 0.8,
};

describe('onset-apex-offset course', () => {
  it('is neutral before onset, at peak through the apex, and decays to endLevel', () => {
    expect(intensityAt(course, 0)).toBe(0);
    expect(intensityAt(course, 0.1)).toBe(0);
    expect(intensityAt(course, 0.25)).toBeCloseTo(0.4, 5); // half-way up the smoothstep
    expect(intensityAt(course, 0.4)).toBeCloseTo(0.8, 5);
    expect(intensityAt(course, 0.69)).toBeCloseTo(0.8, 5);
    expect(intensityAt(course, 1)).toBeCloseTo(0.2, 5);
  });

  it('rises monotonically, then falls monotonically', () => {
    const v = intensities(course, 21);
    const apex = apexFrame(v);
    for (let k = 1; k <= apex; k++) expect(v[k]).toBeGreaterThanOrEqual(v[k - 1] ?? 0);
    for (let k = apex + 1; k < v.length; k++) expect(v[k]).toBeLessThanOrEqual(v[k - 1] ?? 0);
    expect(apex).toBe(8); // t = 0.4
  });

  it('drawn courses stay ordered and inside the clip', () => {
    const rng = createRng(5);
    for (let i = 0; i < 200; i++) {
      const c = drawCourse(rng);
      expect(c.onsetStart).toBeLessThan(c.apexStart);
      expect(c.apexStart).toBeLessThan(c.apexEnd);
      expect(c.apexEnd).toBeLessThanOrEqual(0.95);
      expect(c.peak).toBeGreaterThanOrEqual(0.55);
      // With 10 frames at least one frame is at the apex.
      const v = intensities(c, 10);
      expect(Math.max(...v)).toBeGreaterThan(0.9 * c.peak);
    }
  });
});
