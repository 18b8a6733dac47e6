/**
 * One account of backend and threads (issue 17 item 12): the header said "WebAssembly (SIMD,
 * 2 threads)" while a training run said "WebAssembly (SIMD, 1 thread): requested by the
 * setting (backend=wasm)" with no setting changed. The run now quotes the page's reason and
 * says why it has one thread; the header's tooltip gives the page's account.
 */
import { expect, type Page, test } from '@playwright/test';
import { openWithHooks } from './appHooks';

/** Stores a small demo of astronaut.png (1 val clip per class, 8 frames at 64 px), preprocesses
 * it and trains a one-epoch tiny run on it; returns the finished run's record. */
async function trainTinyDemo(
  page: Page,
  counts: { trainPerClass: number; pool: number },
  name: string,
) {
  await page.getByTestId('testapi.files').setInputFiles('public/demo/faces/astronaut.png');
  const datasetId = await page.evaluate(async (c) => {
    const demo = window.__ferDemo;
    const pre = window.__ferPreprocess;
    if (!demo || !pre) throw new Error('hooks missing');
    const stored = await demo.store({
      seed: 3,
      counts: { ...c, valPerClass: 1, testPerClass: 0, frames: 8 },
      facesFromTestInput: true,
    });
    await pre.run(stored.datasetId, { crop: { size: 64 } });
    return stored.datasetId;
  }, counts);
  const runId = await page.evaluate(
    ([id, n]) =>
      window.__ferTrain?.start(
        { preset: 'tiny', seed: 1, optim: { epochs: 1 }, noisyStudent: { iterations: 0 } },
        id,
        n,
      ),
    [datasetId, name] as const,
  );
  if (!runId) throw new Error('no run id');
  return page.evaluate((id) => window.__ferTrain?.wait(id), runId);
}

test('a training run gives the page’s reason for its backend and why it has that many threads', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await openWithHooks(page);
  const header = page.getByTestId('header.backend');
  await expect(header).toHaveAttribute('data-backend', 'wasm');
  const pageReason = await page.evaluate(() => window.__fer?.backend()?.reason ?? '');
  expect(pageReason).not.toMatch(/setting/);
  await expect(header).toHaveAttribute('title', /; \d+ threads?: /);

  // A small demo (7 classes x 2 train, x 1 val, 8 frames at 64 px) and a one-epoch tiny run.
  const run = await trainTinyDemo(page, { trainPerClass: 2, pool: 2 }, 'backend account');
  expect(run?.status, run?.message ?? '').toBe('done');
  const reason = run?.environment?.backendReason ?? '';
  expect(reason).toBe(
    `the page's backend (${pageReason}); 1 thread: the network is small (${reason.match(/\((\d\.\d\d) GFLOP/)?.[1] ?? '?'} GFLOP per frame, below 0.2): XNNPACK's threads cost more than they save on it`,
  );
  expect(reason).not.toMatch(/requested by the setting/);
  expect(run?.environment?.device).toBe('WebAssembly (SIMD, 1 thread)');
});

test('Kernels picked in the Compute settings reach the training worker and the run records them', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openWithHooks(page);
  await expect(page.getByTestId('header.backend')).toHaveAttribute('data-backend', 'wasm');
  // On wasm 'auto' and 'tfjs' both record 'tfjs': 'fused' is the choice a dropped setting shows.
  await page.getByTestId('settings.backend').locator('summary').click();
  await page.getByTestId('settings.kernels-select').selectOption('fused');
  expect(await page.evaluate(() => localStorage.getItem('fer.kernelMode'))).toBe('fused');

  // A smaller demo than the test above's (7 classes x 1 train, x 1 val, 8 frames at 64 px).
  const run = await trainTinyDemo(page, { trainPerClass: 1, pool: 0 }, 'kernels setting');
  expect(run?.status, run?.message ?? '').toBe('done');
  expect(run?.environment?.kernels).toBe('fused');
});
