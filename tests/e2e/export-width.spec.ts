/**
 * The figure options' "Width (mm)" input shows its whole placeholder ("screen size") at
 * 1280 x 800 (issue 18 leftover 4: it was cut to "screen s"). Measured as the placeholder's
 * text width, in the input's own font, against the input's content box less its spin buttons.
 */
import { expect, test } from '@playwright/test';
import { openWithHooks } from './appHooks';
import { chartRun, storeRun } from './chartRun';

test.use({ viewport: { width: 1280, height: 800 } });

test('the Width (mm) placeholder is readable whole at 1280 x 800', async ({ page }) => {
  await openWithHooks(page);
  await storeRun(page, chartRun());
  await page.getByTestId('nav.results').click();
  await page.getByTestId('results.refresh').click();
  await page.getByTestId('results.run').selectOption('chart-run');
  const input = page.getByTestId('export.chart.width');
  await expect(input).toBeVisible();
  await expect(input).toHaveAttribute('placeholder', 'screen size');
  const fit = await input.evaluate((el: HTMLInputElement) => {
    const s = getComputedStyle(el);
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const text = ctx.measureText(el.placeholder).width;
    const content = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    return { text, content };
  });
  // Chromium's spin buttons take about 15 px of the content box.
  expect(fit.text, JSON.stringify(fit)).toBeLessThanOrEqual(fit.content - 16);
  await input.screenshot({ path: 'test-results/export-width-input.png' });
});
