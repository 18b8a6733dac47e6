import { describe, expect, it } from 'vitest';
import { makeRun } from '../../src/automation/export/run';
import { runSummary, runsText } from './runs';

describe('runs summary', () => {
  it("carries each phase's validation and test numbers from the record and marks the best", () => {
    const run = makeRun();
    const [first, last] = [run.phases[0], run.phases[run.phases.length - 1]];
    if (!first || !last?.evaluation) throw new Error('fixture has two evaluated phases');
    run.phases[0] = { ...first, test: { ...last.evaluation, accuracy: 0.125 } };
    const s = runSummary(run);
    expect(s.id).toBe(run.id);
    expect(s.phases.map((p) => p.valAccuracy)).toEqual(
      run.phases.map((p) => p.evaluation?.accuracy ?? null),
    );
    expect(s.phases[0]?.testAccuracy).toBe(0.125);
    expect(s.phases[1]?.testAccuracy).toBeNull();
    const best = s.phases.filter((p) => p.best);
    expect(best).toHaveLength(1);
    expect(best[0]?.index).toBe(s.bestPhase);
    const text = runsText([s]);
    expect(text).toContain('12.5%');
    expect(text).toContain(' *');
  });

  it('says so when no run is stored', () => {
    expect(runsText([])).toBe('No runs stored in this profile.');
  });
});
