import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { ExperimentJson } from '../../scripts/lib/experiment';
import { openApp } from '../../scripts/lib/browser';
import { runCli } from '../../scripts/lib/runCli';
import type { RunRecord } from '../../src/train/run/record';

/**
 * The claims benchmark's pipeline on the built app (experiments/paper-claims-ci.json, a few
 * clips and epochs): demo with a test split, preprocessing, every run of every seed in two tabs,
 * teacher reuse, and the claims table in summary.json / summary.md. It asserts the pipeline,
 * not the claims (at this size their numbers are noise; docs/results.md has the real ones).
 */
const dist = path.resolve(process.env.E2E_DIST ?? 'dist-automation');
let tmp: string;

test.beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-claims-e2e-'));
});
test.afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('paper-claims-ci.json: runs, reuses teachers and writes the paired claims table', async () => {
  test.setTimeout(600_000);
  const out = path.join(tmp, 'out');
  const profile = path.join(tmp, 'profile');
  const run = await runCli([
    'experiment',
    'experiments/paper-claims-ci.json',
    '--out',
    out,
    '--dist',
    dist,
    '--no-build',
    '--profile',
    profile,
  ]);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  const summary = JSON.parse(
    await readFile(path.join(out, 'summary.json'), 'utf8'),
  ) as ExperimentJson;
  // Every run of every seed finished, with test-split numbers beside validation.
  expect(summary.rows.map((r) => `${r.run}/${r.seed}/${r.status}`)).toEqual(
    ['baseline', 'noisy-student', 'noise-off', 'balance-off'].flatMap((r) =>
      [1, 2].map((s) => `${r}/${s}/done`),
    ),
  );
  for (const r of summary.rows) expect(r.finalTestAccuracy).not.toBeNull();
  // The five claims, each paired over both seeds on the test split, interval computed.
  expect(summary.claims.map((c) => c.id)).toEqual([
    'attention-vs-baseline',
    'student1-vs-teacher',
    'student2-vs-student1',
    'noise-on-vs-off',
    'balance-on-vs-off',
  ]);
  for (const c of summary.claims) {
    expect(c.split).toBe('test');
    expect(c.seeds).toEqual([1, 2]);
    expect(c.diffs).toHaveLength(2);
    expect(c.ci95).not.toBeNull();
    expect(c.mean).toBeCloseTo((c.diffs[0] ?? 0) / 2 + (c.diffs[1] ?? 0) / 2, 12);
  }
  expect(summary.claimUnmatched).toEqual([]);
  expect(summary.timings.stages.map((s) => s.stage).slice(0, 2)).toEqual([
    'demo generation',
    'preprocessing',
  ]);
  // Claim 2's differences are recomputed from the records: Student 1 minus teacher on test.
  const record = async (name: string): Promise<RunRecord> =>
    JSON.parse(await readFile(path.join(out, 'runs', name), 'utf8')) as RunRecord;
  const ns = await record('noisy-student-seed1.json');
  const s2 = summary.claims.find((c) => c.id === 'student1-vs-teacher');
  expect(s2?.diffs[0]).toBeCloseTo(
    (ns.phases[1]?.test?.accuracy ?? Number.NaN) - (ns.phases[0]?.test?.accuracy ?? Number.NaN),
    12,
  );
  // The noise-off arm did not retrain its teacher: it copied the noisy student's.
  const off = await record('noise-off-seed1.json');
  expect(off.phases[0]?.reusedFrom?.runId).toBe(ns.id);
  expect(off.phases[0]?.test).toEqual(ns.phases[0]?.test);
  const md = await readFile(path.join(out, 'summary.md'), 'utf8');
  expect(md).toContain('paired t');

  // The app on the same profile: the Compare tab's table is the CLI's, claim by claim, and the
  // Train tab lists each phase's held-out test accuracy.
  const app = await openApp({
    distDir: dist,
    profile,
    gpu: false,
    backend: null,
    verbose: false,
    startupTimeoutSec: 120,
    requiredMethods: [],
  });
  try {
    await app.page.getByTestId('nav.compare').click();
    for (const c of summary.claims) {
      const row = app.page.getByTestId(`compare.claims.${c.id}`);
      await expect(row).toHaveAttribute('data-n', '2');
      await expect(row).toHaveAttribute('data-split', 'test');
      await expect(row).toHaveAttribute('data-holds', String(c.holds));
      expect(Number(await row.getAttribute('data-mean'))).toBeCloseTo(c.mean ?? Number.NaN, 12);
    }
    await app.page.getByTestId('nav.train').click();
    const shown = app.page.getByTestId('train.phase').first();
    await expect(shown).not.toHaveAttribute('data-test-accuracy', '');
  } finally {
    await app.close();
  }
});
