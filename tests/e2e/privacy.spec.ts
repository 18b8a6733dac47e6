/**
 * Privacy (issue #7): a full use of the app — ingest a dataset through the folder picker
 * (ffmpeg.wasm probes its AVIs), preprocess (MediaPipe in workers), train a tiny run, open the
 * results, download exports, re-import the weights and predict a dropped photo — and every
 * request of the page, its workers and service workers stays on the served origin (or blob:/data:
 * of it), no WebSocket opens, and the Content-Security-Policy is sent and never violated
 * (docs/security.md).
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { openWithHooks } from './appHooks';
import { fixturePath } from './fixtures';
import { watchOrigin } from './originWatch';
import { Workbench } from './pages/workbench';
import { contentSecurityPolicy } from '../../scripts/lib/securityHeaders';

test('the watch sees what it must: a violation in a nested worker, a blocked off-origin fetch', async ({
  browser,
  baseURL,
}) => {
  const origin = new URL(baseURL ?? '').origin;
  const context = await browser.newContext();
  const watch = await watchOrigin(context, origin);
  const page = await context.newPage();
  await page.goto('/');
  // A page fetch elsewhere, and a worker whose own worker tries eval and a fetch elsewhere: all
  // blocked by the policy, and each reported.
  await page.evaluate(async () => {
    await fetch('http://example.invalid/page').catch(() => undefined);
    const inner = `try { eval('1') } catch {} fetch('http://example.invalid/nested').catch(() => 0).then(() => postMessage(1));`;
    const outer = `const w = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(inner)}], { type: 'text/javascript' }))); w.onmessage = () => postMessage(1);`;
    const w = new Worker(URL.createObjectURL(new Blob([outer], { type: 'text/javascript' })));
    await new Promise((resolve) => (w.onmessage = resolve));
  });
  await expect
    .poll(async () => (await watch.violations()).filter((v) => v.includes(' in blob')).length)
    .toBeGreaterThanOrEqual(2);
  const seen = (await watch.violations()).join('\n');
  expect(seen).toContain('connect-src blocked http://example.invalid/page');
  expect(seen).toContain('script-src blocked eval in blob');
  expect(seen).toContain('connect-src blocked http://example.invalid/nested in blob');
  // The page's own violation is also in its console.
  expect(watch.consoleViolations.join('\n')).toContain('http://example.invalid/page');
  // Blocked before the network, so not a request; the recorder itself flags other origins.
  expect(watch.offOrigin()).toEqual([]);
  watch.requests.push('https://cdn.example.com/x.js', `blob:${origin}/1`, 'data:,x');
  expect(watch.offOrigin()).toEqual(['https://cdn.example.com/x.js']);
  await context.close();
});

test('a full use of the app requests nothing outside its origin and violates no CSP', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(300_000);
  const origin = new URL(baseURL ?? '').origin;
  const context = await browser.newContext();
  const watch = await watchOrigin(context, origin);
  const page = await context.newPage();
  const step = (() => {
    let t = Date.now();
    return (what: string): void => {
      console.log(`${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
      t = Date.now();
    };
  })();

  // The policy comes with the page, as a header and as the built index.html's <meta>.
  const doc = await page.goto('/');
  expect(doc?.headers()['content-security-policy']).toBe(contentSecurityPolicy('build', 'header'));
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute(
    'content',
    contentSecurityPolicy('build', 'meta'),
  );
  await openWithHooks(page);
  step('opened');

  // Ingest: the AFEW fixture folder through "Choose a folder…" (two AVIs go through ffmpeg.wasm).
  const wb = new Workbench(page);
  await wb.chooseFolder(fixturePath('afew'));
  await expect(wb.reviewValue('items')).toHaveText('10');
  await expect(await wb.commit()).toHaveAttribute('data-status', 'ready');
  const afew = (await page.evaluate(() => window.__fer?.listDatasets()))?.find(
    (d) => d.name === 'afew',
  );
  if (!afew) throw new Error('afew not stored');
  step('ingested');

  // Preprocess it (MediaPipe face detection in the preprocessing workers, AVI decoded by
  // ffmpeg.wasm there; these synthetic clips have no faces, so items are flagged, not failed),
  // and a small demo dataset with faces to train on.
  const preprocessStarted = Date.now();
  const summary = await page.evaluate(
    (id) => window.__ferPreprocess?.run(id, { crop: { size: 64 }, minFramesPerVideo: 2 }),
    afew.id,
  );
  expect(summary?.byStatus.failed ?? 0).toBe(0);
  const demoId = await page.evaluate(async () => {
    const stored = await window.__ferDemo?.store({
      seed: 3,
      counts: { trainPerClass: 2, valPerClass: 1, testPerClass: 0, pool: 0, frames: 4 },
    });
    if (!stored) throw new Error('no demo hook');
    const s = await window.__ferPreprocess?.run(stored.datasetId, {
      crop: { size: 64 },
      minFramesPerVideo: 2,
    });
    if (!s || s.byStatus.done === 0) throw new Error(`no clip usable: ${JSON.stringify(s)}`);
    return stored.datasetId;
  });
  step('preprocessed');

  // Train: a tiny one-epoch run in the training worker.
  const runId = await page.evaluate(
    (id) =>
      window.__ferTrain?.start(
        { preset: 'tiny', seed: 1, optim: { epochs: 1 }, noisyStudent: { iterations: 0 } },
        id,
        'privacy <img src=x onerror=alert(1)>',
      ) ?? Promise.reject(new Error('no train hook')),
    demoId,
  );
  const run = await page.evaluate((id) => window.__ferTrain?.wait(id), runId);
  expect(run?.status, run?.message ?? '').toBe('done');
  step('trained');

  // Results, then the exports of the run from the Compare tab.
  await page.getByTestId('nav.results').click();
  await expect(page.getByTestId('results.channelClass').first()).toBeVisible();
  await page.getByTestId('nav.compare').click();
  await page
    .locator(`[data-testid="compare.row"][data-run-id="${runId}"]`)
    .getByTestId('compare.select')
    .click();
  await expect(page.getByTestId('export.panel')).toBeVisible();
  const [report] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export.report').click(),
  ]);
  const reportHtml = await readFile(await report.path(), 'utf8');
  expect(reportHtml).toContain('privacy &lt;img src=x onerror=alert(1)&gt;');
  expect(reportHtml).not.toContain('<img');
  // The Compare tab's chart went in (it passed the report's check for active content).
  expect(reportHtml).toContain('<figure>');
  expect(reportHtml).not.toContain('left out: not a plain SVG chart');
  const [weights] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export.weights').click(),
  ]);
  step('exported');

  // Inference: the exported weights re-imported, and a photo dropped in.
  await page.getByTestId('nav.inference').click();
  await page.getByTestId('inference.run').selectOption(runId);
  await page.getByTestId('inference.import').setInputFiles({
    name: weights.suggestedFilename(),
    mimeType: 'application/zip',
    buffer: await readFile(await weights.path()),
  });
  await expect(page.getByTestId('inference.model')).toHaveAttribute('data-source', /^imported/);
  await page.getByTestId('inference.media').setInputFiles('tests/fixtures/faces/astronaut.png');
  await expect(page.getByTestId('inference.result')).toHaveAttribute('data-source', 'media', {
    timeout: 120_000,
  });
  step('inference');

  // MediaPipe tasks-vision sends usage statistics to a Google endpoint a minute after a task is
  // made (then every minute): keep the preprocessing workers alive past that, so an attempt
  // would be seen. Then give late reports (sent asynchronously by workers) a moment.
  await page.waitForTimeout(Math.max(0, preprocessStarted + 70_000 - Date.now()));
  await page.waitForTimeout(2000);
  await context.close();
  const violations = await watch.violations();
  const onOrigin = watch.requests.filter((u) => u.startsWith(origin));
  console.log(
    `${watch.requests.length} requests (${onOrigin.length} to ${origin}, ` +
      `${watch.requests.filter((u) => u.startsWith('blob:')).length} blob:, ` +
      `${watch.requests.filter((u) => u.startsWith('data:')).length} data:), ` +
      `${watch.websockets.length} WebSockets, ${violations.length} CSP violations`,
  );
  // Something was recorded: the workers' scripts, the wasm binaries and the face models.
  expect(onOrigin.some((u) => u.endsWith('.wasm'))).toBe(true);
  expect(onOrigin.some((u) => u.includes('/models/face/'))).toBe(true);
  expect(watch.offOrigin()).toEqual([]);
  expect(watch.websockets).toEqual([]);
  expect(violations).toEqual([]);
});
