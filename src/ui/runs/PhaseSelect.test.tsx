import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../../train/config';
import { newRunRecord } from '../../train/run/plan';
import type { EvaluationRecord } from '../../train/run/record';
import { PhaseSelect } from './PhaseSelect';

const ev = (accuracy: number): EvaluationRecord => ({
  confusion: [],
  accuracy,
  macroF1: accuracy,
  perClass: [],
  total: 5,
  loss: 1,
  predictions: [],
});

describe('PhaseSelect', () => {
  it('picks and names the best phase on validation when the last one is worse', () => {
    const c = parseTrainConfig({ preset: 'tiny', noisyStudent: { iterations: 1 } }, 'd');
    const run = newRunRecord(c, 'r', 'r', 0);
    run.phases.forEach((p, i) => {
      p.evaluation = ev(i === 0 ? 0.8 : 0.4);
      p.finishedAt = 1;
    });
    const html = renderToStaticMarkup(
      <PhaseSelect run={run} value={null} onChange={() => undefined} testId="t" />,
    );
    expect(html).toContain('<option value="0" selected="">Teacher (best on validation)</option>');
    expect(html).toContain('<option value="1">Student 1</option>');
    expect(html).toContain('data-best="0"');
  });
});
