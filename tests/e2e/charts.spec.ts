/**
 * Figures (issue 17 items 1-3) on a hand-made 7-class run written into IndexedDB (no training):
 * every category axis carries all seven class names without overlapping, tick labels are nice
 * numbers with units, the Fig. 7 scatter's legend and axis title do not collide, and exported
 * charts (SVG, PNG, the HTML report) draw their series outside the app.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openWithHooks } from './appHooks';
import { CLASSES, chartRun, storeRun } from './chartRun';

interface Box {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * The X (bottom) or Y (left) tick labels of a chart, each as its text box in a frame rotated
 * with the labels (rotate(a, cx, cy) maps local p to R(p - c) + c; in the frame turned back by
 * a the box is the local box shifted by R⁻¹c - c), so rotated neighbours compare exactly.
 */
async function ticks(chart: Locator, axis: 'x' | 'y'): Promise<Box[]> {
  return chart
    .locator(
      `.recharts-cartesian-axis-tick-value[orientation="${axis === 'x' ? 'bottom' : 'left'}"]`,
    )
    .evaluateAll((els) =>
      els.map((e) => {
        const b = (e as SVGTextElement).getBBox();
        const m = /rotate\(([-\d.e]+),\s*([-\d.e]+),\s*([-\d.e]+)\)/.exec(
          e.getAttribute('transform') ?? '',
        );
        const [a, cx, cy] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
        const t = (-a * Math.PI) / 180;
        const dx = Math.cos(t) * cx - Math.sin(t) * cy - cx;
        const dy = Math.sin(t) * cx + Math.cos(t) * cy - cy;
        return { text: e.textContent, x: b.x + dx, y: b.y + dy, w: b.width, h: b.height };
      }),
    );
}

function overlaps(a: Box, b: Box): boolean {
  return (
    a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5
  );
}

/** Nice: at most 2 decimals, optional % (0.0016188 and 2.975916792 are not). */
const NICE = /^-?\d{1,3}(\.\d{1,2})?%?$|^\de-\d$|^\d\.\de-\d$/;

async function expectAllClasses(chart: Locator): Promise<void> {
  const xs = await ticks(chart, 'x');
  expect(xs.map((t) => t.text)).toEqual(CLASSES);
  for (let i = 0; i < xs.length; i++)
    for (let j = i + 1; j < xs.length; j++) {
      const a = xs[i];
      const b = xs[j];
      if (a && b) expect(overlaps(a, b), `${a.text} / ${b.text}`).toBe(false);
    }
}

async function expectNiceY(chart: Locator): Promise<void> {
  const ys = (await ticks(chart, 'y')).map((t) => t.text);
  expect(ys.length).toBeGreaterThanOrEqual(3);
  for (const y of ys) expect(y).toMatch(NICE);
}

async function openResults(page: Page): Promise<void> {
  await openWithHooks(page);
  await storeRun(page, chartRun());
  await page.getByTestId('nav.results').click();
  await page.getByTestId('results.refresh').click();
  await page.getByTestId('results.run').selectOption('chart-run');
  await page.getByTestId('results.phase').selectOption('1');
}

test('every category axis carries all 7 class names and every value axis nice ticks', async ({
  page,
}) => {
  await openResults(page);
  for (const id of [
    'results.ns.pseudo.phase1.chart',
    'results.why.probs.chart',
    'results.channelClass.chart',
  ]) {
    const chart = page.getByTestId(id);
    await expect(chart.locator('.recharts-surface').first()).toBeVisible();
    await expectAllClasses(chart);
    await expectNiceY(chart);
  }
  for (const id of ['results.ns.accuracy.chart', 'results.ns.recall.chart', 'results.frames.chart'])
    await expectNiceY(page.getByTestId(id));
  await page.getByTestId('results').screenshot({ path: 'test-results/charts-results.png' });

  // Fig. 7 (Compare): nice log ticks, percent accuracy, the legend clear of the axis title.
  await page.getByTestId('nav.compare').click();
  const fig7 = page.getByTestId('compare.chart');
  await expect(fig7.locator('.recharts-scatter-symbol').first()).toBeVisible();
  for (const t of await ticks(fig7, 'x')) expect(t.text).toMatch(/^(\d+|0\.0*[125])$/);
  await expectNiceY(fig7);
  const legend = await fig7.locator('.recharts-legend-wrapper').boundingBox();
  const title = await fig7.locator('.recharts-label', { hasText: 'GFLOPs' }).boundingBox();
  if (!legend || !title) throw new Error('no legend or axis title');
  expect(
    overlaps(
      { text: '', x: legend.x, y: legend.y, w: legend.width, h: legend.height },
      { text: '', x: title.x, y: title.y, w: title.width, h: title.height },
    ),
  ).toBe(false);
  // No point is cut by the plot's edge: every symbol lies inside the clip box.
  const inside = await fig7.evaluate((el) => {
    const grid = el.querySelector('.recharts-cartesian-grid')?.getBoundingClientRect();
    if (!grid) return false;
    return Array.from(el.querySelectorAll('.recharts-scatter-symbol')).every((s) => {
      const r = s.getBoundingClientRect();
      return (
        r.left >= grid.left && r.right <= grid.right && r.top >= grid.top && r.bottom <= grid.bottom
      );
    });
  });
  await fig7.screenshot({ path: 'test-results/charts-fig7.png' });
  expect(inside).toBe(true);
});
