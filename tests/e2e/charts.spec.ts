/**
 * Figures (issue 17 items 1-3) on a hand-made 7-class run written into IndexedDB (no training):
 * every category axis carries all seven class names without overlapping, tick labels are nice
 * numbers with units, the Fig. 7 scatter's legend and axis title do not collide, and exported
 * charts (SVG, PNG, the HTML report) draw their series outside the app.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { pngChunks } from '../../src/export/figure';
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

  // The Model tab's Fig. 7: tick values on both axes and a label for every point.
  await page.getByTestId('nav.model').click();
  const model = page.getByTestId('model.summary.fig7');
  await expect(model.getByTestId('model.fig7.point').first()).toBeVisible();
  const nPoints = await model.getByTestId('model.fig7.point').count();
  expect(nPoints).toBeGreaterThanOrEqual(9); // Table 1's peers with FLOPs and ours
  await expect(model.getByTestId('model.fig7.label')).toHaveCount(nPoints);
  expect(await model.getByTestId('model.fig7.xtick').count()).toBeGreaterThanOrEqual(3);
  for (const t of await model.getByTestId('model.fig7.ytick').allTextContents())
    expect(t).toMatch(/^\d{1,3}%$/);
  await model.locator('svg').first().screenshot({ path: 'test-results/charts-model-fig7.png' });
});

/** The page's current value of each CSS variable, as rgb numbers. */
async function colours(page: Page, vars: readonly string[]): Promise<number[][]> {
  return page.evaluate((names) => {
    return names.map((n) => {
      const probe = document.createElement('span');
      probe.style.color = `var(${n})`;
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return (c.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    });
  }, vars);
}

/** Pixels of each colour (within 12 of its r+g+b) in a PNG screenshot, counted in a blank page. */
async function countColours(bare: Page, png: Buffer, rgb: readonly number[][]): Promise<number[]> {
  return bare.evaluate(
    async ({ b64, rgb }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = canvas.getContext('2d');
      if (!ctx) return rgb.map(() => -1);
      ctx.drawImage(bmp, 0, 0);
      const px = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      return rgb.map(([r = 0, g = 0, b = 0]) => {
        let n = 0;
        for (let i = 0; i < px.length; i += 4)
          if (
            Math.abs((px[i] ?? 0) - r) +
              Math.abs((px[i + 1] ?? 0) - g) +
              Math.abs((px[i + 2] ?? 0) - b) <
            12
          )
            n++;
        return n;
      });
    },
    { b64: png.toString('base64'), rgb },
  );
}

async function downloadText(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: dl.suggestedFilename(), text: await readFile(await dl.path(), 'utf8') };
}

/** Each chart's series colours (the CSS variables its components paint with). */
const SERIES: Record<string, string[]> = {
  'results.ns.accuracy.chart': ['--chart-1', '--chart-2'],
  'results.ns.recall.chart': [1, 2, 3, 4, 5, 6, 7].map((k) => `--chart-${k}`),
  'results.ns.pseudo.phase1.chart': ['--chart-muted', '--chart-1'],
  'results.channelClass.chart': ['--chart-1', '--chart-3', '--chart-4'],
};

test('exported charts (SVG and the HTML report) draw every series outside the app', async ({
  page,
}) => {
  await openResults(page);
  const bare = await page.context().newPage();
  for (const [id, vars] of Object.entries(SERIES)) {
    const row = page.locator(`[data-testid="export.charts"] li[data-chart="${id}"]`);
    const { text } = await downloadText(page, row.getByTestId('export.chart.svg'));
    expect(text, id).not.toContain('var(');
    await bare.setContent(`<body style="margin:0">${text.replace(/^<\?xml[^>]*>/, '')}</body>`);
    const shot = await bare.locator('svg').first().screenshot();
    const counts = await countColours(bare, shot, await colours(page, vars));
    vars.forEach((v, i) => expect(counts[i], `${id} ${v}`).toBeGreaterThan(20));
  }

  // The one-file report opened as a file: its Charts section draws them too.
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export.report').click(),
  ]);
  const reportPath = await dl.path();
  // Opened as a file (.html, so the browser renders it rather than showing its text).
  const reportFile = resolve('test-results/charts-report.html');
  await copyFile(reportPath, reportFile);
  await bare.goto(pathToFileURL(reportFile).href);
  for (const [id, vars] of Object.entries(SERIES)) {
    const title = (
      await page
        .locator(`[data-testid="export.charts"] li[data-chart="${id}"]`)
        .evaluate((li) => li.firstChild?.textContent ?? '')
    ).trim();
    const figure = bare.locator('figure', { hasText: title }).first();
    const shot = await figure.locator('svg').first().screenshot();
    const counts = await countColours(bare, shot, await colours(page, vars));
    vars.forEach((v, i) => expect(counts[i], `report ${title} ${v}`).toBeGreaterThan(20));
  }
  await bare.close();
});

