/**
 * A researcher's first hour, step by step, as `npm run screenshots` takes it (issue 17):
 * each step drives the app as a person would (clicks, the form's fields) and takes its
 * picture. The demo is stored through `window.__ferDemo` (a small seeded one from one
 * portrait: the embedded default demo takes far longer on a 2-core CPU); everything shown is
 * what the app computed.
 */
import { expect, type Page } from '@playwright/test';
import path from 'node:path';
import { APP_ORIGIN } from '../lib/browser';
import { REPO_ROOT } from '../lib/build';
import type { Shot } from './shoot';

export interface ShotContext {
  page: Page;
  shot: Shot;
  log: (line: string) => void;
}

export interface Skipped {
  id: string;
  why: string;
}

/** The pictures, in the README's order. */
export const SHOTS = [
  { id: '01', name: 'data-tab' },
  { id: '02', name: 'preprocessing' },
  { id: '03', name: 'inspector-keypoints' },
  { id: '04', name: 'train-form' },
  { id: '05', name: 'training-progress' },
  { id: '06', name: 'results-confusion' },
  { id: '07', name: 'attention' },
  { id: '08', name: 'compare' },
  { id: '09', name: 'inference' },
  { id: '10', name: 'export' },
] as const;

type ShotId = (typeof SHOTS)[number]['id'];

/**
 * The small seeded demo of tests/e2e/train.spec.ts: 7 classes x (6 train, 3 validation), 21
 * unlabelled clips, 8 frames, all from one portrait (the tiny network learns one face's
 * expressions in a minute; docs/results.md).
 */
export const DEMO = {
  seed: 3,
  counts: { trainPerClass: 6, valPerClass: 3, testPerClass: 0, pool: 21, frames: 8 },
  photo: 'public/demo/faces/astronaut.png',
  /** Crop size typed into the preprocessing panel (the tiny preset trains at 48 px). */
  cropSize: 112,
};

/** What is typed into the Train form on top of the tiny preset (train.spec.ts's run). */
export const RUN = { seed: 2, epochs: 30, iterations: 1, studentEpochs: 6 };

/** A second, teacher-only run of Table 2's baseline on the same seed, for the Compare tab. */
export const BASELINE = { variant: 'baseline', iterations: 0 };

const MINUTE = 60_000;

function fileName(id: ShotId): string {
  const s = SHOTS.find((x) => x.id === id);
  if (!s) throw new Error(`no shot ${id}`);
  return s.name;
}

async function open(page: Page, hash: string): Promise<void> {
  const url = new URL(`/?demo=0${hash}`, APP_ORIGIN).href;
  // A goto that changes only the hash does not load the page again: reload then.
  if (page.url().split('#')[0] === url.split('#')[0]) {
    await page.evaluate((h) => history.replaceState(null, '', h), hash);
    await page.reload();
  } else await page.goto(url);
  await page.waitForFunction(() => window.__fer !== undefined && window.__ferTrain !== undefined);
  await page.evaluate(() => window.__fer?.ready());
}

/** Stores the small demo (one portrait, through the test input) and returns its id. */
async function storeDemo(page: Page): Promise<string> {
  await page.getByTestId('testapi.files').setInputFiles(path.join(REPO_ROOT, DEMO.photo));
  return page.evaluate(async ({ seed, counts }) => {
    const demo = window.__ferDemo;
    if (!demo) throw new Error('the automation build has no window.__ferDemo');
    const stored = await demo.store({ seed, counts, facesFromTestInput: true });
    return stored.datasetId;
  }, DEMO);
}

async function dataAndPreprocessing(ctx: ShotContext, datasetId: string): Promise<void> {
  const { page, shot, log } = ctx;
  await open(page, '#data');
  const row = page.locator(`[data-testid="datasets.row"][data-id="${datasetId}"]`);
  await row.getByRole('button').first().click();
  await expect(page.getByTestId('browser')).toBeVisible();
  await expect(page.getByTestId('preprocess')).toBeVisible();
  await shot({ id: '01', name: fileName('01'), page });
  await page.getByLabel('Crop size').fill(String(DEMO.cropSize));

  log('preprocessing (from the panel)');
  await page.getByTestId('preprocess.start').click();
  const progress = page.getByTestId('preprocess.progress');
  await expect(progress).toBeVisible({ timeout: MINUTE });
  // A third of the items done: the progress bar, frames/s and the ETA have something to say.
  const total = Number(await row.getByTestId('datasets.items').innerText());
  const done = (): Promise<number> =>
    page.evaluate(() => {
      if (document.querySelector('[data-testid="preprocess.summary"]')) return Infinity;
      const el = document.querySelector('[data-testid="preprocess.items-done"]');
      return Number(el?.textContent ?? 0);
    });
  await expect
    .poll(done, { timeout: 10 * MINUTE, intervals: [500] })
    .toBeGreaterThanOrEqual(Math.ceil(total / 3));
  await shot({ id: '02', name: fileName('02'), page, top: page.getByTestId('preprocess') });
  await expect(page.getByTestId('preprocess.summary')).toHaveAttribute('data-phase', 'done', {
    timeout: 15 * MINUTE,
  });
}

