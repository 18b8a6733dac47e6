import { describe, expect, it } from 'vitest';
import { evaluateConfusion } from '../evaluate/metrics';
import type { ClipPrediction } from '../train/run/record';
import { classOrder, confusionFromPredictions, reorderList, reorderMatrix } from './confusion';

const pred = (label: number | null, predicted: number): ClipPrediction => ({
  itemId: `i${Math.random()}`,
  key: 'k',
  label,
  predicted,
  probs: [],
  frames: [],
  frameWeights: [],
  regionWeights: [],
});

describe('confusion views', () => {
  it('recomputes the matrix from labelled predictions only', () => {
    const m = confusionFromPredictions(
      [pred(0, 0), pred(0, 1), pred(1, 1), pred(2, 0), pred(null, 2), pred(2, 2)],
      3,
    );
    expect(m).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
  });

  it('reorders rows and columns together, keeping the cell total and the diagonal', () => {
    const m = [
      [5, 1, 0],
      [2, 3, 4],
      [0, 0, 7],
    ];
    const r = reorderMatrix(m, [2, 0, 1]);
    expect(r).toEqual([
      [7, 0, 0],
      [0, 5, 1],
      [4, 2, 3],
    ]);
    expect(r.flat().reduce((a, b) => a + b, 0)).toBe(22);
    expect(r.map((row, i) => row[i])).toEqual([7, 5, 3]);
    expect(reorderList(['a', 'b', 'c'], [2, 0, 1])).toEqual(['c', 'a', 'b']);
    expect(() => reorderMatrix(m, [0, 0, 1])).toThrow(/permutation/);
  });

  it('orders classes by name, support and recall with stable ties', () => {
    const m = [
      [1, 1, 0], // support 2, recall 0.5
      [0, 4, 0], // support 4, recall 1
      [1, 1, 0], // support 2, recall 0
    ];
    const ev = evaluateConfusion(m);
    const names = ['sad', 'angry', 'happy'];
    expect(classOrder('run', names, ev)).toEqual([0, 1, 2]);
    expect(classOrder('alphabetical', names, ev)).toEqual([1, 2, 0]);
    expect(classOrder('support', names, ev)).toEqual([1, 0, 2]);
    expect(classOrder('recall', names, ev)).toEqual([1, 0, 2]);
    // Accuracy and macro-F1 do not depend on the order.
    const r = evaluateConfusion(reorderMatrix(m, [2, 1, 0]));
    expect(r.accuracy).toBeCloseTo(ev.accuracy, 12);
    expect(r.macroF1).toBeCloseTo(ev.macroF1, 12);
    expect(ev.accuracy).toBeCloseTo(5 / 8, 12);
  });
});
