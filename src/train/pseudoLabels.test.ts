import { describe, expect, it } from 'vitest';
import { balancePseudoLabels, makePseudoLabels } from './pseudoLabels';

describe('pseudo-labels', () => {
  it('makes hard one-hot or soft targets and drops unconfident predictions', () => {
    const preds = [
      { id: 'a', probs: [0.7, 0.2, 0.1] },
      { id: 'b', probs: [0.2, 0.3, 0.5] },
      { id: 'c', probs: [0.34, 0.33, 0.33] },
    ];
    const hard = makePseudoLabels(preds, { mode: 'hard', minConfidence: 0.4 });
    expect(hard.map((p) => [p.id, p.label, p.target])).toEqual([
      ['a', 0, [1, 0, 0]],
      ['b', 2, [0, 0, 1]],
    ]);
    const soft = makePseudoLabels(preds, { mode: 'soft', minConfidence: 0 });
    expect(soft[1]?.target).toEqual([0.2, 0.3, 0.5]);
    expect(soft[2]?.confidence).toBeCloseTo(0.34);
  });

  it('balances to the labelled distribution: drops the least confident, duplicates the rare', () => {
    // Teacher biased to class 0: 8 x class 0, 1 x class 1, 1 x class 2.
    const preds = [
      ...Array.from({ length: 8 }, (_, i) => ({
        id: `z${i}`,
        probs: [0.5 + i * 0.05, 0.25 - i * 0.02, 0.25 - i * 0.03],
      })),
      { id: 'one', probs: [0.1, 0.8, 0.1] },
      { id: 'two', probs: [0.1, 0.2, 0.7] },
    ];
    const labels = makePseudoLabels(preds);
    // Labelled set is balanced: 10 clips each.
    const r = balancePseudoLabels(labels, [10, 10, 10]);
    expect(r.before).toEqual([8, 1, 1]);
    expect(r.target).toEqual([3, 3, 3]);
    expect(r.after).toEqual([3, 3, 3]);
    // The three most confident class-0 clips stay.
    expect(r.selected.filter((s) => s.label === 0).map((s) => s.id)).toEqual(['z7', 'z6', 'z5']);
    expect(r.selected.filter((s) => s.label === 1).map((s) => s.id)).toEqual(['one', 'one', 'one']);
  });

  it('reports classes it cannot fill', () => {
    const labels = makePseudoLabels([{ id: 'a', probs: [0.9, 0.1] }]);
    const r = balancePseudoLabels(labels, [1, 1], 4);
    expect(r.after).toEqual([2, 0]);
    expect(r.empty).toEqual([1]);
  });
});
