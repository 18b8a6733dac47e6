import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../train/config';
import { newRunRecord } from '../train/run/plan';
import type { EvaluationRecord, RunRecord } from '../train/run/record';
import { bestPhase, phaseLabel, pickPhase, selectablePhases } from './phases';

const ev = (accuracy: number, loss = 1): EvaluationRecord => ({
  confusion: [],
  accuracy,
  macroF1: accuracy,
  perClass: [],
  total: 5,
  loss,
  predictions: [],
});

/** A teacher and two students with these validation results (null: not evaluated yet). */
function runWith(results: (EvaluationRecord | null)[]): RunRecord {
  const c = parseTrainConfig({ preset: 'tiny', noisyStudent: { iterations: 2 } }, 'd');
  const r = newRunRecord(c, 'r', 'r', 0);
  r.phases.forEach((p, i) => {
    p.evaluation = results[i] ?? null;
    p.finishedAt = p.evaluation ? 1 : null;
  });
  return r;
}

describe('the phase picked by default', () => {
  it('is the best on validation, not the last, when the last is worse', () => {
    const run = runWith([ev(0.8), ev(0.6), ev(0.5)]);
    expect(bestPhase(run)?.name).toBe('Teacher');
    expect(pickPhase(run, null)?.name).toBe('Teacher');
    const [teacher, , last] = run.phases;
    if (!teacher || !last) throw new Error('phases missing');
    expect(phaseLabel(run, teacher)).toBe('Teacher (best on validation)');
    expect(phaseLabel(run, last)).toBe('Student 2');
  });

  it('is a later phase when it beats the earlier ones; a tie keeps the earlier; loss breaks ties', () => {
    expect(bestPhase(runWith([ev(0.5), ev(0.7), ev(0.6)]))?.name).toBe('Student 1');
    expect(bestPhase(runWith([ev(0.5), ev(0.5)]))?.name).toBe('Teacher');
    expect(bestPhase(runWith([ev(0.5, 2), ev(0.5, 1)]))?.name).toBe('Student 1');
  });

  it('only evaluated phases are offered; a chosen one stays picked', () => {
    const run = runWith([ev(0.5), ev(0.7), null]);
    expect(selectablePhases(run).map((p) => p.name)).toEqual(['Teacher', 'Student 1']);
    expect(pickPhase(run, 0)?.name).toBe('Teacher');
    expect(pickPhase(run, 2)?.name).toBe('Student 1'); // not evaluated: the best instead
    expect(bestPhase(runWith([null, null, null]))).toBeNull();
  });
});
