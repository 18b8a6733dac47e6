import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ClaimsTable } from './ClaimsTable';
import { parseTrainConfig } from '../../train/config';
import { newRunRecord } from '../../train/run/plan';
import type { EvaluationRecord, RunRecord } from '../../train/run/record';

const ev = (accuracy: number): EvaluationRecord => ({
  confusion: [],
  accuracy,
  macroF1: accuracy,
  perClass: [],
  total: 5,
  loss: 1,
  predictions: [],
});

function run(name: string, seed: number, train: object, test: number[]): RunRecord {
  const c = parseTrainConfig({ preset: 'tiny', ...train, seed }, 'd');
  const r = newRunRecord(c, `${name}${seed}`, `${name} (seed ${seed})`, 0);
  r.phases.forEach((p, i) => {
    p.evaluation = ev(0.5);
    p.test = ev(test[i] ?? 0);
    p.finishedAt = 1;
  });
  return r;
}

describe('ClaimsTable', () => {
  it('shows each claim with its verdict in words, split, n and the interval', () => {
    const runs = [1, 2].flatMap((seed) => [
      run('ns', seed, {}, [0.4, 0.45 + 0.01 * seed]),
      run(
        'quiet',
        seed,
        { noisyStudent: { noise: { randAugment: false, dropout: 0 } } },
        [0.4, 0.44],
      ),
    ]);
    const html = renderToStaticMarkup(<ClaimsTable runs={runs} />);
    expect(html).toContain('data-testid="compare.claims"');
    expect(html).toMatch(/data-testid="compare.claims.noise-on-vs-off" data-holds="false"/);
    // Student 1 vs teacher: +6.0 and +7.0, interval [+0.1, +12.9] above 0.
    expect(html).toMatch(/data-testid="compare.claims.student1-vs-teacher" data-holds="true"/);
    expect(html).toContain('+6.5 [+0.1, +12.9]');
    // Diffs +2.0 and +3.0 points: mean +2.5, t(0.975, 1) = 12.706 x 0.5 = 6.4 either side.
    expect(html).toContain('+2.0 (seed 1), +3.0 (seed 2)');
    expect(html).toContain('+2.5 [−3.9, +8.9]');
    expect(html).toContain('does not hold');
    expect(html).toContain('fewer than 5 seeds');
    expect(html).toContain('needs a run differing from the noisy-student run only in its model');
    expect(html).toContain('reference: ns (seed 1), ns (seed 2)');
  });

  it('says what to train when no pairs form', () => {
    const html = renderToStaticMarkup(<ClaimsTable runs={[]} />);
    expect(html).toContain('data-testid="compare.claims.empty"');
    expect(html).toContain('noise off / balance');
  });
});
