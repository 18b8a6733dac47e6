import { describe, expect, it } from 'vitest';
import { planClips } from './planner';
import { DEFAULT_DEMO_OPTIONS } from './options';
import {
  attemptSpec,
  DEFAULT_SURVIVAL,
  emptySurvival,
  framesNeeded,
  mergeSurvival,
  survivalWarnings,
} from './survival';

describe('survival check', () => {
  const clip = planClips(1, DEFAULT_DEMO_OPTIONS.counts)[0];
  if (!clip) throw new Error('no clip');

  it('re-renders with a new seed per attempt, keeping class, identity and key', () => {
    expect(attemptSpec(clip, 0)).toBe(clip);
    const a = attemptSpec(clip, 1);
    const b = attemptSpec(clip, 2);
    expect([a.key, a.cls, a.identity]).toEqual([clip.key, clip.cls, clip.identity]);
    expect(new Set([clip.seed, a.seed, b.seed]).size).toBe(3);
    expect(attemptSpec(clip, 1)).toEqual(a);
  });

  it("needs preprocessing's minimum of frames with a face, never more than the clip has", () => {
    expect(framesNeeded(DEFAULT_SURVIVAL, 8)).toBe(5);
    expect(framesNeeded(DEFAULT_SURVIVAL, 4)).toBe(4);
  });

  it('warns about a photo whose clips fail, not about one that passes', () => {
    const good = { ...emptySurvival('a.png'), clips: 100, failed: 3 };
    const bad = {
      ...emptySurvival('b.png'),
      clips: 100,
      failed: 30,
      framesChecked: 500,
      framesWithFace: 200,
    };
    const w = survivalWarnings([good, bad]);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^b\.png: 30 of 100 clips/);
  });

  it("sums the shards' rows per photo, and refuses shards that disagree on the photos", () => {
    const row = (photo: string, k: number) => ({
      photo,
      clips: k,
      retried: 2 * k,
      failed: 3 * k,
      renders: 4 * k,
      framesChecked: 5 * k,
      framesWithFace: 6 * k,
    });
    expect(
      mergeSurvival([
        [row('a.png', 1), row('b.png', 10)],
        [row('a.png', 2), row('b.png', 20)],
      ]),
    ).toEqual([row('a.png', 3), row('b.png', 30)]);
    expect(mergeSurvival([[row('a.png', 1)]])).toEqual([row('a.png', 1)]);
    expect(() => mergeSurvival([[row('a.png', 1)], [row('b.png', 1)]])).toThrow(/disagree/);
  });
});