async function inspector(ctx: ShotContext): Promise<void> {
  const { page, shot } = ctx;
  // A validation clip of a class that moves the face visibly.
  await page.getByTestId('browser.filter').selectOption('surprise');
  await page
    .getByTestId('browser.item')
    .getByRole('button', { name: /^val\// })
    .first()
    .click();
  const insp = page.getByTestId('inspector');
  await expect(insp).toBeVisible({ timeout: MINUTE });
  await expect(page.getByTestId('inspector.crop-mouth')).toBeVisible({ timeout: MINUTE });
  await expect
    .poll(() =>
      page
        .getByTestId('inspector.crop-face')
        .evaluate((el) => Number((el as HTMLElement).dataset.keypoints ?? 0)),
    )
    .toBeGreaterThan(0);
  await shot({ id: '03', name: fileName('03'), page, top: page.getByTestId('viewer') });
}

async function trainForm(ctx: ShotContext): Promise<string> {
  const { page, shot, log } = ctx;
  await page.getByTestId('nav.train').click();
  await expect(page.getByTestId('train.form')).toBeVisible({ timeout: MINUTE });
  await page.getByTestId('train.preset').selectOption('tiny');
  await page.getByTestId('train.seed').fill(String(RUN.seed));
  await page.getByTestId('train.epochs').fill(String(RUN.epochs));
  await page.getByTestId('train.iterations').fill(String(RUN.iterations));
  await page.getByTestId('train.studentEpochs').fill(String(RUN.studentEpochs));
  // The Model and Teacher groups and the noisy-student rows (Student epochs is marked changed).
  const model = page.getByTestId('train.group.model');
  await shot({ id: '04', name: fileName('04'), page, top: model, offset: 70 });
  log('training (tiny preset, started from the form)');
  return startFromForm(page);
}

/** Clicks Start training (confirming, should the app ask) and returns the new run's id. */
async function startFromForm(page: Page): Promise<string> {
  const before = await page
    .getByTestId('train.run')
    .getAttribute('data-run-id')
    .catch(() => null);
  await page.getByTestId('train.start').click();
  const confirm = page.getByTestId('train.confirm.start');
  const progress = page.getByTestId('train.progress');
  await expect(progress.or(confirm)).toBeVisible({ timeout: 2 * MINUTE });
  if (await confirm.isVisible()) await confirm.click();
  await expect(progress).toBeVisible({ timeout: 2 * MINUTE });
  const shown = page.getByTestId('train.run');
  await expect(shown).not.toHaveAttribute('data-run-id', before ?? '', { timeout: MINUTE });
  const runId = (await shown.getAttribute('data-run-id')) ?? '';
  if (runId === '') throw new Error('the Train tab shows no run id');
  return runId;
}

async function waitForRun(ctx: ShotContext, runId: string): Promise<void> {
  const run = await ctx.page.evaluate((id) => window.__ferTrain?.wait(id), runId);
  if (run?.status !== 'done') throw new Error(`the run ended ${run?.status}: ${run?.message}`);
  const acc = run.phases.map(
    (p) => `${p.name} ${(100 * (p.evaluation?.accuracy ?? 0)).toFixed(1)}%`,
  );
  ctx.log(`run done in ${(run.totalMs / 1000).toFixed(0)} s: ${acc.join(', ')}`);
}

/** The same seed and epochs, Table 2's baseline network, no students: the Compare tab's pair. */
async function baselineRun(ctx: ShotContext): Promise<void> {
  const { page, log } = ctx;
  await page.getByTestId('nav.train').click();
  await expect(page.getByTestId('train.form')).toBeVisible({ timeout: MINUTE });
  await page.getByTestId('train.variant').selectOption(BASELINE.variant);
  await page.getByTestId('train.iterations').fill(String(BASELINE.iterations));
  log('training the baseline network (teacher only), for Compare');
  await waitForRun(ctx, await startFromForm(page));
}

async function trainingProgress(ctx: ShotContext, runId: string): Promise<void> {
  const { page, shot, log } = ctx;
  // Half the teacher's epochs: curves with a shape, the bars mid-way.
  const half = Math.ceil(RUN.epochs / 2);
  await expect
    .poll(
      () =>
        page.evaluate(
          async (id) => (await window.__ferTrain?.getRun(id))?.position.epoch ?? 0,
          runId,
        ),
      { timeout: 20 * MINUTE, intervals: [2000] },
    )
    .toBeGreaterThanOrEqual(half);
  const curves = page.getByTestId('train.curves');
  await shot({ id: '05', name: fileName('05'), page, top: curves, align: 'end' });
  log('waiting for the run to finish');
  await waitForRun(ctx, runId);
}

async function results(ctx: ShotContext, runId: string): Promise<void> {
  const { page, shot } = ctx;
  await page.getByTestId('nav.results').click();
  const panel = page.getByTestId('results');
  await expect(panel).toHaveAttribute('data-run-id', runId, { timeout: MINUTE });
  await expect(page.getByTestId('results.ns.accuracy.chart')).toBeVisible();
  // The last student's matrix and, below it, accuracy per iteration (Fig. 6).
  const b = page.getByTestId('results.confusion.b');
  await shot({ id: '06', name: fileName('06'), page, top: b, offset: 30 });

  await page.getByTestId('results.spatial.compute').click();
  await expect(page.getByTestId('results.spatial.result')).toBeVisible({ timeout: 2 * MINUTE });
  await shot({ id: '07', name: fileName('07'), page, top: page.getByTestId('results.frames') });
}

async function compare(ctx: ShotContext): Promise<Skipped | null> {
  const { page, shot } = ctx;
  await page.getByTestId('nav.compare').click();
  const panel = page.getByTestId('compare.panel');
  await expect(panel).toBeVisible({ timeout: MINUTE });
  await expect(page.getByTestId('compare.row').first()).toBeVisible({ timeout: MINUTE });
  await shot({ id: '08', name: fileName('08'), page });
  return null;
}

async function inference(ctx: ShotContext, runId: string): Promise<void> {
  const { page, shot } = ctx;
  await page.getByTestId('nav.inference').click();
  await expect(page.getByTestId('inference.panel')).toBeVisible({ timeout: MINUTE });
  await page.getByTestId('inference.run').selectOption(runId);
  await page.getByTestId('inference.loadStored').click();
  await expect(page.getByTestId('inference.model')).toBeVisible({ timeout: 2 * MINUTE });
  await page.getByTestId('inference.clip').selectOption({ index: 3 });
  await page.getByTestId('inference.predictStored').click();
  await expect(page.getByTestId('inference.result')).toBeVisible({ timeout: 2 * MINUTE });
  await shot({ id: '09', name: fileName('09'), page });
}

async function exportPanel(ctx: ShotContext, runId: string): Promise<void> {
  const { page, shot } = ctx;
  await page.getByTestId('nav.results').click();
  await page.getByTestId('results.run').selectOption(runId);
  const panel = page.getByTestId('export.panel');
  await expect(panel).toBeVisible({ timeout: MINUTE });
  // The per-chart exports list the Results tab's charts once they have rendered.
  await expect(page.getByTestId('export.charts')).toBeVisible({ timeout: MINUTE });
  await shot({ id: '10', name: fileName('10'), page, top: panel, offset: 60 });
}

/** Runs the whole hour; returns the pictures that could not be taken, with why. */
export async function runFirstHour(ctx: ShotContext): Promise<Skipped[]> {
  const skipped: Skipped[] = [];
  const { page, log } = ctx;
  await open(page, '#data');
  await page.evaluate(() => localStorage.setItem('fer.theme', 'light'));
  log('storing the small demo dataset');
  const datasetId = await storeDemo(page);
  await dataAndPreprocessing(ctx, datasetId);
  await inspector(ctx);
  const runId = await trainForm(ctx);
  await trainingProgress(ctx, runId);
  await results(ctx, runId);
  await baselineRun(ctx);
  const c = await compare(ctx);
  if (c) skipped.push(c);
  await inference(ctx, runId);
  await exportPanel(ctx, runId);
  return skipped;
}
