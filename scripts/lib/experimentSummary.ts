/**
 * What `experiment` writes besides the run records: summary.json (rows, means per run, the
 * claims table, stage timings) and summary.md, the same as text. Pure (no browser, no files) but for `writeExperimentSummary`, which writes the two.
 * See docs/experiments.md.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type Claim,
  CLAIM_NEEDS,
  CLAIM_TEST,
  type ClaimRun,
  computeClaims,
  NON_INFERIORITY_MARGIN,
  type RunRole,
} from '../../src/evaluate/claims';
import { claimText } from '../../src/evaluate/claimText';
import { meanAndSpread } from '../../src/evaluate/metrics';
import type { RunRecord } from '../../src/train/run/record';
import { formatDuration, table } from './format';

export interface ExperimentRow {
  run: string;
  seed: number;
  status: string;
  /** Validation split (best epoch). */
  teacherAccuracy: number | null;
  teacherMacroF1: number | null;
  /** Validation accuracy of each student in order. */
  students: (number | null)[];
  finalAccuracy: number | null;
  finalMacroF1: number | null;
  /** The same checkpoints on the held-out test split; null without one (and for k-fold runs). */
  teacherTestAccuracy: number | null;
  studentsTest: (number | null)[];
  finalTestAccuracy: number | null;
  finalTestMacroF1: number | null;
  pseudoLabelAccuracy: (number | null)[];
  minutes: number;
  file: string;
}

export interface MeanSd {
  mean: number;
  std: number;
}

export interface ExperimentTimings {
  /** Wall time of each stage in order: the dataset, preprocessing, then each run and seed. */
  stages: { stage: string; seconds: number }[];
  totalSeconds: number;
}

export interface ExperimentJson {
  experiment: string;
  datasetId: string;
  rows: ExperimentRow[];
  /** Per run name: mean and sample standard deviation over seeds (test: null unless every seed has it). */
  summary: {
    run: string;
    n: number;
    teacher: MeanSd;
    final: MeanSd;
    teacherTest: MeanSd | null;
    finalTest: MeanSd | null;
  }[];
  /** The paper's claims over the runs, paired by seed (src/evaluate/claims.ts). */
  claims: Claim[];
  /** Per run and seed ("<run> (seed <k>)"): its role in the claims. */
  claimRoles: Record<string, RunRole>;
  /** Runs that fit no role in the claims. */
  claimUnmatched: string[];
  timings: ExperimentTimings;
}

export function rowOf(run: RunRecord, name: string, seed: number, file: string): ExperimentRow {
  const teacher = run.phases.find((p) => p.kind === 'teacher') ?? null;
  const students = run.phases.filter((p) => p.kind === 'student');
  const evaluated = run.phases.filter((p) => p.evaluation && p.kind !== 'pretrain');
  const final = evaluated[evaluated.length - 1] ?? null;
  // k-fold runs: the means over folds (validation); one fold's test would mislead, so none.
  const cv = run.crossValidation ?? null;
  const test = (p: { test?: { accuracy: number } | null } | null): number | null =>
    cv ? null : (p?.test?.accuracy ?? null);
  return {
    run: name,
    seed,
    status: run.status,
    teacherAccuracy: cv ? cv.teacherMean : (teacher?.evaluation?.accuracy ?? null),
    teacherMacroF1: teacher?.evaluation?.macroF1 ?? null,
    students: students.map((s) => s.evaluation?.accuracy ?? null),
    finalAccuracy: cv ? cv.finalMean : (final?.evaluation?.accuracy ?? null),
    finalMacroF1: final?.evaluation?.macroF1 ?? null,
    teacherTestAccuracy: test(teacher),
    studentsTest: students.map(test),
    finalTestAccuracy: test(final),
    finalTestMacroF1: cv ? null : (final?.test?.macroF1 ?? null),
    pseudoLabelAccuracy: students.map((s) => s.pseudoLabels?.hiddenAccuracy ?? null),
    minutes: run.totalMs / 60_000,
    file,
  };
}

function meanSd(values: readonly (number | null)[]): MeanSd {
  const s = meanAndSpread(values.map((v) => v ?? Number.NaN));
  return { mean: s.mean, std: s.std };
}

export function summarise(rows: readonly ExperimentRow[]): ExperimentJson['summary'] {
  const names = [...new Set(rows.map((r) => r.run))];
  return names.map((run) => {
    const mine = rows.filter((r) => r.run === run);
    const allTest = (k: 'teacherTestAccuracy' | 'finalTestAccuracy'): MeanSd | null =>
      mine.every((r) => r[k] !== null) ? meanSd(mine.map((r) => r[k])) : null;
    return {
      run,
      n: mine.length,
      teacher: meanSd(mine.map((r) => r.teacherAccuracy)),
      final: meanSd(mine.map((r) => r.finalAccuracy)),
      teacherTest: allTest('teacherTestAccuracy'),
      finalTest: allTest('finalTestAccuracy'),
    };
  });
}

/** The claims over an experiment's records; `<run> (seed <k>)` names each in the roles. */
export function experimentClaims(
  runs: readonly { record: RunRecord; run: string; seed: number }[],
): Pick<ExperimentJson, 'claims' | 'claimRoles' | 'claimUnmatched'> {
  const named: ClaimRun[] = runs.map((r) => ({
    record: r.record,
    name: `${r.run} (seed ${r.seed})`,
    label: r.run,
  }));
  const { claims, roles, unmatched } = computeClaims(named);
  return { claims, claimRoles: roles, claimUnmatched: unmatched };
}

export const pct = (x: number | null): string =>
  x === null || Number.isNaN(x) ? '-' : (100 * x).toFixed(1);

