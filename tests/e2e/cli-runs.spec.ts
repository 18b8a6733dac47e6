import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp } from '../../scripts/lib/browser';
import { jsonOf, runCli } from '../../scripts/lib/runCli';
import type { RunJson } from '../../scripts/lib/runs';
import type { RunRecord } from '../../src/train/run/record';
import { chartRun, storeRun } from './chartRun';

/**
 * `npm run cli -- runs` on the real build: a hand-made run record (no training) is written
 * into a CLI profile through the app, then `runs --json` must report exactly its numbers.
 */
const dist = path.resolve(process.env.E2E_DIST ?? 'dist-automation');
let tmp: string;
let profile: string;

test.beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-cli-runs-'));
  profile = path.join(tmp, 'profile');
});

test.afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The chart run with a test-split result on the teacher only (the student has none). */
function recordWithTest(): RunRecord {
  const run = chartRun('cli-runs');
  const [teacher, student] = run.phases;
  if (!teacher?.evaluation || !student) throw new Error('chartRun has two phases');
  return {
    ...run,
    phases: [{ ...teacher, test: { ...teacher.evaluation, accuracy: 0.3125 } }, student],
  };
}

test('runs --json reports each phase accuracy exactly as the run record holds it', async () => {
  test.setTimeout(120_000);
  const record = recordWithTest();
  const session = await openApp({
    distDir: dist,
    profile,
    gpu: false,
    backend: 'cpu',
    verbose: false,
    startupTimeoutSec: 60,
    requiredMethods: [],
  });
  try {
    await storeRun(session.page, record);
  } finally {
    await session.close();
  }

  const run = await runCli(['runs', '--json', '--dist', dist, '--no-build', '--profile', profile]);
  expect(run.code, run.stderr).toBe(0);
  const doc = jsonOf(run);
  expect(doc).toMatchObject({ command: 'runs', ok: true, exitCode: 0 });
  const runs = doc.runs as RunJson[];
  expect(runs.map((r) => r.id)).toEqual(['cli-runs']);
  const [got] = runs;
  expect(got?.phases.map((p) => p.valAccuracy)).toEqual(
    record.phases.map((p) => p.evaluation?.accuracy ?? null),
  );
  expect(got?.phases.map((p) => p.valMacroF1)).toEqual(
    record.phases.map((p) => p.evaluation?.macroF1 ?? null),
  );
  expect(got?.phases.map((p) => p.testAccuracy)).toEqual([0.3125, null]);
  // The student validates better than the teacher in chartRun: it is the default phase.
  expect(got?.bestPhase).toBe(1);

  const text = await runCli(['runs', '--dist', dist, '--no-build', '--profile', profile]);
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toContain('31.3%');
  expect(text.stdout).toContain('student 1 *');
});
