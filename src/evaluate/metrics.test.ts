import { describe, expect, it } from 'vitest';
import { confusionMatrix, evaluate, meanAndSpread, rowNormalised } from './metrics';

describe('metrics', () => {
  // 3 classes; hand-computed:
  // actual    0 0 0 1 1 2 2 2 2
  // predicted 0 0 1 1 2 2 2 0 2
  const actual = [0, 0, 0, 1, 1, 2, 2, 2, 2];
  const predicted = [0, 0, 1, 1, 2, 2, 2, 0, 2];

  it('builds the confusion matrix with actual rows and predicted columns', () => {
    expect(confusionMatrix(actual, predicted, 3)).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [1, 0, 3],
    ]);
  });

  it('computes accuracy, per-class precision/recall/F1 and macro-F1', () => {
    const e = evaluate(actual, predicted, 3);
    expect(e.accuracy).toBeCloseTo(6 / 9);
    // class 0: P = 2/3, R = 2/3, F1 = 2/3; class 1: P = 1/2, R = 1/2; class 2: P = 3/4, R = 3/4.
    expect(e.perClass.map((c) => c.precision)).toEqual([2 / 3, 1 / 2, 3 / 4]);
    expect(e.perClass.map((c) => c.recall)).toEqual([2 / 3, 1 / 2, 3 / 4]);
    expect(e.macroF1).toBeCloseTo((2 / 3 + 1 / 2 + 3 / 4) / 3);
    expect(e.perClass.map((c) => c.support)).toEqual([3, 2, 4]);
  });

  it('ignores absent classes in macro-F1 and scores never-predicted classes 0', () => {
    const e = evaluate([0, 0, 1], [0, 0, 0], 3);
    expect(e.perClass[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    // class 0: P = 2/3, R = 1, F1 = 0.8; class 1: 0; class 2 absent.
    expect(e.macroF1).toBeCloseTo(0.4);
  });

  it('row-normalises', () => {
    expect(
      rowNormalised([
        [1, 3],
        [0, 0],
      ]),
    ).toEqual([
      [0.25, 0.75],
      [0, 0],
    ]);
  });

  it('rejects mismatched inputs and out-of-range classes', () => {
    expect(() => confusionMatrix([0], [0, 1], 2)).toThrow();
    expect(() => confusionMatrix([0], [2], 2)).toThrow();
  });

  it('summarises folds with a sample standard deviation', () => {
    const s = meanAndSpread([0.5, 0.7, 0.9]);
    expect(s.mean).toBeCloseTo(0.7);
    expect(s.std).toBeCloseTo(0.2);
  });
});
