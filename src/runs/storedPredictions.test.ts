import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../train/config';
import { newRunRecord } from '../train/run/plan';
import type { EvaluationRecord } from '../train/run/record';
import { storedPredictionsPhase } from './storedPredictions';

const ev = (accuracy: number): EvaluationRecord => ({
  confusion: [],
  accuracy,
  macroF1: accuracy,
  perClass: [],
  total: 5,
  loss: 1,
  predictions: [],
});

function run() {
  const c = parseTrainConfig({ preset: 'tiny', noisyStudent: { iterations: 2 } }, 'd');
  const r = newRunRecord(c, 'r', 'r', 0);
  r.phases.forEach((p, i) => {
    p.evaluation = i < 2 ? ev(0.8 - i / 10) : null;
  });
  return r;
}

describe('the stored predictions a loaded model is compared with', () => {
  it("are the loaded phase's own, not the last evaluated phase's", () => {
    expect(storedPredictionsPhase(run(), 0)?.name).toBe('Teacher');
    expect(storedPredictionsPhase(run(), 1)?.name).toBe('Student 1');
  });

  it("are none for a phase not evaluated yet; imported weights get the last evaluated phase's", () => {
    expect(storedPredictionsPhase(run(), 2)).toBeNull();
    expect(storedPredictionsPhase(run(), null)?.name).toBe('Student 1');
  });
});
