/**
 * The Preprocess panel in Chromium on the preprocessing e2e videos (preprocessVideos.ts): its
 * settings, a run, the computed outcome, and the inspector (crops, keypoint markers, the frame
 * strip, illumination before / after).
 */
import { expect, test } from '@playwright/test';
import { Workbench } from './pages/workbench';
import { makeVideos } from './ffmpeg';
import { DIR, VIDEOS } from './preprocessVideos';
import { DETERMINISTIC_H264_ARGS } from '../fixtures/h264';

test.beforeAll(() => makeVideos(DIR, VIDEOS, DETERMINISTIC_H264_ARGS));

test('the preprocess panel: settings, a run, the computed outcome, and the inspector', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const wb = new Workbench(page);
  await wb.open();
  await wb.chooseFiles(['one-face.mp4', 'two-faces.mp4', 'no-face.mp4'].map((n) => `${DIR}/${n}`));
  await expect(wb.reviewValue('layout')).toHaveText('unlabelled-video');
  await wb.commit();
  const panel = page.getByTestId('preprocess');
  await panel.getByLabel('Frames per second').fill('12');
  await panel.getByLabel('Crop size').fill('112');
  await page.getByTestId('preprocess.start').click();
  await expect(page.getByTestId('preprocess.summary')).toHaveAttribute('data-phase', 'done', {
    timeout: 240_000,
  });
  // 3 s at 12 fps: 36 frames sampled per video, 108 in all.
  await expect(page.getByTestId('preprocess.frames')).toContainText('/ 108');
  await expect(page.getByTestId('preprocess.mining-accepted')).toHaveText('1');
  await expect(page.getByTestId('preprocess.mining-rejected')).toHaveText(
    'multiple-faces: 1, no-face: 1',
  );
  await expect(page.getByTestId('preprocess.pending')).toHaveText('0');
  // The inspector shows the accepted video's 36 kept frames with their three crops.
  await page.getByRole('button', { name: 'one-face.mp4' }).click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toHaveAttribute('data-frames', '36', { timeout: 30_000 });
  await expect
    .poll(() =>
      inspector.getByTestId('inspector.crop-eyes').evaluate((c: HTMLCanvasElement) => c.width),
    )
    .toBe(112);
  // The keypoints are drawn on each crop (issue 17 item 8: they once had a radius of 0):
  // marker-red pixels (#e53e3e) on face, eyes and mouth, and on the eyes crop at the paper's
  // eye targets (0.2, 0.6) and (0.8, 0.6).
  for (const region of ['face', 'eyes', 'mouth'] as const) {
    const canvas = inspector.getByTestId(`inspector.crop-${region}`);
    const marks = async () =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const ctx = c.getContext('2d');
        if (!ctx) return { count: -1, at: [] as boolean[] };
        const { data } = ctx.getImageData(0, 0, c.width, c.height);
        const red = (x: number, y: number): boolean => {
          const i = (y * c.width + x) * 4;
          return data[i] === 0xe5 && data[i + 1] === 0x3e && data[i + 2] === 0x3e;
        };
        let count = 0;
        for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) if (red(x, y)) count++;
        // Any marker pixel within 2 px of each eye target.
        const near = (tx: number, ty: number): boolean => {
          for (let dy = -2; dy <= 2; dy++)
            for (let dx = -2; dx <= 2; dx++)
              if (red(Math.floor(tx) + dx, Math.floor(ty) + dy)) return true;
          return false;
        };
        return {
          count,
          at: [near(0.2 * c.width, 0.6 * c.height), near(0.8 * c.width, 0.6 * c.height)],
        };
      });
    await expect
      .poll(async () => (await marks()).count, { message: region })
      .toBeGreaterThanOrEqual(4);
    if (region === 'eyes') expect((await marks()).at).toEqual([true, true]);
  }
  // The frame strip's thumbnails keep their square shape with 36 frames (issue 17 item 13).
  await expect(inspector.locator('.strip img')).toHaveCount(36);
  const thumbs = await inspector
    .locator('.strip img')
    .evaluateAll((imgs) =>
      imgs.map((i) => i.getBoundingClientRect()).map((r) => [r.width, r.height]),
    );
  expect(thumbs).toHaveLength(36);
  for (const [w = 0, h = 0] of thumbs) {
    expect(w).toBeGreaterThan(40);
    expect(Math.abs(w - h)).toBeLessThan(1);
  }
  // Illumination before / after on one frame (it once failed: one frame is below the run's
  // minimum of frames per video).
  await inspector.getByTestId('inspector.compare').click();
  await expect(inspector.getByTestId('inspector.comparison')).toBeVisible({ timeout: 60_000 });
  await expect(inspector.getByRole('alert')).toHaveCount(0);
});