const meanSdText = (s: MeanSd | null): string =>
  s === null ? '-' : `${pct(s.mean)} ± ${pct(s.std)}`;

export function claimsMarkdown(
  claims: readonly Claim[],
  roles: Record<string, RunRole>,
  unmatched: readonly string[],
): string {
  const rows = claims.map((c) => {
    const t = claimText(c);
    return [
      c.id,
      t.pair,
      c.n === 0 ? '-' : c.split,
      String(c.n),
      t.diffs,
      t.mean,
      t.ci,
      c.holds ? 'yes' : 'no',
      c.n === 0 ? 'no pairs' : (c.note ?? ''),
      CLAIM_TEST,
    ];
  });
  const head = [
    'claim',
    'better vs worse',
    'split',
    'n',
    'per-seed diffs (points)',
    'mean (points)',
    '95 % CI (points)',
    'holds',
    'note',
    'test',
  ];
  const byRole = new Map<RunRole, string[]>();
  for (const [name, role] of Object.entries(roles))
    byRole.set(role, [...(byRole.get(role) ?? []), name]);
  const roleLines = [...byRole].map(([role, names]) => `- ${role}: ${names.join(', ')}`);
  const needs = claims.filter((c) => c.n === 0).map((c) => `- ${c.id} needs ${CLAIM_NEEDS[c.id]}.`);
  return [
    `Differences are better − worse in accuracy points, paired by seed. \`>\` holds when the 95 % interval's lower end is above 0; \`>=\` when it is above −${(100 * NON_INFERIORITY_MARGIN).toFixed(0)} points (non-inferiority margin). Fewer than 5 seeds are flagged.`,
    '',
    '```',
    table(head, rows),
    '```',
    '',
    roleLines.length > 0
      ? 'Roles, matched from the configs:'
      : 'Roles: no run is a noisy-student reference (1+ iterations, noise and balancing on).',
    ...roleLines,
    ...(unmatched.length > 0 ? ['', `Not used by any claim: ${unmatched.join(', ')}.`] : []),
    ...(needs.length > 0 ? ['', 'Claims without pairs:', ...needs] : []),
  ].join('\n');
}

export function summaryMarkdown(j: ExperimentJson): string {
  const hasTest = j.rows.some(
    (r) => r.teacherTestAccuracy !== null || r.finalTestAccuracy !== null,
  );
  const perRun = table(
    [
      'run',
      'seed',
      'status',
      'teacher val acc %',
      'students val acc %',
      'final val acc %',
      'final val F1 %',
      ...(hasTest
        ? ['teacher test acc %', 'students test acc %', 'final test acc %', 'final test F1 %']
        : []),
      'pseudo-label acc %',
      'minutes',
    ],
    j.rows.map((r) => [
      r.run,
      String(r.seed),
      r.status,
      pct(r.teacherAccuracy),
      r.students.map(pct).join(' / ') || '-',
      pct(r.finalAccuracy),
      pct(r.finalMacroF1),
      ...(hasTest
        ? [
            pct(r.teacherTestAccuracy),
            r.studentsTest.map(pct).join(' / ') || '-',
            pct(r.finalTestAccuracy),
            pct(r.finalTestMacroF1),
          ]
        : []),
      r.pseudoLabelAccuracy.map(pct).join(' / ') || '-',
      r.minutes.toFixed(1),
    ]),
  );
  const means = table(
    [
      'run',
      'seeds',
      'teacher val acc % (mean ± sd)',
      'final val acc % (mean ± sd)',
      ...(hasTest ? ['teacher test acc % (mean ± sd)', 'final test acc % (mean ± sd)'] : []),
    ],
    j.summary.map((s) => [
      s.run,
      String(s.n),
      meanSdText(s.teacher),
      meanSdText(s.final),
      ...(hasTest ? [meanSdText(s.teacherTest), meanSdText(s.finalTest)] : []),
    ]),
  );
  const timings = table(
    ['stage', 'wall time'],
    [
      ...j.timings.stages.map((s) => [s.stage, formatDuration(s.seconds)]),
      ['total', formatDuration(j.timings.totalSeconds)],
    ],
  );
  const splits = hasTest
    ? 'Validation ("val") picks each phase\'s best epoch; "test" is that checkpoint on the held-out test split.'
    : 'Accuracy on the validation split (the dataset has no test split).';
  return [
    `# ${j.experiment}`,
    '',
    `Dataset ${j.datasetId}. ${splits} "final" is the last phase trained.`,
    '',
    '```',
    perRun,
    '```',
    '',
    '```',
    means,
    '```',
    '',
    "## The paper's claims",
    '',
    claimsMarkdown(j.claims, j.claimRoles, j.claimUnmatched),
    '',
    '## Wall time',
    '',
    '```',
    timings,
    '```',
    '',
  ].join('\n');
}

/**
 * An experiment's summary from its rows and run records, written as summary.json and
 * summary.md into `out` (the browser and the Node runtime write the same files).
 */
export async function writeExperimentSummary(
  out: string,
  done: {
    experiment: string;
    datasetId: string;
    rows: ExperimentRow[];
    records: readonly { record: RunRecord; run: string; seed: number }[];
    timings: ExperimentJson['timings'];
  },
): Promise<{ json: ExperimentJson; md: string }> {
  const json: ExperimentJson = {
    experiment: done.experiment,
    datasetId: done.datasetId,
    rows: done.rows,
    summary: summarise(done.rows),
    ...experimentClaims(done.records),
    timings: done.timings,
  };
  const md = summaryMarkdown(json);
  await writeFile(path.join(out, 'summary.json'), JSON.stringify(json, null, 2));
  await writeFile(path.join(out, 'summary.md'), md);
  return { json, md };
}
