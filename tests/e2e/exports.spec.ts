/**
 * Exports, comparison and live inference (issue #6) on a real tiny run: the weights export
 * re-imports through the Inference tab to the same predictions as the stored run (1e-5), a
 * damaged shard is refused without replacing the loaded model, the CSV rows equal the record,
 * the HTML report carries the record's numbers, and the Compare table shows the records'
 * accuracies.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openWithHooks } from './appHooks';
import { parseCsv } from '../../src/export/csv';
import type { RunRecord } from '../../src/train/run/record';

async function downloadFrom(page: Page, button: Locator): Promise<{ name: string; path: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: dl.suggestedFilename(), path: await dl.path() };
}

async function download(page: Page, testId: string): Promise<{ name: string; path: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), path };
}

test('a tiny run exports weights that re-import to the same predictions; CSV, report and comparison equal the record', async ({
  page,
}) => {
  test.setTimeout(240_000);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.text().startsWith('{'))
      console.log(`page: ${m.text().slice(0, 600)}`);
  });
  await openWithHooks(page);
  // No unlabelled pool: the run has no student (iterations 0), and preprocessing is most of the time.
  let t = Date.now();
  const datasetId = await page.evaluate(async () => {
    const stored = await window.__ferDemo?.store({
      seed: 3,
      counts: { trainPerClass: 2, valPerClass: 2, testPerClass: 0, pool: 0, frames: 4 },
    });
    if (!stored) throw new Error('no demo hook');
    // 4-frame clips are under the default minFramesPerVideo (5), which would flag every clip.
    const summary = await window.__ferPreprocess?.run(stored.datasetId, {
      crop: { size: 64 },
      minFramesPerVideo: 2,
    });
    if (!summary || summary.byStatus.done === 0)
      throw new Error(`no clip usable: ${JSON.stringify(summary?.byStatus)}`);
    return stored.datasetId;
  });
  console.log(`demo stored and preprocessed in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  t = Date.now();
  const runId = await page.evaluate(
    (id) =>
      window.__ferTrain?.start(
        { preset: 'tiny', seed: 1, optim: { epochs: 2 }, noisyStudent: { iterations: 0 } },
        id,
        'export, "test" run: ü',
      ) ?? Promise.reject(new Error('no train hook')),
    datasetId,
  );
  let run: RunRecord | undefined;
  for (;;) {
    run = await page.evaluate((id) => window.__ferTrain?.getRun(id), runId);
    if (run && run.status !== 'running' && run.status !== 'queued') break;
    const state = await page.evaluate(() => ({
      progress: window.__ferTrain?.progress() ?? null,
      error: window.__ferTrain?.error() ?? null,
    }));
    console.log(`${run?.status ?? 'no record'}: ${JSON.stringify(state).slice(0, 300)}`);
    await page.waitForTimeout(5000);
  }
  console.log(`trained in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  expect(run.status, run.message ?? '').toBe('done');
  const teacher = run.phases.find((p) => p.kind === 'teacher');
  const ev = teacher?.evaluation;
  if (!teacher || !ev) throw new Error('no teacher evaluation');
  expect(ev.predictions.length).toBeGreaterThan(0);

  // Compare tab: the table's accuracies are the record's.
  await page.getByTestId('nav.compare').click();
  const row = page.locator(`[data-testid="compare.row"][data-run-id="${run.id}"]`);
  await expect(row).toBeVisible();
  expect(Number(await row.getByTestId('compare.teacher').getAttribute('data-value'))).toBe(
    ev.accuracy,
  );
  expect(Number(await row.getByTestId('compare.final').getAttribute('data-value'))).toBe(
    ev.accuracy,
  );
  expect(Number(await row.getByTestId('compare.f1').getAttribute('data-value'))).toBe(ev.macroF1);
  expect(await row.getByTestId('compare.seed').textContent()).toBe('1');
  await expect(page.getByTestId('compare.chart')).toHaveAttribute('data-measured', /[1-9]/);

  // Exports of that run.
  await row.getByTestId('compare.select').click();
  await expect(page.getByTestId('export.panel')).toBeVisible();

  const csv = parseCsv(await readFile((await download(page, 'export.predictions')).path, 'utf8'));
  const header = csv[0] ?? [];
  expect(header.slice(0, 7)).toEqual([
    'run',
    'phase_index',
    'phase',
    'clip_key',
    'item_id',
    'true_label',
    'predicted',
  ]);
  const body = csv.slice(1);
  expect(body).toHaveLength(ev.predictions.length);
  ev.predictions.forEach((p, i) => {
    const r = body[i] ?? [];
    expect(r[0]).toBe(run.name);
    expect(r[3]).toBe(p.key);
    expect(r[4]).toBe(p.itemId);
    expect(r[5]).toBe(p.label === null ? '' : run.classes[p.label]);
    expect(r[6]).toBe(run.classes[p.predicted]);
    expect(r.slice(7, 7 + run.classes.length).map(Number)).toEqual(p.probs);
  });

  const record = JSON.parse(
    await readFile((await download(page, 'export.record')).path, 'utf8'),
  ) as RunRecord;
  expect(record.phases[0]?.evaluation?.predictions).toEqual(ev.predictions);

  const report = await readFile((await download(page, 'export.report')).path, 'utf8');
  expect(report).toContain('export, &quot;test&quot; run: ü');
  const phaseRow = new RegExp(`<tr data-phase="${teacher.index}">(.*?)</tr>`).exec(report)?.[1];
  expect(phaseRow).toContain(`data-value="${ev.accuracy}"`);
  expect(phaseRow).toContain(`data-value="${ev.macroF1}"`);
  const confusion = /<table class="confusion"[^>]*>(.*?)<\/table>/.exec(report)?.[1] ?? '';
  expect([...confusion.matchAll(/<td data-value="(\d+)"/g)].map((m) => Number(m[1]))).toEqual(
    ev.confusion.flat(),
  );

  // Charts on the page export as SVG (the chart's own <svg>) and PNG (drawn from it).
  const chartItem = page.locator('[data-testid="export.charts"] li[data-chart="compare.chart"]');
  const svg = await readFile(
    (await downloadFrom(page, chartItem.getByTestId('export.chart.svg'))).path,
    'utf8',
  );
  expect(svg).toMatch(/^<\?xml|^<svg/);
  expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  // The export is the chart's plot (the largest <svg> under it, not a legend icon), whole.
  const liveSymbols = await page.getByTestId('compare.chart').evaluate((e) => {
    const area = (x: Element): number =>
      x.getBoundingClientRect().width * x.getBoundingClientRect().height;
    const svgs: SVGSVGElement[] = Array.from(e.querySelectorAll<SVGSVGElement>('svg'));
    const main = svgs.sort((a, b) => area(b) - area(a))[0];
    return main
      ? (new XMLSerializer().serializeToString(main).match(/recharts-symbols/g) ?? []).length
      : -1;
  });
  expect(liveSymbols).toBeGreaterThan(0);
  // recharts' legend is HTML beside the plot; the export draws it in (its icons are symbols too).
  const legendSymbols = await page
    .getByTestId('compare.chart')
    .locator('.recharts-legend-wrapper .recharts-symbols')
    .count();
  expect(legendSymbols).toBe(2);
  expect((svg.match(/recharts-symbols/g) ?? []).length).toBe(liveSymbols + legendSymbols);
  // Outside the app (a blank page, no app CSS) the series are drawn in their colour: the export
  // carries literal colours, not the app's CSS variables.
  expect(svg).not.toContain('var(--');
  const series = await page.evaluate(() =>
    getComputedStyle(document.documentElement).getPropertyValue('--chart-2').trim(),
  );
  const bare = await page.context().newPage();
  const seriesPixels = await bare.evaluate(
    async ({ text, colour }) => {
      const probe = document.createElement('div');
      probe.style.color = colour;
      document.body.append(probe);
      const [r = 0, g = 0, b = 0] = (getComputedStyle(probe).color.match(/\d+/g) ?? []).map(Number);
      const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      const img = new Image();
      img.src = url;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      if (!ctx) return -1;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
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
    },
    { text: svg, colour: series },
  );
  await bare.close();
  expect(series).not.toBe('');
  expect(seriesPixels).toBeGreaterThan(10); // the plotted points, in the series colour
  const png = await readFile(
    (await downloadFrom(page, chartItem.getByTestId('export.chart.png'))).path,
  );
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  expect(png.readUInt32BE(16)).toBeGreaterThan(0); // IHDR width

  const weights = await download(page, 'export.weights');
  expect(weights.name).toMatch(/weights\.zip$/);

  // Inference tab: import the exported zip and predict a stored validation clip.
  await page.getByTestId('nav.inference').click();
  await page.getByTestId('inference.run').selectOption(run.id);
  await page.getByTestId('inference.import').setInputFiles({
    name: weights.name,
    mimeType: 'application/zip',
    buffer: await readFile(weights.path),
  });
  await expect(page.getByTestId('inference.model')).toHaveAttribute('data-source', /^imported/);
  const clip = ev.predictions[ev.predictions.length - 1];
  if (!clip) throw new Error('no clip');
  await page.getByTestId('inference.clip').selectOption(clip.key);
  await page.getByTestId('inference.predictStored').click();
  await expect(page.getByTestId('inference.result')).toBeVisible({ timeout: 60_000 });
  const probs = await page
    .getByTestId('inference.prob')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  expect(probs).toHaveLength(clip.probs.length);
  probs.forEach((p, i) => expect(Math.abs(p - (clip.probs[i] ?? NaN))).toBeLessThan(1e-5));
  const frameWeights = await page
    .getByTestId('inference.frame')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-weight'))));
  frameWeights.forEach((w, i) =>
    expect(Math.abs(w - (clip.frameWeights[i] ?? NaN))).toBeLessThan(1e-5),
  );
  expect(Number(await page.getByTestId('inference.predicted').getAttribute('data-index'))).toBe(
    clip.predicted,
  );
  console.log(
    `re-imported weights: max |dp| = ${await page.getByTestId('inference.maxDiff').getAttribute('data-value')}`,
  );

  // A truncated shard is refused with the reason; the loaded model stays.
  const { unzipSync } = await import('fflate');
  const files = unzipSync(new Uint8Array(await readFile(weights.path)));
  const shardName = Object.keys(files).find((n) => n.endsWith('.bin')) ?? '';
  const shard = files[shardName] as Uint8Array;
  await page.getByTestId('inference.import').setInputFiles([
    {
      name: 'model.json',
      mimeType: 'application/json',
      buffer: Buffer.from(files['model.json'] as Uint8Array),
    },
    {
      name: shardName,
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(shard.subarray(0, shard.length - 8)),
    },
  ]);
  await expect(page.getByTestId('inference.error')).toContainText('bytes');
  await expect(page.getByTestId('inference.model')).toHaveAttribute('data-source', /weights\.zip$/);

  // A dropped image (a committed photo; the generated face videos belong to another spec) goes
  // through the same worker preprocessing: one prediction whose frame weights and class
  // probabilities each sum to 1.
  await page.getByTestId('inference.media').setInputFiles('tests/fixtures/faces/astronaut.png');
  await expect(page.getByTestId('inference.result')).toHaveAttribute('data-source', 'media', {
    timeout: 120_000,
  });
  const mediaProbs = await page
    .getByTestId('inference.prob')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  expect(mediaProbs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  const mediaFrames = await page
    .getByTestId('inference.frame')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-weight'))));
  expect(mediaFrames.length).toBeGreaterThan(0);
  expect(mediaFrames.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
});
