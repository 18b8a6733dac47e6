import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp } from '../../scripts/lib/browser';
import { jsonOf, runCli } from '../../scripts/lib/runCli';
import type { PredictJson } from '../../scripts/lib/predict';
import type { ExportJson, RunJson } from '../../scripts/lib/runs';
import type { ExportDebugApi } from '../../src/automation/exportRun';
import { predictionsCsv, pseudoLabelsCsv } from '../../src/export/tables';
import type { WeightsModelJson } from '../../src/model/weights';
import type { RunRecord } from '../../src/train/run/record';
import { chartRun } from './chartRun';

/**
 * `npm run cli -- runs` and `export` on the real build: a hand-made run record with untrained
 * phase models (no training) is written into a CLI profile through the app, then `runs --json`
 * must report exactly its numbers and `export` must write its files.
 */
const dist = path.resolve(process.env.E2E_DIST ?? 'dist-automation');
let tmp: string;
let profile: string;
const record = recordWithTest();

function cli(args: string[]): ReturnType<typeof runCli> {
  return runCli([...args, '--dist', dist, '--no-build', '--profile', profile]);
}

test.describe.configure({ mode: 'serial' });

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
    await session.page.evaluate(async (r) => {
      const api = (window as { __ferExport?: ExportDebugApi }).__ferExport;
      if (!api) throw new Error('window.__ferExport is missing');
      await api.storeUntrainedRun(r);
    }, record);
  } finally {
    await session.close();
  }

  const run = await cli(['runs', '--json']);
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

  const text = await cli(['runs']);
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toContain('31.3%');
  expect(text.stdout).toContain('student 1 *');
});

test('export writes the best phase weights, the CSVs and the report as the Export panel does', async () => {
  test.setTimeout(120_000);
  const out = path.join(tmp, 'export');
  const run = await cli(['export', record.name, '--out', out, '--json']);
  expect(run.code, run.stderr).toBe(0);
  const doc = jsonOf(run) as unknown as ExportJson;
  expect(doc.phase).toEqual({ index: 1, name: 'student 1' });
  const base = 'chart-test-run';
  expect(doc.files.map((f) => f.path).sort()).toEqual(
    [
      `${base}-predictions.csv`,
      `${base}-pseudo-labels.csv`,
      `${base}-report.html`,
      'weights/model.json',
      'weights/group1-shard1of1.bin',
    ].sort(),
  );
  expect(await readFile(path.join(out, `${base}-predictions.csv`), 'utf8')).toBe(
    predictionsCsv(record),
  );
  expect(await readFile(path.join(out, `${base}-pseudo-labels.csv`), 'utf8')).toBe(
    pseudoLabelsCsv(record),
  );
  expect(await readFile(path.join(out, `${base}-report.html`), 'utf8')).toContain(record.name);
  const modelJson = JSON.parse(
    await readFile(path.join(out, 'weights', 'model.json'), 'utf8'),
  ) as WeightsModelJson;
  const shard = await readFile(path.join(out, 'weights', 'group1-shard1of1.bin'));
  const floats = modelJson.weightsManifest[0]?.weights.reduce(
    (n, w) => n + w.shape.reduce((a, b) => a * b, 1),
    0,
  );
  expect(shard.length).toBe(4 * (floats ?? -1));

  const teacher = await cli(['export', 'cli-runs', '--phase', '0', '--out', out, '--json']);
  expect(teacher.code, teacher.stderr).toBe(0);
  expect((jsonOf(teacher) as unknown as ExportJson).phase.index).toBe(0);

  const unknown = await cli(['export', 'no-such-run', '--out', out, '--json']);
  expect(unknown.code).toBe(2);
  expect(jsonOf(unknown).error).toMatch(/No run with id or name 'no-such-run'/);
  const noPhase = await cli(['export', 'cli-runs', '--phase', '7', '--out', out, '--json']);
  expect(noPhase.code).toBe(2);
  expect(jsonOf(noPhase).error).toMatch(/no finished phase 7/);
});

test('predict: exported weights re-imported give the run phase probabilities', async () => {
  test.setTimeout(180_000);
  const face = path.resolve('tests/fixtures/faces/astronaut.png');
  const out = path.join(tmp, 'export');
  // The last export above wrote phase 0's weights into out/weights.
  const fromRun = await cli(['predict', 'cli-runs', face, '--phase', '0', '--json']);
  expect(fromRun.code, fromRun.stderr).toBe(0);
  const a = jsonOf(fromRun) as unknown as PredictJson;
  expect(a.model.phase?.index).toBe(0);
  const [ra] = a.files;
  expect(ra?.note).toBeNull();
  expect(ra?.result?.probs).toHaveLength(record.classes.length);
  expect(ra?.result?.frameWeights.length).toBeGreaterThan(0);
  expect(ra?.result?.regionWeights[0]).toHaveLength(3);

  const frames = String(a.model.framesPerClip);
  const fromWeights = await cli([
    'predict',
    path.join(out, 'weights'),
    face,
    '--frames',
    frames,
    '--json',
  ]);
  expect(fromWeights.code, fromWeights.stderr).toBe(0);
  const rb = (jsonOf(fromWeights) as unknown as PredictJson).files[0];
  const pa = ra?.result?.probs ?? [];
  const pb = rb?.result?.probs ?? [];
  expect(pb).toHaveLength(pa.length);
  const diff = Math.max(...pa.map((p, i) => Math.abs(p - (pb[i] ?? Infinity))));
  expect(diff).toBeLessThan(1e-5);

  const junk = path.join(tmp, 'not-an-image.png');
  await writeFile(junk, 'not a png');
  const bad = await cli(['predict', 'cli-runs', junk, '--json']);
  expect(bad.code).toBe(1);
  const [rc] = (jsonOf(bad) as unknown as PredictJson).files;
  expect(rc?.result).toBeNull();
  expect(rc?.note).toMatch(/not-an-image\.png/);
});
