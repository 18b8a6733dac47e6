import { describe, expect, it } from 'vitest';
import {
  deepMerge,
  parseExperiment,
  rowOf,
  summarise,
  summaryMarkdown,
  type ExperimentRow,
} from './experiment';
import { parseTrainConfig } from '../../src/train/config';
import { newRunRecord } from '../../src/train/run/plan';

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
      /dataset/,
    );
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
    });
    expect(md).toContain('60.0 ± 14.1');
  });

  it('reads a record: teacher, students, final phase', () => {
    const c = parseTrainConfig({ preset: 'tiny', noisyStudent: { iterations: 1 } }, 'd');
    const run = newRunRecord(c, 'r', 'r', 0);
    const ev = {
      confusion: [],
      accuracy: 0.4,
      macroF1: 0.3,
      perClass: [],
      total: 5,
      loss: 1,
      predictions: [],
    };
    const [teacher, student] = run.phases;
    if (!teacher || !student) throw new Error('phases missing');
    teacher.evaluation = ev;
    student.evaluation = { ...ev, accuracy: 0.6 };
    const r = rowOf(run, 'n', 1, 'f');
    expect([r.teacherAccuracy, r.students, r.finalAccuracy]).toEqual([0.4, [0.6], 0.6]);
  });
});
