/**
 * The Preprocess panel's counts ("Items done", "Flagged", "Failed", "Waiting") follow a run
 * (issue 18 leftover 3): they were read only when the run ended, so a paused run still showed
 * every item waiting. One worker, paused once an item is finished: the counts must show it.
 */
import { expect, test } from '@playwright/test';
import { makeVideos } from './ffmpeg';
import { Workbench } from './pages/workbench';
import { DIR, VIDEOS } from './preprocessVideos';
import { DETERMINISTIC_H264_ARGS } from '../fixtures/h264';

test.beforeAll(() => makeVideos(DIR, VIDEOS, DETERMINISTIC_H264_ARGS));

test('Items done / Waiting change during a run, before it ends', async ({ page }) => {
  test.setTimeout(240_000);
  const wb = new Workbench(page);
  await wb.open();
  await wb.chooseFiles(['one-face.mp4', 'two-faces.mp4', 'no-face.mp4'].map((n) => `${DIR}/${n}`));
  await wb.commit();
  const panel = page.getByTestId('preprocess');
  await panel.getByLabel('Workers').fill('1');
  const number = async (id: string): Promise<number> =>
    Number(await page.getByTestId(id).textContent());
  const finished = async (): Promise<number> =>
    (await number('preprocess.done')) +
    (await number('preprocess.flagged')) +
    (await number('preprocess.failed'));
  await expect.poll(() => number('preprocess.pending')).toBe(3);
  await page.getByTestId('preprocess.start').click();
  await expect.poll(() => number('preprocess.items-done'), { timeout: 120_000 }).toBeGreaterThan(0);
  await page.getByTestId('preprocess.pause').click();
  await expect(page.getByTestId('preprocess.progress')).toHaveAttribute('data-phase', 'paused');
  // Mid-run: no summary yet, and the counts already hold the finished items.
  await expect(page.getByTestId('preprocess.summary')).toHaveCount(0);
  await expect.poll(finished).toBeGreaterThan(0);
  const done = await finished();
  await expect.poll(() => number('preprocess.pending')).toBe(3 - done);
  await page.getByTestId('preprocess.resume').click();
  await expect(page.getByTestId('preprocess.summary')).toHaveAttribute('data-phase', 'done', {
    timeout: 120_000,
  });
  expect(await finished()).toBe(3);
  expect(await number('preprocess.pending')).toBe(0);
});
