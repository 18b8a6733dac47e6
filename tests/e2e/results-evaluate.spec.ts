/**
 * The Results tab's "Evaluate on another dataset" (issue 18 part 4): a hand-made run with
 * untrained phase models (tests/e2e/chartRun.ts, no training) is evaluated on a tiny
 * preprocessed demo dataset through the panel; the stored record appears beside the run's own
 * numbers and its confusion matrix shows the record's counts; preprocessed again, the dataset's
 * record is marked as no longer current.
 */
import { expect, test } from '@playwright/test';
import { openWithHooks } from './appHooks';
import { chartRun } from './chartRun';

test('evaluating a run on another dataset from the Results tab stores and shows the record', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openWithHooks(page);
  const run = chartRun('ui-eval');
  const datasetId = await page.evaluate(async (r) => {
    const demo = window.__ferDemo;
    const pre = window.__ferPreprocess;
    const exp = window.__ferExport;
    if (!demo || !pre || !exp) throw new Error('hooks missing');
    const stored = await demo.store({
      seed: 5,
      name: 'other corpus',
      counts: { trainPerClass: 1, valPerClass: 1, testPerClass: 0, pool: 0, frames: 4 },
    });
    await pre.run(stored.datasetId, { crop: { size: 64 }, minFramesPerVideo: 4 });
    await exp.storeUntrainedRun(r);
    return stored.datasetId;
  }, run);

  await page.getByTestId('nav.results').click();
  await page.getByTestId('results.refresh').click();
  await expect(page.getByTestId('results')).toHaveAttribute('data-run-id', run.id);
  const panel = page.getByTestId('results.crossEval');
  // Before: only the run's own validation numbers (the best phase, student 1).
  await expect(panel.getByTestId('results.crossEval.row')).toHaveCount(1);
  await panel.getByTestId('results.crossEval.dataset').selectOption(datasetId);
  await panel.getByTestId('results.crossEval.split').selectOption('validation');
  await panel.getByTestId('results.crossEval.run').click();
  await expect(panel.getByTestId('results.crossEval.row')).toHaveCount(2, { timeout: 120_000 });
  await expect(panel.getByTestId('results.crossEval.error')).toHaveCount(0);

  const [record] = (await page.evaluate((id) => window.__ferEvaluate?.list(id), run.id)) ?? [];
  if (!record) throw new Error('no evaluation record stored');
  expect(record).toMatchObject({ runId: run.id, phase: 1, datasetId, split: 'validation' });
  expect(record.total).toBeGreaterThan(0);
  await expect(panel.getByTestId('results.crossEval.row').nth(1)).toHaveAttribute(
    'data-id',
    record.id,
  );
  await expect(panel.getByTestId('results.crossEval.accuracy').nth(1)).toHaveText(
    `${(100 * record.accuracy).toFixed(1)}%`,
  );
  // Which backend scored it and when, from the record.
  await expect(panel.getByTestId('results.crossEval.backend').nth(1)).toHaveText(
    `${record.backend}, ${record.kernels ?? 'none recorded'} kernels`,
  );
  await expect(panel.getByTestId('results.crossEval.when').nth(1)).toHaveText(
    `${new Date(record.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  );
  await expect(panel.getByTestId('results.crossEval.backend').first()).toHaveText(
    run.environment
      ? `${run.environment.backend}, ${run.environment.kernels ?? 'tfjs'} kernels`
      : 'not recorded',
  );
  // The picked matrix: the run's own first, then the record's, cell by cell.
  const cells = () =>
    panel
      .getByTestId('results.crossEval.m.cell')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  await expect.poll(cells).toEqual(run.phases[1]?.evaluation?.confusion.flat());
  await panel.getByTestId('results.crossEval.pick').selectOption(record.id);
  // Polled: the matrix re-renders after the pick.
  await expect.poll(cells).toEqual(record.confusion.flat());
  await expect(panel.getByTestId('results.crossEval.m.total')).toHaveText(String(record.total));
  await page.screenshot({ path: 'test-results/results-evaluate.png', fullPage: true });
  await expect(panel.getByTestId('results.crossEval.stale')).toHaveCount(0);

  // Preprocessed again with other settings: the record stays, marked as no longer current.
  await page.evaluate(async (id) => {
    await window.__ferPreprocess?.run(id, { crop: { size: 48 }, minFramesPerVideo: 4 });
  }, datasetId);
  await page.reload();
  await expect(page.getByTestId('results')).toHaveAttribute('data-run-id', run.id);
  const stale = page.getByTestId('results.crossEval.stale');
  await expect(stale).toHaveCount(1);
  await expect(stale).toHaveAttribute('data-stale', 'changed');
});
