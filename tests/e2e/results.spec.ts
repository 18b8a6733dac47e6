/**
 * The Results tab (issue #6) shows the numbers of the stored run: a tiny seeded run with one
 * noisy-student iteration is trained in the page, then every view is compared with the record
 * (and with recomputations from its per-clip predictions), before and after a reload.
 * Screenshots go to test-results/results-*.png for review.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openWithHooks } from './appHooks';
import { bestPhase } from '../../src/runs/phases';
import type { ClipPrediction, EvaluationRecord, RunRecord } from '../../src/train/run/record';

test.describe.configure({ mode: 'serial' });

async function json<T>(loc: Locator, attr: string): Promise<T> {
  const v = await loc.getAttribute(attr);
  if (v === null) throw new Error(`no ${attr}`);
  return JSON.parse(v) as T;
}

function expectClose(actual: readonly number[], expected: readonly number[], digits = 10): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? NaN, digits));
}

/** Independent recomputations from the per-clip predictions. */
function confusionOf(predictions: readonly ClipPrediction[], k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const p of predictions) {
    if (p.label === null) continue;
    const row = m[p.label];
    if (row) row[p.predicted] = (row[p.predicted] ?? 0) + 1;
  }
  return m;
}

function regionMeansByClass(
  predictions: readonly ClipPrediction[],
  k: number,
): (number[] | null)[] {
  const sums: (number[] | null)[] = new Array<number[] | null>(k).fill(null);
  const n = new Array<number>(k).fill(0);
  for (const p of predictions) {
    if (p.label === null || p.regionWeights.length === 0) continue;
    const mean = [0, 1, 2].map(
      (g) => p.regionWeights.reduce((s, w) => s + (w[g] ?? 0), 0) / p.regionWeights.length,
    );
    const s = sums[p.label] ?? [0, 0, 0];
    mean.forEach((v, g) => (s[g] = (s[g] ?? 0) + v));
    sums[p.label] = s;
    n[p.label] = (n[p.label] ?? 0) + 1;
  }
  return sums.map((s, c) => (s ? s.map((v) => v / (n[c] ?? 1)) : null));
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

async function cells(page: Page, testId: string): Promise<number[]> {
  return page
    .getByTestId(`${testId}.cell`)
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
}

async function checkConfusion(page: Page, testId: string, ev: EvaluationRecord, run: RunRecord) {
  const k = run.classes.length;
  const shown = await cells(page, testId);
  expect(shown).toEqual(ev.confusion.flat());
  expect(shown).toEqual(confusionOf(ev.predictions, k).flat());
  expect(shown.reduce((a, b) => a + b, 0)).toBe(run.phases[0]?.data.val);
  await expect(page.getByTestId(`${testId}.accuracy`)).toHaveText(pct(ev.accuracy));
  await expect(page.getByTestId(`${testId}.f1`)).toHaveText(pct(ev.macroF1));
  await expect(page.getByTestId(`${testId}.total`)).toHaveText(String(ev.total));
}

/**
 * Every view against the stored record (the phase picked by default — the best on validation,
 * issue 17 item 10 — and its first clip selected).
 */
async function checkViews(page: Page, run: RunRecord): Promise<void> {
  const [teacher, student] = run.phases;
  const tEv = teacher?.evaluation;
  const sEv = student?.evaluation;
  const best = bestPhase(run);
  const bEv = best?.evaluation;
  if (!teacher || !student || !tEv || !sEv || !best || !bEv) throw new Error('phases missing');
  const k = run.classes.length;
  await expect(page.getByTestId('results')).toHaveAttribute('data-run-id', run.id);
  await expect(page.getByTestId('results')).toHaveAttribute('data-phase', String(best.index));
  await expect(page.getByTestId('results.phase').locator('option:checked')).toHaveText(
    `${best.name} (best on validation)`,
  );

  // Fig. 5: teacher beside the last student, cell by cell.
  await checkConfusion(page, 'results.confusion.a', tEv, run);
  await checkConfusion(page, 'results.confusion.b', sEv, run);

  // Fig. 6: accuracy per iteration, per-class recall, pseudo-labels before / after.
  const acc = page.getByTestId('results.ns.accuracy.chart');
  expect(await json<number[]>(acc, 'data-accuracy')).toEqual([tEv.accuracy, sEv.accuracy]);
  expect(await json<number[]>(acc, 'data-f1')).toEqual([tEv.macroF1, sEv.macroF1]);
  expect(await json<number[]>(acc, 'data-iterations')).toEqual([0, 1]);
  const recall = await json<number[][]>(page.getByTestId('results.ns.recall.chart'), 'data-recall');
  expect(recall).toEqual([tEv.perClass.map((c) => c.recall), sEv.perClass.map((c) => c.recall)]);
  // Recall recomputed from the matrix: diagonal over row sum.
  recall[1]?.forEach((r, c) => {
    const row = sEv.confusion[c] ?? [];
    const sum = row.reduce((a, b) => a + b, 0);
    expect(r).toBeCloseTo(sum > 0 ? (row[c] ?? 0) / sum : 0, 12);
  });
  const pseudo = page.getByTestId(`results.ns.pseudo.phase${student.index}.chart`);
  expect(await json<number[]>(pseudo, 'data-before')).toEqual(student.pseudoLabels?.before);
  expect(await json<number[]>(pseudo, 'data-after')).toEqual(student.pseudoLabels?.after);

  // Channel attention per true class = the mean over clips of each clip's mean over frames.
  const means = await json<(number[] | null)[]>(
    page.getByTestId('results.channelClass.chart'),
    'data-means',
  );
  const expected = regionMeansByClass(bEv.predictions, k);
  expect(means.map((m) => m === null)).toEqual(expected.map((m) => m === null));
  means.forEach((m, c) => expectClose(m ?? [], expected[c] ?? [], 12));
  const clipsPerClass = await json<number[]>(
    page.getByTestId('results.channelClass.chart'),
    'data-clips',
  );
  expect(clipsPerClass.reduce((a, b) => a + b, 0)).toBe(bEv.total);

  // The first clip: frame timeline, region weights per frame, prediction distribution.
  const clip = bEv.predictions[0];
  if (!clip) throw new Error('no predictions');
  await checkClip(page, clip, run);
}

async function checkClip(page: Page, clip: ClipPrediction, run: RunRecord): Promise<void> {
  await expect(page.getByTestId('results.why')).toHaveAttribute('data-item-id', clip.itemId);
  const frames = page.getByTestId('results.frames.chart');
  expect(await json<number[]>(frames, 'data-weights')).toEqual(clip.frameWeights);
  expect(await json<number[]>(frames, 'data-frames')).toEqual(clip.frames);
  expect(clip.frameWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  // The highlighted frames are those above the uniform weight (at least the largest).
  const top = await json<number[]>(frames, 'data-top');
  const n = clip.frameWeights.length;
  const above = clip.frameWeights.flatMap((w, t) => (w > 1 / n + 1e-9 ? [t] : []));
  const largest = clip.frameWeights.indexOf(Math.max(...clip.frameWeights));
  expect(top).toEqual(above.length > 0 ? above : [largest]);
  const thumbs = page.getByTestId('results.frames.thumb');
  await expect(thumbs).toHaveCount(n);
  expect(
    await thumbs.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-weight')))),
  ).toEqual(clip.frameWeights);
  // The strip shows the stored face crops (decoded images, not placeholders).
  await expect
    .poll(() =>
      thumbs
        .locator('img')
        .evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length),
    )
    .toBe(n);
  expect(
    await json<number[][]>(page.getByTestId('results.channelFrames.chart'), 'data-weights'),
  ).toEqual(clip.regionWeights);
  expect(await json<number[]>(page.getByTestId('results.why.probs.chart'), 'data-probs')).toEqual(
    clip.probs,
  );
  await expect(page.getByTestId('results.why.label')).toHaveText(
    clip.label === null ? 'unknown' : (run.classes[clip.label] ?? ''),
  );
  await expect(page.getByTestId('results.why.predicted')).toHaveText(
    run.classes[clip.predicted] ?? '',
  );
}

let runId = '';

test('the Results tab shows the stored run: confusion, attention, frame timeline, Fig. 6, spatial maps', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await openWithHooks(page);
  let t0 = Date.now();
  const datasetId = await page.evaluate(async () => {
    const demo = window.__ferDemo;
    const pre = window.__ferPreprocess;
    if (!demo || !pre) throw new Error('hooks missing');
    const stored = await demo.store({
      seed: 3,
      counts: { trainPerClass: 2, valPerClass: 2, testPerClass: 0, pool: 14, frames: 4 },
    });
    // 4 frames per clip: below the default minimum of 5 an item is flagged and not trained on.
    await pre.run(stored.datasetId, { crop: { size: 64 }, minFramesPerVideo: 4 });
    return stored.datasetId;
  });
  console.log(`demo + preprocessing: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  t0 = Date.now();
  runId = await page.evaluate(
    (id) =>
      window.__ferTrain?.start(
        {
          preset: 'tiny',
          seed: 1,
          optim: { epochs: 2 },
          noisyStudent: { iterations: 1, studentEpochs: 1 },
        },
        id,
        'results e2e',
      ) ?? '',
    datasetId,
  );
  // Waits for the run, saying where it stands (a loaded machine makes this the slow part).
  for (;;) {
    const s = await page.evaluate(async (id) => {
      const t = window.__ferTrain;
      const r = await t?.getRun(id);
      return {
        status: r?.status,
        position: r?.position,
        error: t?.error(),
        progress: t?.progress(),
      };
    }, runId);
    if (s.status !== 'running' && s.status !== 'queued') break;
    if (s.error) throw new Error(`the run did not train: ${s.error}`);
    console.log(JSON.stringify(s).slice(0, 300));
    await page.waitForTimeout(15_000);
  }
  console.log(`training: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const run = await page.evaluate((id) => window.__ferTrain?.getRun(id), runId);
  if (!run) throw new Error('run not stored');
  expect(run.status, run.message ?? '').toBe('done');
  const [teacher, student] = run.phases;
  const sEv = student?.evaluation;
  if (!teacher || !student || !sEv || !teacher.evaluation) throw new Error('phases missing');
  // 7 classes x 2 validation clips, less any item preprocessing could not use.
  expect(teacher.data.val).toBeGreaterThanOrEqual(10);

  await page.getByTestId('nav.results').click();
  await checkViews(page, run);
  await page.screenshot({ path: 'test-results/results-overview.png', fullPage: true });

  // Class order: alphabetical permutes rows and columns of the same matrix.
  await page.getByTestId('results.confusion.order').selectOption('alphabetical');
  const perm = run.classes
    .map((_, i) => i)
    .sort((a, b) => {
      const x = run.classes[a] ?? '';
      const y = run.classes[b] ?? '';
      return x.localeCompare(y) || a - b;
    });
  const reordered = perm.flatMap((r) => perm.map((c) => sEv.confusion[r]?.[c] ?? -1));
  expect(await cells(page, 'results.confusion.b')).toEqual(reordered);
  await expect(page.getByTestId('results.confusion.b.rowHead')).toHaveText(
    perm.map((i) => run.classes[i] ?? ''),
  );
  await expect(page.getByTestId('results.confusion.b.accuracy')).toHaveText(pct(sEv.accuracy));
  await page.getByTestId('results.confusion.order').selectOption('run');

  // The phase picker: the teacher's validation predictions drive the attention views.
  await page.getByTestId('results.phase').selectOption(String(teacher.index));
  const tMeans = await json<(number[] | null)[]>(
    page.getByTestId('results.channelClass.chart'),
    'data-means',
  );
  const expected = regionMeansByClass(teacher.evaluation.predictions, run.classes.length);
  tMeans.forEach((m, c) => expectClose(m ?? [], expected[c] ?? [], 12));
  await page.getByTestId('results.phase').selectOption(String(student.index));

  // Another clip (a misclassified one if any), and scrubbing to its last frame.
  const other = sEv.predictions.find((p) => p.label !== p.predicted) ?? sEv.predictions[1];
  if (!other) throw new Error('one clip only');
  await page.getByTestId('results.clip').selectOption(other.itemId);
  await checkClip(page, other, run);
  const last = other.frames.length - 1;
  await page.getByTestId('results.frames.scrub').fill(String(last));
  await expect(page.getByTestId('results.frames.current')).toContainText(
    `stored frame ${other.frames[last]}, weight ${(other.frameWeights[last] ?? 0).toFixed(3)}`,
  );
  await expect(page.getByTestId('results.frames.thumb').nth(last)).toHaveAttribute(
    'aria-pressed',
    'true',
  );

  // Spatial attention: the stored best model re-run on the clip reproduces its stored
  // prediction and attention; every map of every stage, hop and region sums to 1.
  await page.getByTestId('results.spatial.compute').click();
  const result = page.getByTestId('results.spatial.result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  expect(await json<number[]>(result, 'data-frames')).toEqual(other.frames);
  expectClose(await json<number[]>(result, 'data-frame-weights'), other.frameWeights, 4);
  expectClose(await json<number[]>(result, 'data-probs'), other.probs, 4);
  const rw = await json<number[][]>(result, 'data-region-weights');
  rw.forEach((w, t) => expectClose(w, other.regionWeights[t] ?? [], 4));
  expect(Number(await result.getAttribute('data-tensors-after'))).toBe(
    Number(await result.getAttribute('data-tensors-before')),
  );
  const mc = student.modelConfig;
  const stages = mc.features === 'allBlocks' ? 4 : 1;
  const canvases = page.getByTestId('results.spatial.canvas');
  await expect(canvases).toHaveCount(stages * mc.spatialAttention.hops * 3);
  const sums = await canvases.evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-sum'))),
  );
  for (const s of sums) expect(s).toBeCloseTo(1, 4);
  await expect(canvases.first()).toHaveAttribute('data-frame', String(other.frames[last]));
  // Toggling a hop off removes its row of maps.
  if (mc.spatialAttention.hops > 1) {
    await page.getByTestId('results.spatial.hop').first().uncheck();
    await expect(canvases).toHaveCount(stages * (mc.spatialAttention.hops - 1) * 3);
  }
  await page
    .getByTestId('results.spatial')
    .screenshot({ path: 'test-results/results-spatial.png' });
  await page.getByTestId('results.why').screenshot({ path: 'test-results/results-clip.png' });

  // After a reload the views read the same numbers back from IndexedDB.
  await openWithHooks(page);
  await page.getByTestId('nav.results').click();
  await page.getByTestId('results.run').selectOption(runId);
  await checkViews(page, run);
  await page.screenshot({ path: 'test-results/results-after-reload.png', fullPage: true });
});
