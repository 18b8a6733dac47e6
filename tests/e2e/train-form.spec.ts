/**
 * The Train form over reloads (issue 17 items 4, 5, 7): its values are kept, changes from the
 * preset are marked and can be reset, the tab and the selected run live in the URL, and a run
 * estimated above an hour asks before it starts. A small demo dataset and two one-epoch tiny
 * runs (the second gives the recorded step time) are made once for the file.
 */
import { expect, test, type Page } from '@playwright/test';
import { openWithHooks } from './appHooks';

test.describe.configure({ mode: 'serial' });

let page: Page;
let runIds: string[] = [];

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  page = await (await browser.newContext()).newPage();
  await openWithHooks(page, '?demo=0');
  runIds = await page.evaluate(async () => {
    const demo = window.__ferDemo;
    const pre = window.__ferPreprocess;
    const train = window.__ferTrain;
    if (!demo || !pre || !train) throw new Error('hooks missing');
    const stored = await demo.store({
      seed: 5,
      counts: { trainPerClass: 1, valPerClass: 1, testPerClass: 0, pool: 0, frames: 4 },
    });
    await pre.run(stored.datasetId, { crop: { size: 64 }, minFramesPerVideo: 4 });
    const ids: string[] = [];
    for (const name of ['first', 'second']) {
      const id = await train.start(
        { preset: 'tiny', seed: 1, optim: { epochs: 1 }, noisyStudent: { iterations: 0 } },
        stored.datasetId,
        name,
      );
      await train.wait(id);
      ids.push(id);
    }
    return ids;
  });
});

test.afterAll(async () => {
  await page.context().close();
});

test('the form keeps its values over a reload, marks changes from the preset and resets them', async () => {
  await openWithHooks(page, '?demo=0#train');
  await expect(page.getByTestId('train.form')).toBeVisible();
  await page.getByTestId('train.preset').selectOption('tiny');
  await page.getByTestId('train.seed').fill('3');
  await page.getByTestId('train.epochs').fill('7');
  await expect(page.getByTestId('train.changed.epochs')).toBeVisible();
  await expect(page.getByTestId('train.row.epochs')).toContainText('preset 30');
  await expect(page.getByTestId('train.changed.seed')).toHaveCount(0); // not a preset value
  // Labels are tied to their inputs, and the help line describes it.
  await expect(page.getByLabel('Teacher epochs', { exact: true })).toHaveValue('7');
  await expect(page.getByLabel('Teacher epochs', { exact: true })).toHaveAccessibleDescription(
    'Passes over the labelled clips.',
  );

  await page.reload();
  await expect(page.getByTestId('nav.train')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('train.form')).toHaveAttribute('data-kept', 'stored');
  await expect(page.getByTestId('train.preset')).toHaveValue('tiny');
  await expect(page.getByTestId('train.seed')).toHaveValue('3');
  await expect(page.getByTestId('train.epochs')).toHaveValue('7');
  await page.getByTestId('train.reset.epochs').click();
  await expect(page.getByTestId('train.epochs')).toHaveValue('30');
  await expect(page.getByTestId('train.changed.epochs')).toHaveCount(0);
  await page.getByTestId('train.iterations').fill('0');
  await page.getByTestId('train.resetAll').click();
  await expect(page.getByTestId('train.iterations')).toHaveValue('1');
  await expect(page.getByTestId('train.resetAll')).toBeDisabled();
  await expect(page.getByTestId('train.seed')).toHaveValue('3');
});

test('a changed row keeps its input, unit and "changed" mark apart (1280x800, the screenshots)', async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openWithHooks(page, '?demo=0#train');
  await page.getByTestId('train.preset').selectOption('tiny');
  await page.getByTestId('train.epochs').fill('7');
  await page.getByTestId('train.studentEpochs').fill('4');
  for (const field of ['epochs', 'studentEpochs', 'batchRatio']) {
    const row = page.getByTestId(`train.row.${field}`);
    const [input, unit, preset, rowBox] = await Promise.all([
      row.locator('input').boundingBox(),
      row.locator('.field-unit').boundingBox(),
      row.locator('.field-preset').boundingBox(),
      row.boundingBox(),
    ]);
    if (!input || !unit || !preset || !rowBox) throw new Error(`${field}: a part is not shown`);
    type Box = { x: number; y: number; width: number; height: number };
    const apart = (a: Box, b: Box): boolean =>
      a.x + a.width <= b.x + 0.5 ||
      b.x + b.width <= a.x + 0.5 ||
      a.y + a.height <= b.y + 0.5 ||
      b.y + b.height <= a.y + 0.5;
    expect(apart(input, unit), `${field}: input and unit`).toBe(true);
    expect(apart(unit, preset), `${field}: unit and preset column`).toBe(true);
    expect(preset.x + preset.width, `${field}: inside its row`).toBeLessThanOrEqual(
      rowBox.x + rowBox.width + 0.5,
    );
  }
  // Every group as wide as the others (a long select does not widen its group).
  const widths = await page
    .locator('[data-testid^="train.group."]')
    .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));
  expect(new Set(widths).size, `group widths ${widths.join(', ')}`).toBe(1);
  await page.getByTestId('train.form').screenshot({ path: 'test-results/train-form-rows.png' });
  await page.getByTestId('train.resetAll').click();
});

test('the selected run is kept in the URL over a reload', async () => {
  await openWithHooks(page, '?demo=0#train');
  const other = page
    .getByTestId('train.runItem')
    .getByRole('button', { name: 'first', exact: true });
  await other.click();
  await expect(other).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(new RegExp(`#train\\?run=${runIds[0] ?? ''}$`));
  await page.reload();
  await expect(
    page.getByTestId('train.runItem').getByRole('button', { name: 'first', exact: true }),
  ).toHaveAttribute('aria-pressed', 'true');
  await expect(
    page.getByTestId('train.runItem').getByRole('button', { name: 'second', exact: true }),
  ).toHaveAttribute('aria-pressed', 'false');
});

test('a run estimated above an hour asks first; Cancel starts nothing', async () => {
  await openWithHooks(page, '?demo=0#train');
  await page.getByTestId('train.preset').selectOption('tiny');
  await page.getByTestId('train.iterations').fill('0');
  await page.getByTestId('train.epochs').fill('100000');
  await page.getByTestId('train.start').click();
  const confirm = page.getByTestId('train.confirm');
  await expect(confirm).toBeVisible({ timeout: 60_000 });
  await expect(confirm).toContainText('This run would take about');
  await expect(page.getByTestId('train.estimate')).toContainText(/steps × .* per step, from /);
  const text = (await page.getByTestId('train.estimate').textContent()) ?? '';
  console.log(`estimate: ${text}`);
  await page.getByTestId('train.confirm.cancel').click();
  await expect(confirm).toHaveCount(0);
  expect((await page.evaluate(() => window.__ferTrain?.listRuns()))?.length).toBe(2);
});
