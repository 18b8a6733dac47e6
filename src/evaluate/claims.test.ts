import { describe, expect, it } from 'vitest';
import { claimText } from './claimText';
import {
  computeClaims,
  configDifferences,
  NON_INFERIORITY_MARGIN,
  pairedT,
  studentTCdf,
  studentTQuantile,
  type Claim,
  type ClaimId,
} from './claims';
import { parseTrainConfig } from '../train/config';
import { newRunRecord } from '../train/run/plan';
import type { EvaluationRecord, RunRecord } from '../train/run/record';

const evaluation = (accuracy: number): EvaluationRecord => ({
  confusion: [],
  accuracy,
  macroF1: accuracy,
  perClass: [],
  total: 10,
  loss: 1,
  predictions: [],
});

/** A tiny fake run: `scores` are [validation, test | null] per phase, teacher first. */
function fakeRun(
  name: string,
  seed: number,
  train: Record<string, unknown>,
  scores: ([number, number | null] | null)[],
): RunRecord {
  const config = parseTrainConfig({ preset: 'tiny', ...train, seed }, 'demo');
  const run = newRunRecord(config, `${name}-${seed}`, `E: ${name} (seed ${seed})`, 0);
  run.phases.forEach((p, i) => {
    const s = scores[i];
    if (!s) return;
    p.evaluation = evaluation(s[0]);
    p.test = s[1] === null ? null : evaluation(s[1]);
    p.finishedAt = 1;
  });
  run.status = 'done';
  return run;
}

const NS = { noisyStudent: { iterations: 2 } };
const NOISE_OFF = {
  noisyStudent: { iterations: 1, noise: { randAugment: false, dropout: 0 } },
};
const BALANCE_OFF = { noisyStudent: { iterations: 1, balance: false } };
const BASELINE = { variant: 'baseline', noisyStudent: { iterations: 0 } };

const claim = (claims: readonly Claim[], id: ClaimId): Claim => {
  const c = claims.find((x) => x.id === id);
  if (!c) throw new Error(`no claim ${id}`);
  return c;
};

describe('Student t quantiles and the paired t-test', () => {
  it('matches published t tables', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.303, 3);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262, 3);
    expect(studentTQuantile(0.975, 29)).toBeCloseTo(2.045, 3);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032, 3);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 12);
    // df = 1 is the Cauchy distribution: P(T <= 1) = 3/4.
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 10);
  });

  it('gives the mean, sd, interval and two-sided p of per-seed differences', () => {
    const t = pairedT([0.01, 0.03, 0.02]);
    expect(t.mean).toBeCloseTo(0.02, 12);
    expect(t.sd).toBeCloseTo(0.01, 12);
    const half = (4.302653 * 0.01) / Math.sqrt(3);
    expect(t.ci95?.[0]).toBeCloseTo(0.02 - half, 5);
    expect(t.ci95?.[1]).toBeCloseTo(0.02 + half, 5);
    // t = 0.02 / (0.01 / sqrt 3) = 3.464 with 2 df: p = 0.0742.
    expect(t.p).toBeCloseTo(0.0742, 3);
    expect(pairedT([0.05])).toMatchObject({ n: 1, mean: 0.05, ci95: null, p: null });
  });
});

