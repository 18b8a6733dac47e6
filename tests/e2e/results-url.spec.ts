/**
 * The Results tab keeps its run and phase over a reload (issue 17 item 7): both live in the URL
 * (#results?phase=…&run=…). Two hand-made runs are written into IndexedDB (no training); the
 * test picks the run and the phase that are NOT the defaults, so it fails when they are lost.
 */
import { expect, test } from '@playwright/test';
import { openWithHooks } from './appHooks';
import { chartRun, storeRun } from './chartRun';

test('a reload keeps the Results tab, its run and its phase', async ({ page }) => {
  await openWithHooks(page);
  await storeRun(page, chartRun('url-run-a'));
  await storeRun(page, chartRun('url-run-b'));
  await page.getByTestId('nav.results').click();
  await page.getByTestId('results.refresh').click();
  const results = page.getByTestId('results');
  await expect(results).toHaveAttribute('data-runs', '2');
  const defaultRun = await results.getAttribute('data-run-id');
  const run = defaultRun === 'url-run-a' ? 'url-run-b' : 'url-run-a';
  await page.getByTestId('results.run').selectOption(run);
  await expect(results).toHaveAttribute('data-run-id', run);
  const defaultPhase = await results.getAttribute('data-phase');
  const phase = defaultPhase === '0' ? '1' : '0';
  await page.getByTestId('results.phase').selectOption(phase);
  await expect(results).toHaveAttribute('data-phase', phase);
  await expect(page).toHaveURL(new RegExp(`#results\\?phase=${phase}&run=${run}$`));

  await page.reload();
  await expect(page.getByTestId('results')).toHaveAttribute('data-run-id', run);
  await expect(page.getByTestId('results')).toHaveAttribute('data-phase', phase);
});