test('a publication figure: print theme, width in mm, 300 dpi, caption data in name and metadata', async ({
  page,
}) => {
  await openResults(page);
  // Dark theme in the app; the print export must still be white with black text.
  await page.getByTestId('settings.theme').selectOption('dark');
  await page.getByTestId('export.chart.theme').selectOption('print');
  await page.getByTestId('export.chart.width').fill('85');
  await page.getByTestId('export.chart.dpi').selectOption('300');
  const row = page.locator(
    '[data-testid="export.charts"] li[data-chart="results.ns.accuracy.chart"]',
  );
  const svg = await downloadText(page, row.getByTestId('export.chart.svg'));
  expect(svg.name).toBe(
    'chart-test-run-seed5-student-1-Validation-accuracy-per-iteration-85mm.svg',
  );
  expect(svg.text).toMatch(/<svg[^>]* width="85mm" height="[\d.]+mm"/);
  expect(svg.text).toContain('<title>Validation accuracy per iteration</title>');
  expect(svg.text).toMatch(/<desc>[^<]*run "chart test run", seed 5, phase student 1/);
  expect(svg.text).toMatch(
    /<fer:figure [^>]*run="chart test run"[^>]*seed="5"[^>]*phase="student 1"/,
  );
  expect(svg.text).toMatch(/<dc:title[^>]*>Validation accuracy per iteration<\/dc:title>/);

  const bare = await page.context().newPage();
  await bare.setContent(`<body style="margin:0">${svg.text.replace(/^<\?xml[^>]*>/, '')}</body>`);
  const shot = await bare
    .locator('svg')
    .first()
    .screenshot({ path: 'test-results/charts-print.png' });
  const [white = 0, black = 0, blue = 0, red = 0] = await countColours(bare, shot, [
    [255, 255, 255],
    [0, 0, 0],
    [0x2b, 0x6c, 0xb0],
    [0xc5, 0x30, 0x30],
  ]);
  const { width, height } = (await bare.locator('svg').first().boundingBox()) ?? {
    width: 0,
    height: 0,
  };
  expect(white).toBeGreaterThan(0.6 * width * height); // a white page
  expect(black).toBeGreaterThan(30); // black tick labels and axis titles
  // The print palette's series colours (not the dark theme's): thin lines at 85 mm, so few
  // pixels are exactly the colour, but there are some (0 if the dark palette had stayed).
  expect(blue).toBeGreaterThan(8);
  expect(red).toBeGreaterThan(8);
  await bare.close();

  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    row.getByTestId('export.chart.png').click(),
  ]);
  expect(dl.suggestedFilename()).toBe(
    'chart-test-run-seed5-student-1-Validation-accuracy-per-iteration-85mm.png',
  );
  const png = new Uint8Array(await readFile(await dl.path()));
  const chunks = pngChunks(png);
  const ihdr = chunks.find((c) => c.type === 'IHDR')?.data ?? new Uint8Array(8);
  expect(new DataView(ihdr.buffer, ihdr.byteOffset).getUint32(0)).toBe(1004); // 85 mm at 300 dpi
  const phys = chunks.find((c) => c.type === 'pHYs')?.data ?? new Uint8Array(9);
  expect(new DataView(phys.buffer, phys.byteOffset).getUint32(0)).toBe(11811);
  expect(phys[8]).toBe(1);
  const text = chunks
    .filter((c) => c.type === 'tEXt')
    .map((c) => Buffer.from(c.data).toString('latin1').split('\0'));
  expect(text).toContainEqual(['Title', 'Validation accuracy per iteration']);
  expect(JSON.parse(text.find(([k]) => k === 'Comment')?.[1] ?? '{}')).toEqual({
    run: 'chart test run',
    seed: 5,
    phase: 'student 1',
    chart: 'Validation accuracy per iteration',
  });
});
