import { describe, expect, it } from 'vitest';
import type { PhaseRecord, RunRecord } from '../train/run/record';
import { evaluateConfusion } from '../evaluate/metrics';
import { iterationSeries, perClassRecallSeries, pickablePhases, pseudoLabelRows } from './series';

function phase(
  index: number,
  kind: PhaseRecord['kind'],
  iteration: number,
  confusion: number[][] | null,
  pseudo: { before: number[]; after: number[] } | null = null,
): PhaseRecord {
  return {
    index,
    kind,
    iteration,
    name: `${kind} ${iteration}`,
    evaluation: confusion ? { ...evaluateConfusion(confusion), loss: 1, predictions: [] } : null,
    pseudoLabels: pseudo
      ? {
          ...pseudo,
          unlabelled: 0,
          labelled: 0,
          selected: [],
          teacherPredictions: [],
          hiddenAccuracy: null,
        }
      : null,
  } as unknown as PhaseRecord;
}

const run = {
  classes: ['a', 'b'],
  phases: [
    phase(0, 'pretrain', 0, [
      [1, 0],
      [0, 1],
    ]),
    phase(1, 'teacher', 0, [
      [2, 2],
      [0, 4],
    ]),
    phase(
      2,
      'student',
      1,
      [
        [3, 1],
        [1, 3],
      ],
      { before: [5, 1], after: [3, 3] },
    ),
    phase(3, 'student', 2, null),
  ],
} as unknown as RunRecord;

describe('noisy-student series', () => {
  it('gives teacher and evaluated students per iteration, without pre-training', () => {
    const s = iterationSeries(run);
    expect(s.map((p) => [p.iteration, p.kind, p.phase])).toEqual([
      [0, 'teacher', 1],
      [1, 'student', 2],
    ]);
    expect(s[0]?.accuracy).toBeCloseTo(6 / 8, 12);
    expect(s[1]?.accuracy).toBeCloseTo(6 / 8, 12);
    expect(pickablePhases(run).map((p) => p.label)).toEqual(['teacher', 'student 1']);
  });

  it('gives per-class recall per iteration', () => {
    expect(perClassRecallSeries(run)).toEqual([
      { iteration: 0, recall: [0.5, 1] },
      { iteration: 1, recall: [0.75, 0.75] },
    ]);
  });

  it('gives pseudo-labels per class before and after balancing', () => {
    expect(pseudoLabelRows(run, run.phases[2] as PhaseRecord)).toEqual([
      { className: 'a', before: 5, after: 3 },
      { className: 'b', before: 1, after: 3 },
    ]);
    expect(pseudoLabelRows(run, run.phases[1] as PhaseRecord)).toEqual([]);
  });
});
