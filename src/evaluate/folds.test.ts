import { describe, expect, it } from 'vitest';
import { kFolds, type FoldItem } from './folds';

function items(n: number, subjects: number | null): FoldItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `i${i}`,
    subject: subjects === null ? null : `S${i % subjects}`,
    label: i % 7,
  }));
}

describe('kFolds', () => {
  it('never splits a subject across folds, covers every item once, keeps sizes close', () => {
    const data = items(327, 40);
    const folds = kFolds(data, 10, 1);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(data.map((_, i) => i));
    for (const s of new Set(data.map((d) => d.subject))) {
      const where = folds.map((f) => f.some((i) => data[i]?.subject === s));
      expect(where.filter(Boolean).length).toBe(1);
    }
    const sizes = folds.map((f) => f.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(9);
  });

  it('stratifies by label when there are no subjects', () => {
    const data = items(70, null);
    const folds = kFolds(data, 10, 3);
    for (const f of folds) {
      expect(f.length).toBe(7);
      expect(new Set(f.map((i) => data[i]?.label)).size).toBe(7);
    }
  });

  it('is reproducible from the seed and changes with it', () => {
    const data = items(50, 12);
    expect(kFolds(data, 5, 9)).toEqual(kFolds(data, 5, 9));
    expect(kFolds(data, 5, 9)).not.toEqual(kFolds(data, 5, 10));
  });
});
