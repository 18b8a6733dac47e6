import { describe, expect, it } from 'vitest';
import {
  deepMerge,
  demoWithOverrides,
  parseExperiment,
  rowOf,
  summarise,
  summaryMarkdown,
  type ExperimentRow,
} from './experiment';
import { experimentClaims } from './experimentSummary';
import { parseTrainConfig } from '../../src/train/config';
import { newRunRecord } from '../../src/train/run/plan';
import type { EvaluationRecord, RunRecord } from '../../src/train/run/record';

const ev = (accuracy: number): EvaluationRecord => ({
  confusion: [],
  accuracy,
  macroF1: accuracy - 0.1,
  perClass: [],
  total: 5,
  loss: 1,
  predictions: [],
});

const TIMINGS = {
  stages: [
    { stage: 'demo generation', seconds: 12 },
    { stage: 'run ns (seed 1)', seconds: 95 },
  ],
  totalSeconds: 110,
};

/** A finished tiny run with one student: validation [teacher, student], test or null. */
function doneRun(seed: number, train: object, val: number[], test: number[] | null): RunRecord {
  const c = parseTrainConfig({ preset: 'tiny', ...train, seed }, 'd');
  const run = newRunRecord(c, `r${seed}`, `r${seed}`, 0);
  run.phases.forEach((p, i) => {
    p.evaluation = ev(val[i] ?? 0);
    p.test = test ? ev(test[i] ?? 0) : null;
    p.finishedAt = 1;
  });
  run.status = 'done';
  return run;
}