describe('claims', () => {
  it('assigns roles from the configs, not the names', () => {
    const runs = [
      fakeRun('b', 1, BASELINE, [[0.3, 0.3]]),
      fakeRun('a', 1, NS, [null, null, null]),
      fakeRun('c', 1, NOISE_OFF, []),
      fakeRun('d', 1, BALANCE_OFF, []),
      fakeRun('e', 1, { noisyStudent: { iterations: 1, batchRatio: 1 } }, []),
      fakeRun('f', 2, BALANCE_OFF, []),
    ];
    const r = computeClaims(runs);
    expect(r.roles).toEqual({
      'E: a (seed 1)': 'reference',
      'E: b (seed 1)': 'baseline',
      'E: c (seed 1)': 'noise-off',
      'E: d (seed 1)': 'balance-off',
    });
    // 'e' differs in batchRatio; 'f' has no reference on seed 2.
    expect(r.unmatched).toEqual(['E: e (seed 1)', 'E: f (seed 2)']);
    expect(r.claims.map((c) => c.id)).toEqual([
      'attention-vs-baseline',
      'student1-vs-teacher',
      'student2-vs-student1',
      'noise-on-vs-off',
      'balance-on-vs-off',
    ]);
    const [ref, noiseOff] = [runs[1], runs[2]];
    if (!ref || !noiseOff) throw new Error('runs missing');
    expect(configDifferences(ref.config, noiseOff.config)).toEqual([
      'noisyStudent.noise.dropout',
      'noisyStudent.noise.randAugment',
    ]);
  });

  it('a claim that holds and one whose interval straddles 0', () => {
    const teacher = [0.4, 0.42, 0.38, 0.41, 0.4];
    const s1Gain = [0.05, 0.06, 0.04, 0.05, 0.07];
    const s2Gain = [0.03, -0.04, 0.05, -0.03, 0.0];
    const runs = teacher.map((t, i) => {
      const s1 = t + (s1Gain[i] ?? 0);
      const s2 = s1 + (s2Gain[i] ?? 0);
      return fakeRun('ns', i + 1, NS, [
        [0.9, t],
        [0.9, s1],
        [0.9, s2],
      ]);
    });
    const r = computeClaims(runs);
    const s1 = claim(r.claims, 'student1-vs-teacher');
    expect(s1.split).toBe('test');
    expect(s1.n).toBe(5);
    expect(s1.seeds).toEqual([1, 2, 3, 4, 5]);
    expect(s1.mean).toBeCloseTo(0.054, 10);
    expect(s1.ci95?.[0]).toBeGreaterThan(0);
    expect(s1.holds).toBe(true);
    expect(s1.note).toBeUndefined();
    expect(s1.better).toBe('E: ns / Student 1');
    expect(s1.worse).toBe('E: ns / Teacher');
    const s2 = claim(r.claims, 'student2-vs-student1');
    expect(s2.ci95?.[0]).toBeLessThan(0);
    expect(s2.ci95?.[1]).toBeGreaterThan(0);
    // >= with a 2-point margin: lo is about -4.9 points, below -2: does not hold.
    expect(s2.ci95?.[0]).toBeLessThan(-NON_INFERIORITY_MARGIN);
    expect(s2.holds).toBe(false);
    expect(claimText(s2).verdict).toBe('does not hold');
    const none = claim(r.claims, 'noise-on-vs-off');
    expect([none.n, none.mean, none.ci95, none.holds]).toEqual([0, null, null, false]);
    expect(none.note).toMatch(/noise off/);
  });

  it('a >= claim holds inside the non-inferiority margin, and > needs lo above 0', () => {
    const diffs = [-0.005, 0.0, 0.005, -0.002, 0.002];
    const runs = diffs.flatMap((d, i) => [
      fakeRun('ns', i + 1, NS, [[0.5, 0.5], [0.6, 0.6 + d], null]),
      fakeRun('nb', i + 1, BALANCE_OFF, [
        [0.5, 0.5],
        [0.6, 0.6],
      ]),
      fakeRun('no', i + 1, NOISE_OFF, [
        [0.5, 0.5],
        [0.6, 0.6],
      ]),
    ]);
    const r = computeClaims(runs);
    const balance = claim(r.claims, 'balance-on-vs-off');
    expect(balance.n).toBe(5);
    expect(balance.ci95?.[0]).toBeLessThan(0);
    expect(balance.ci95?.[0]).toBeGreaterThan(-NON_INFERIORITY_MARGIN);
    expect(balance.holds).toBe(true);
    // The same differences fail the strict claim.
    const noise = claim(r.claims, 'noise-on-vs-off');
    expect(noise.diffs).toEqual(balance.diffs);
    expect(noise.holds).toBe(false);
    // Student 2 never finished: no pairs.
    expect(claim(r.claims, 'student2-vs-student1').n).toBe(0);
  });

  it('falls back to validation for every pair when one lacks a test split', () => {
    const runs = [
      fakeRun('ns', 1, NS, [[0.4, 0.3], [0.5, 0.45], null]),
      fakeRun('ns', 2, NS, [[0.4, null], [0.46, null], null]),
    ];
    const c = claim(computeClaims(runs).claims, 'student1-vs-teacher');
    expect(c.split).toBe('validation');
    expect(c.diffs[0]).toBeCloseTo(0.1, 12);
    expect(c.diffs[1]).toBeCloseTo(0.06, 12);
    expect(c.note).toBe('fewer than 5 seeds');
    expect(claimText(c).diffs).toBe('+10.0 (seed 1), +6.0 (seed 2)');
  });

  it('drops a seed missing either side, and uses the baseline on the seeds it has', () => {
    const runs = [
      fakeRun('ns', 1, NS, [[0.5, 0.5], null, null]),
      fakeRun('ns', 2, NS, [[0.55, 0.55], null, null]),
      fakeRun('ns', 3, NS, [[0.6, 0.6], null, null]),
      fakeRun('base', 1, BASELINE, [[0.4, 0.4]]),
      fakeRun('base', 2, BASELINE, [[0.45, 0.45]]),
      // Seed 3's baseline did not finish: seed 3 is left out.
      fakeRun('base', 3, BASELINE, [null]),
    ];
    const c = claim(computeClaims(runs).claims, 'attention-vs-baseline');
    expect(c.seeds).toEqual([1, 2]);
    expect(c.n).toBe(2);
    expect(c.better).toBe('E: ns / Teacher');
    expect(c.worse).toBe('E: base / Teacher');
    // Equal differences: a zero-width interval above 0.
    expect(c.ci95?.[0]).toBeCloseTo(0.1, 12);
    expect(c.holds).toBe(true);
    expect(c.note).toBe('fewer than 5 seeds');
    // Student 1 is missing on every seed.
    expect(claim(computeClaims(runs).claims, 'student1-vs-teacher').n).toBe(0);
  });
});

describe('claim text', () => {
  it('lists seeds in ascending order whatever order the runs come in, and never prints −0.0', () => {
    const runs = [2, 1].flatMap((seed) => [
      fakeRun('ns', seed, NS, [
        [0.5, 0.5],
        [0.5, 0.5 - 1e-5],
        [0.5, 0.5],
      ]),
    ]);
    const c = computeClaims(runs).claims.find((x) => x.id === 'student1-vs-teacher');
    if (!c) throw new Error('no claim');
    expect(c.seeds).toEqual([1, 2]);
    const t = claimText(c);
    expect(t.diffs).toBe('0.0 (seed 1), 0.0 (seed 2)');
    expect(t.mean).toBe('0.0');
    expect(t.ci).not.toContain('−0.0');
  });
});
