/**
 * The Preprocess panel's small-face settings (issue 18 leftover 2) reach the worker: a
 * generated group frame (28 faces of 40-60 px) keeps no frame with "Small faces" off, its
 * frame with auto, and none again when "Min tile score" is above every tile face's score
 * (0.74-0.9+).
 * Each change is a new config hash, so the panel's next run redoes the item.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { makeGroupFrame } from './groupFrame';
import { Workbench } from './pages/workbench';

test.use({ viewport: { width: 1280, height: 800 } });

test('small-face settings from the panel decide whether a group frame has faces', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-panel-small-'));
  try {
    const file = path.join(tmp, 'group.png');
    makeGroupFrame(file, { seed: 18 });
    const wb = new Workbench(page);
    await wb.open();
    await wb.chooseFiles([file]);
    await wb.commit();
    const panel = page.getByTestId('preprocess');
    const mode = panel.getByTestId('preprocess.tiled-detection');
    const score = panel.getByTestId('preprocess.min-tile-score');
    await expect(mode).toHaveValue('auto');
    await expect(score).toHaveValue('0.7');
    await panel.screenshot({ path: 'test-results/preprocess-small-face-settings.png' });

    // Each run's summary differs from the one before (0, 1, 0 frames kept), so it cannot be
    // the previous run's. A still with a face is kept but flagged (fewer than 5 frames).
    const run = async (kept: number): Promise<void> => {
      await page.getByTestId('preprocess.start').click();
      await expect(page.getByTestId('preprocess.summary')).toContainText(
        `1 items processed, 0 already done, ${kept} frames kept`,
        { timeout: 120_000 },
      );
      await expect(page.getByTestId('preprocess.frames')).toHaveText(`${kept} / 1`);
    };
    await mode.selectOption('off');
    await run(0);
    await mode.selectOption('auto');
    await run(1);
    await score.fill('0.99');
    await run(0);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