describe('experiment files', () => {
  it('merges objects key by key and replaces everything else', () => {
    expect(deepMerge({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] }, e: 2 })).toEqual({
      a: { b: 1, c: [2] },
      d: 1,
      e: 2,
    });
  });

  it('accepts the shipped shape and names what is wrong', () => {
    const ok = {
      name: 'x',
      dataset: { demo: {} },
      seeds: [1],
      base: { preset: 'tiny' },
      runs: [{ name: 'a' }],
    };
    expect(parseExperiment(JSON.stringify(ok), 'f.json').name).toBe('x');
    expect(() => parseExperiment('{', 'f.json')).toThrow(/not valid JSON/);
    expect(() => parseExperiment(JSON.stringify({ ...ok, seeds: [] }), 'f.json')).toThrow(/seeds/);
    expect(() =>
      parseExperiment(JSON.stringify({ ...ok, runs: [{ name: 'a' }, { name: 'a' }] }), 'f.json'),
    ).toThrow(/distinct/);
    expect(() => parseExperiment(JSON.stringify({ ...ok, dataset: {} }), 'f.json')).toThrow(
      /dataset must be {"demo": {...}} or {"name": "<stored dataset>"}/,
    );
    expect(
      parseExperiment(JSON.stringify({ $schema: './schema.json', ...ok }), 'f.json').name,
    ).toBe('x');
    expect(
      parseExperiment(JSON.stringify({ ...ok, preprocessWorkers: 4 }), 'f.json').preprocessWorkers,
    ).toBe(4);
    for (const w of [0, 17, 2.5, '4'])
      expect(() =>
        parseExperiment(JSON.stringify({ ...ok, preprocessWorkers: w }), 'f.json'),
      ).toThrow(/preprocessWorkers must be a whole number from 1 to 16, got/);
    expect(parseExperiment(JSON.stringify({ ...ok, parallel: 2 }), 'f.json').parallel).toBe(2);
    for (const n of [0, 5, 1.5, '2'])
      expect(() => parseExperiment(JSON.stringify({ ...ok, parallel: n }), 'f.json')).toThrow(
        /parallel must be a whole number from 1 to 4, got/,
      );
  });

  it('names the field of every problem, in runs and in the merged training configs', () => {
    const ok = { name: 'x', dataset: { demo: {} }, seeds: [1], base: { preset: 'tiny' } };
    const problems = (doc: unknown): string => {
      try {
        parseExperiment(JSON.stringify(doc), 'f.json');
        return '';
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    };
    expect(
      problems({ ...ok, runs: [{ name: 'a' }, { name: 'b', train: { optim: { epochs: 0 } } }] }),
    ).toContain('runs[1].train.optim.epochs must be an integer ≥ 1, got 0');
    expect(problems({ ...ok, runs: [{ name: 'a', train: { optim: { epoch: 3 } } }] })).toContain(
      'runs[0].train.optim.epoch is not a known field',
    );
    expect(
      problems({ ...ok, dataset: { demo: { counts: { train: 3 } } }, runs: [{ name: 'a' }] }),
    ).toContain('dataset.demo.counts.train is not a known field');
    expect(problems({ ...ok, seeds: [1.5], runs: [{ name: 'a' }] })).toContain(
      'seeds[0] must be a whole number, got 1.5',
    );
    // Valid alone, invalid merged: the baseline variant has one region.
    expect(
      problems({
        ...ok,
        base: { preset: 'tiny', model: { regionFusion: 'channelAttention' } },
        runs: [{ name: 'base', train: { variant: 'baseline' } }],
      }),
    ).toContain('runs[0] "base" (base + train): model.regionFusion must be');
  });

  it('summarises runs per name with mean and sample spread over seeds', () => {
    const row = (seed: number, t: number, f: number): ExperimentRow => ({
      run: 'ns',
      seed,
      status: 'done',
      teacherAccuracy: t,
      teacherMacroF1: t,
      students: [f],
      finalAccuracy: f,
      finalMacroF1: f,
      teacherTestAccuracy: null,
      studentsTest: [null],
      finalTestAccuracy: null,
      finalTestMacroF1: null,
      pseudoLabelAccuracy: [0.5],
      minutes: 1,
      file: 'x',
    });
    const s = summarise([row(1, 0.5, 0.6), row(2, 0.7, 0.8)]);
    expect(s).toHaveLength(1);
    expect(s[0]?.teacher.mean).toBeCloseTo(0.6, 12);
    expect(s[0]?.teacher.std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(s[0]?.final.mean).toBeCloseTo(0.7, 12);
    const md = summaryMarkdown({
      experiment: 'E',
      datasetId: 'd',
      rows: [row(1, 0.5, 0.6)],
      summary: s,
      claims: [],
      claimRoles: {},
      claimUnmatched: [],
      timings: TIMINGS,
    });
    expect(md).toContain('60.0 ± 14.1');
    // Without a test split the headers say validation and no test column appears.
    expect(md).toContain('final val acc %');
    expect(md).not.toContain('test acc');
    expect(md).toMatch(/demo generation\s+12\.0 s/);
    expect(md).toMatch(/total\s+1 min 50 s/);
  });

  it('writes test accuracy beside validation, and the claims table', () => {
    const runs = [1, 2, 3].flatMap((seed) => [
      {
        record: doneRun(seed, {}, [0.5, 0.6], [0.4, 0.4 + 0.01 * (seed + 4)]),
        run: 'ns',
        seed,
      },
      {
        record: doneRun(
          seed,
          { noisyStudent: { noise: { randAugment: false, dropout: 0 } } },
          [0.5, 0.55],
          [0.4, 0.42],
        ),
        run: 'quiet',
        seed,
      },
    ]);
    const rows = runs.map((r) => rowOf(r.record, r.run, r.seed, 'f'));
    expect(rows[0]).toMatchObject({
      teacherAccuracy: 0.5,
      teacherTestAccuracy: 0.4,
      finalAccuracy: 0.6,
      finalMacroF1: 0.5,
    });
    expect(rows[0]?.finalTestAccuracy).toBeCloseTo(0.45, 12);
    expect(rows[0]?.studentsTest[0]).toBeCloseTo(0.45, 12);
    const claims = experimentClaims(runs);
    expect(claims.claimRoles).toEqual({
      'ns (seed 1)': 'reference',
      'quiet (seed 1)': 'noise-off',
      'ns (seed 2)': 'reference',
      'quiet (seed 2)': 'noise-off',
      'ns (seed 3)': 'reference',
      'quiet (seed 3)': 'noise-off',
    });
    const noise = claims.claims.find((c) => c.id === 'noise-on-vs-off');
    // Test accuracy: 0.45 / 0.46 / 0.47 against 0.42.
    expect(noise?.split).toBe('test');
    expect(noise?.diffs.map((d) => Math.round(d * 1000))).toEqual([30, 40, 50]);
    expect(noise?.holds).toBe(true);
    const md = summaryMarkdown({
      experiment: 'E',
      datasetId: 'd',
      rows,
      summary: summarise(rows),
      ...claims,
      timings: TIMINGS,
    });
    expect(md).toContain('teacher val acc %');
    expect(md).toContain('final test acc %');
    expect(md).toContain('final test acc % (mean ± sd)');
    expect(md).toMatch(
      /noise-on-vs-off\s+ns \/ Student 1 > quiet \/ Student 1\s+test\s+3\s+\+3\.0 \(seed 1\), \+4\.0 \(seed 2\), \+5\.0 \(seed 3\)\s+\+4\.0\s+\[\+1\.5, \+6\.5\]\s+yes\s+fewer than 5 seeds\s+paired t, 95 %/,
    );
    expect(md).toContain('- balance-on-vs-off needs the same config with balance off');
  });

  it('reads a record: teacher, students, final phase', () => {
    const c = parseTrainConfig({ preset: 'tiny', noisyStudent: { iterations: 1 } }, 'd');
    const run = newRunRecord(c, 'r', 'r', 0);
    const [teacher, student] = run.phases;
    if (!teacher || !student) throw new Error('phases missing');
    teacher.evaluation = ev(0.4);
    student.evaluation = ev(0.6);
    const r = rowOf(run, 'n', 1, 'f');
    expect([r.teacherAccuracy, r.students, r.finalAccuracy]).toEqual([0.4, [0.6], 0.6]);
    expect([r.teacherTestAccuracy, r.studentsTest, r.finalTestAccuracy]).toEqual([
      null,
      [null],
      null,
    ]);
  });
});

describe('demoWithOverrides', () => {
  it("keeps the file's demo without overrides, and renames an overridden one", () => {
    const none = { seed: null, counts: null, faces: null };
    expect(demoWithOverrides({ seed: 1, counts: { pool: 9 } }, none)).toEqual({
      seed: 1,
      counts: { pool: 9 },
      faces: null,
    });
    const o = demoWithOverrides(
      { seed: 1, counts: { pool: 9 } },
      { seed: 4, counts: { trainPerClass: 2 }, faces: '/x/photos' },
    );
    expect(o).toEqual({
      seed: 4,
      counts: { pool: 9, trainPerClass: 2 },
      name: 'Demo (synthetic, seed 4, other counts, faces from photos)',
      faces: '/x/photos',
    });
    expect(demoWithOverrides({ name: 'Mine' }, { ...none, seed: 2 }).name).toBe('Mine');
  });
});
