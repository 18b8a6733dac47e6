import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp, type AppSession } from '../../scripts/lib/browser';
import type { EvaluateJson } from '../../scripts/lib/evaluate';
import { jsonOf, runCli } from '../../scripts/lib/runCli';
import { bestPhase } from '../../src/runs/phases';
import type { RunRecord } from '../../src/train/run/record';

/**
 * `npm run cli -- evaluate` on the real build (issue 18 "Done when"): a tiny seeded run is
 * trained in a CLI profile, then `evaluate` on the run's own validation split must reproduce
 * the confusion matrix the run stored for that phase, cell for cell; bad inputs exit 2 and
 * store nothing.
 */
const dist = path.resolve(process.env.E2E_DIST ?? 'dist-automation');
let tmp: string;
let profile: string;
let run: RunRecord;
let datasetId = '';

function cli(args: string[]): ReturnType<typeof runCli> {
  return runCli([...args, '--dist', dist, '--no-build', '--profile', profile, '--backend', 'cpu']);
}

async function session(): Promise<AppSession> {
  return openApp({
    distDir: dist,
    profile,
    gpu: false,
    backend: 'cpu',
    verbose: false,
    startupTimeoutSec: 60,
    requiredMethods: [],
  });
}

async function storedEvaluations(runId: string): Promise<number> {
  const s = await session();
  try {
    return await s.page.evaluate(
      async (id) => (await window.__ferEvaluate?.list(id))?.length ?? -1,
      runId,
    );
  } finally {
    await s.close();
  }
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-cli-evaluate-'));
  profile = path.join(tmp, 'profile');
});

test.afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('evaluate on the run own validation split reproduces its stored confusion matrix', async () => {
  test.setTimeout(400_000);
  const s = await session();
  try {
    const made = await s.page.evaluate(async () => {
      const demo = window.__ferDemo;
      const pre = window.__ferPreprocess;
      const train = window.__ferTrain;
      if (!demo || !pre || !train) throw new Error('hooks missing');
      const stored = await demo.store({
        seed: 5,
        counts: { trainPerClass: 1, valPerClass: 2, testPerClass: 0, pool: 0, frames: 4 },
      });
      await pre.run(stored.datasetId, { crop: { size: 64 }, minFramesPerVideo: 4 });
      const id = await train.start(
        { preset: 'tiny', seed: 1, optim: { epochs: 1 }, noisyStudent: { iterations: 0 } },
        stored.datasetId,
        'evaluate e2e',
      );
      return { datasetId: stored.datasetId, runId: id };
    });
    datasetId = made.datasetId;
    for (;;) {
      const r = await s.page.evaluate((id) => window.__ferTrain?.getRun(id), made.runId);
      const error = await s.page.evaluate(() => window.__ferTrain?.error());
      if (error) throw new Error(`the run did not train: ${error}`);
      if (r && r.status !== 'running' && r.status !== 'queued') {
        run = r;
        break;
      }
      await s.page.waitForTimeout(2_000);
    }
  } finally {
    await s.close();
  }
  expect(run.status, run.message ?? '').toBe('done');
  const best = bestPhase(run);
  const ev = best?.evaluation;
  if (!best || !ev) throw new Error('no evaluated phase');

  const res = await cli(['evaluate', run.id, datasetId, '--split', 'validation', '--json']);
  expect(res.code, res.stderr).toBe(0);
  const doc = jsonOf(res) as unknown as EvaluateJson & { command: string };
  expect(doc.command).toBe('evaluate');
  expect(doc.model.phase?.index).toBe(best.index);
  expect(doc.split).toBe('validation');
  expect(doc.splitSource).toBe('items');
  expect(doc.classes).toEqual(run.classes);
  expect(doc.confusion).toEqual(ev.confusion);
  expect(doc.accuracy).toBe(ev.accuracy);
  expect(doc.macroF1).toBe(ev.macroF1);
  expect(doc.total).toBe(ev.total);
  expect(doc.perClass.map((c) => c.recall)).toEqual(
    ev.perClass.map((c) => (c.support > 0 ? c.recall : null)),
  );
  expect(await storedEvaluations(run.id)).toBe(1);

  // The default split (the demo dataset has no test split: validation) in text form.
  const text = await cli(['evaluate', run.name, datasetId]);
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toMatch(/validation split \(default: the dataset's own split\)/);
  expect(text.stdout).toContain('confusion (rows: true class');
});

test('exported weights evaluate like the run phase they came from', async () => {
  test.setTimeout(180_000);
  const best = bestPhase(run);
  const ev = best?.evaluation;
  if (!best || !ev) throw new Error('no evaluated phase');
  const out = path.join(tmp, 'export');
  const exp = await cli(['export', run.id, '--out', out]);
  expect(exp.code, exp.stderr).toBe(0);
  const res = await cli([
    'evaluate',
    path.join(out, 'weights'),
    datasetId,
    '--split',
    'validation',
    '--classes',
    run.classes.join(','),
    '--frames',
    String(run.config.data.framesPerClip),
    '--json',
  ]);
  expect(res.code, res.stderr).toBe(0);
  const doc = jsonOf(res) as unknown as EvaluateJson;
  expect(doc.model).toMatchObject({ run: null, weightsDir: path.join(out, 'weights') });
  expect(doc.confusion).toEqual(ev.confusion);
  // Keyed by the folder's whole path: another folder also called 'weights' keeps its own.
  expect(doc.recordId).toBe(`weights:${path.resolve(out, 'weights')}|-|${datasetId}|validation`);
  // The run's own evaluation record is untouched.
  expect(await storedEvaluations(run.id)).toBe(1);

  const wrongCount = await cli([
    'evaluate',
    path.join(out, 'weights'),
    datasetId,
    '--classes',
    'happy',
  ]);
  expect(wrongCount.code).toBe(2);
  expect(wrongCount.stderr).toMatch(/outputs but 1 class names were given/);
});

test('bad inputs exit 2 with a clear message and store nothing', async () => {
  test.setTimeout(120_000);
  const noTest = await cli(['evaluate', run.id, datasetId, '--split', 'test', '--json']);
  expect(noTest.code).toBe(2);
  expect(jsonOf(noTest).error).toMatch(/no preprocessed labelled clips in its test split/);
  const noDataset = await cli(['evaluate', run.id, 'no-such-dataset', '--json']);
  expect(noDataset.code).toBe(2);
  expect(jsonOf(noDataset).error).toMatch(/No dataset with id or name "no-such-dataset"/);
  const noRun = await cli(['evaluate', 'no-such-run', datasetId]);
  expect(noRun.code).toBe(2);
  expect(noRun.stderr).toMatch(/No run with id or name 'no-such-run'/);
  expect(await storedEvaluations(run.id)).toBe(1);
});
