import { expect, test, type Page } from '@playwright/test';
import { chromiumArgs } from '../../scripts/lib/chromium';
import { Workbench } from './pages/workbench';

/**
 * Issue #7, "Scale": 5,000 files dropped at once (not a CSV). The main thread must never
 * block for more than 200 ms (long tasks, measured from the drop to the stored result) and
 * the page's JS heap must stay bounded. --enable-precise-memory-info makes
 * performance.memory exact instead of bucketed.
 */
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, '--enable-precise-memory-info'],
  },
});

const FILES = 5000;
const CLASSES = ['Angry', 'Disgust', 'Fear', 'Happy', 'Sad', 'Surprise', 'Neutral'];
/** The longest the main thread may be busy in one go (issue #7). */
const MAX_LONG_TASK_MS = 200;
/** Peak JS heap of the page during the import (measured about 30 MB, see docs/ingest.md). */
const MAX_HEAP_BYTES = 128 * 1024 * 1024;

interface Measures {
  longTasks: { start: number; duration: number }[];
  heapPeak: number;
  heapStart: number;
}

/** Starts recording long tasks and sampling the JS heap (every 50 ms) in the page. */
async function startMeasuring(page: Page): Promise<number> {
  return page.evaluate(() => {
    const mem = (): number =>
      (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ??
      0;
    const m = { longTasks: [] as { start: number; duration: number }[], heapPeak: 0, heapStart: 0 };
    m.heapStart = mem();
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        m.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    setInterval(() => {
      m.heapPeak = Math.max(m.heapPeak, mem());
    }, 50);
    (window as unknown as { __h3: typeof m }).__h3 = m;
    return performance.now();
  });
}

async function measures(page: Page, since: number): Promise<Measures> {
  const m = await page.evaluate(() => (window as unknown as { __h3: Measures }).__h3);
  return { ...m, longTasks: m.longTasks.filter((t) => t.start >= since) };
}

test('5,000 files dropped at once: all stored, no long task over 200 ms, heap bounded', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const wb = new Workbench(page);
  await wb.open();
  // 5,000 distinct tiny PNGs (each 8x8 with its own colour) in 7 class folders, as Files
  // whose names carry their folder path (what a drop of a folder gives the walker).
  const dt = await page.evaluateHandle(
    async ({ n, classes }) => {
      const canvas = new OffscreenCanvas(8, 8);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      const t = new DataTransfer();
      for (let i = 0; i < n; i++) {
        ctx.fillStyle = `rgb(${i % 256}, ${(i >> 8) % 256}, 128)`;
        ctx.fillRect(0, 0, 8, 8);
        const blob = await canvas.convertToBlob({ type: 'image/png' });
        const cls = classes[i % classes.length] ?? 'Angry';
        t.items.add(
          new File([blob], `faces/${cls}/img${String(i).padStart(5, '0')}.png`, {
            type: 'image/png',
          }),
        );
      }
      return t;
    },
    { n: FILES, classes: CLASSES },
  );
  // Let the page settle (the DataTransfer above is test setup, not the app's work).
  await page.waitForTimeout(500);
  const since = await startMeasuring(page);
  const t0 = Date.now();
  await page.getByTestId('ingest.dropzone').dispatchEvent('drop', { dataTransfer: dt });
  await expect(wb.review).toBeVisible({ timeout: 120_000 });
  const reviewSec = (Date.now() - t0) / 1000;
  const reviewAt = await page.evaluate(() => performance.now());
  await expect(wb.reviewValue('layout')).toHaveText('image-folders');
  await expect(wb.reviewValue('items')).toHaveText(String(FILES));
  await expect(wb.reviewValue('problem-count')).toHaveText('0');
  const counts = await wb.reviewClassCounts();
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(FILES);
  expect(counts.Angry).toBe(Math.ceil(FILES / CLASSES.length));
  const t1 = Date.now();
  const result = await wb.commit();
  await expect(result).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await expect(result).toContainText(`Stored ${FILES} items`);
  const commitSec = (Date.now() - t1) / 1000;
  await expect(wb.dataset('faces').getByTestId('datasets.items')).toHaveText(String(FILES));
  // Let the dataset list's refresh (counts over 5,000 items) run inside the measurement.
  await page.waitForTimeout(1000);
  const m = await measures(page, since);

  expect(await wb.countStore('items')).toBe(FILES);
  expect(await wb.countStore('blobs')).toBe(FILES);
  expect(await wb.countStore('journal')).toBe(0);
  expect(await wb.datasetClassCounts('faces')).toEqual(counts);

  const maxTask = Math.max(0, ...m.longTasks.map((t) => t.duration));
  const report = {
    files: FILES,
    reviewSec,
    commitSec,
    longTasks: m.longTasks.length,
    longTasksOver200: m.longTasks.filter((t) => t.duration > MAX_LONG_TASK_MS).length,
    maxLongTaskMs: Math.round(maxTask),
    heapStartMB: Math.round(m.heapStart / 2 ** 20),
    heapPeakMB: Math.round(m.heapPeak / 2 ** 20),
    // The five longest tasks: [ms after the drop, duration ms]; the review showed at reviewAtMs.
    reviewAtMs: Math.round(reviewAt - since),
    longest: [...m.longTasks]
      .sort((a, b) => b.duration - a.duration)
      .slice(0, 5)
      .map((t) => [Math.round(t.start - since), Math.round(t.duration)]),
  };
  console.log(`INGEST_SCALE ${JSON.stringify(report)}`);
  expect(m.heapPeak).toBeGreaterThan(0);
  expect(m.heapPeak).toBeLessThan(MAX_HEAP_BYTES);
  expect(maxTask).toBeLessThanOrEqual(MAX_LONG_TASK_MS);
});
