import { describe, expect, it } from 'vitest';
import { DEMO_CLASSES } from './classes';
import { DEFAULT_DEMO_OPTIONS, DEFAULT_POOL_MIX, validateDemoOptions } from './options';
import { framePath, IDENTITIES, planClips, poolClassCounts } from './planner';

describe('poolClassCounts', () => {
  it('splits the pool by the mix, summing exactly', () => {
    const c = poolClassCounts(168, DEFAULT_POOL_MIX);
    expect(c).toEqual({
      angry: 17,
      disgust: 10,
      fear: 14,
      happy: 40,
      sad: 20,
      surprise: 17,
      neutral: 50,
    });
    expect(Object.values(poolClassCounts(7, DEFAULT_POOL_MIX)).reduce((a, b) => a + b)).toBe(7);
  });
});

describe('planClips', () => {
  const { counts } = DEFAULT_DEMO_OPTIONS;
  const clips = planClips(1, counts);

  it('has the configured counts per split and class', () => {
    expect(clips).toHaveLength(7 * 20 + 7 * 6 + 7 * 20 + 560);
    for (const cls of DEMO_CLASSES) {
      expect(clips.filter((c) => c.split === 'train' && c.cls === cls)).toHaveLength(20);
      expect(clips.filter((c) => c.split === 'val' && c.cls === cls)).toHaveLength(6);
      expect(clips.filter((c) => c.split === 'test' && c.cls === cls)).toHaveLength(20);
    }
    const pool = clips.filter((c) => c.split === 'unlabelled');
    // At least 4x the labelled training set, imbalanced as DEFAULT_POOL_MIX says.
    expect(pool.length).toBeGreaterThanOrEqual(4 * 7 * 20);
    expect(pool.filter((c) => c.cls === 'neutral')).toHaveLength(168);
    expect(pool.filter((c) => c.cls === 'disgust')).toHaveLength(34);
  });

  it('names clips and frames as documented, without the class in pool paths', () => {
    const first = clips[0];
    if (!first) throw new Error('no clips');
    expect(first.key).toBe('train/angry/clip0000');
    expect(framePath(first, 3)).toBe('train/angry/clip0000/f03.jpg');
    const pool = clips.filter((c) => c.split === 'unlabelled');
    expect(pool[7]?.key).toBe('unlabelled/clip0007');
    for (const c of pool) for (const cls of DEMO_CLASSES) expect(c.key).not.toContain(cls);
    // Shuffled: the pool does not come class by class.
    const firstTen = new Set(pool.slice(0, 20).map((c) => c.cls));
    expect(firstTen.size).toBeGreaterThan(2);
  });

  it('keeps identities disjoint between splits (train, val, test, pool) and gives each clip its own seed', () => {
    const ranges = Object.values(IDENTITIES).map((r) => [r.first, r.first + r.count] as const);
    for (const [a0, a1] of ranges)
      for (const [b0, b1] of ranges) if (a0 !== b0) expect(a1 <= b0 || b1 <= a0).toBe(true);
    for (const c of clips) {
      const ids = IDENTITIES[c.split];
      expect(c.identity).toBeGreaterThanOrEqual(ids.first);
      expect(c.identity).toBeLessThan(ids.first + ids.count);
    }
    expect(new Set(clips.map((c) => c.seed)).size).toBe(clips.length);
  });

  it('is a function of the seed, and a clip does not depend on the other counts', () => {
    expect(planClips(1, counts)).toEqual(clips);
    expect(planClips(2, counts).map((c) => c.seed)).not.toEqual(clips.map((c) => c.seed));
    const fewer = planClips(1, { ...counts, trainPerClass: 2, pool: 0 });
    const a = fewer.find((c) => c.key === 'val/happy/clip0001');
    const b = clips.find((c) => c.key === 'val/happy/clip0001');
    expect(a).toEqual(b);
  });
});

describe('validateDemoOptions', () => {
  it('fills defaults and rejects bad counts', () => {
    const o = validateDemoOptions({ seed: 5, counts: { pool: 10 } });
    expect(o.seed).toBe(5);
    expect(o.counts.pool).toBe(10);
    expect(o.counts.frames).toBe(8);
    expect(o.counts.testPerClass).toBe(20);
    expect(() => validateDemoOptions({ counts: { testPerClass: -1 } })).toThrow(/testPerClass/);
    expect(() => validateDemoOptions({ counts: { frames: 2 } })).toThrow(/frames/);
    expect(() => validateDemoOptions({ seed: -1 })).toThrow(/seed/);
    expect(() => validateDemoOptions({ counts: { size: 4000 } })).toThrow(/size/);
  });
});
