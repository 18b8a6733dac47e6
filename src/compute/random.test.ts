import { describe, expect, it } from 'vitest';
import { rngFromSeed, shuffled, stream } from './random';

describe('seeded randomness', () => {
  it('repeats exactly for the same seed and stream', () => {
    const a = stream(7, 'shuffle');
    const b = stream(7, 'shuffle');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
  });

  it('gives different numbers for another seed or another stream', () => {
    const x = stream(7, 'shuffle').next();
    expect(stream(8, 'shuffle').next()).not.toBe(x);
    expect(stream(7, 'augment').next()).not.toBe(x);
  });

  it('is roughly uniform', () => {
    const r = rngFromSeed(123);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const k = Math.floor(r.next() * 10);
      bins[k] = (bins[k] ?? 0) + 1;
    }
    for (const b of bins) expect(Math.abs(b - 1000)).toBeLessThan(150);
  });

  it('shuffles to a permutation, reproducibly', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const s = shuffled(items, stream(1, 's'));
    expect([...s].sort((a, b) => a - b)).toEqual(items);
    expect(s).not.toEqual(items);
    expect(shuffled(items, stream(1, 's'))).toEqual(s);
  });
});
