import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { fixturePath } from './fixtures';
import { Workbench } from './pages/workbench';

/**
 * Issue #7, "Files" and "Faults": hostile file names shown as text everywhere they appear,
 * and a reload in the middle of an import.
 */

/** Elements that carry an event-handler attribute (on...): none of ours do. */
function injectedHandlers(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('*'))
      .filter((el) => el.getAttributeNames().some((a) => a.toLowerCase().startsWith('on')))
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

test('names with HTML, quotes, spaces and unicode are shown as text in the review, problems, browser and preprocess outcome', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const wb = new Workbench(page);
  await wb.open();
  const video = [...readFileSync(fixturePath('unlabelled', 'clip_a.mp4'))];
  const truncated = [...readFileSync(fixturePath('bad', 'truncated.mp4'))];
  const notes = [...Buffer.from('just some notes, not a video\n')];
  // Good 1 s test-pattern clips (no face) and bad files, all with hostile names.
  const good = [
    '<img src=x onerror=alert(1)>.mp4',
    `"quoted" 'name'.mp4`,
    'spaces   and\ttab – ünïcödé 😀 名前.mp4',
  ];
  const bad: Record<string, { bytes: number[]; code: string }> = {
    '<b onmouseover=alert(3)>zero "byte".mp4': { bytes: [], code: 'zero-byte' },
    '<svg onload=alert(2)> cut.mp4': { bytes: truncated, code: 'truncated' },
    "&lt;not&gt; & 'notes'.avi": { bytes: notes, code: 'wrong-extension' },
  };
  await wb.dropFiles([
    ...good.map((name) => ({ name, bytes: video, type: 'video/mp4' })),
    ...Object.entries(bad).map(([name, f]) => ({ name, bytes: f.bytes, type: 'video/mp4' })),
  ]);
  await expect(wb.reviewValue('layout')).toHaveText('unlabelled-video');
  await expect(wb.reviewValue('items')).toHaveText(String(good.length));

  // The review's problem list: each bad file by its exact name, with its own code.
  expect(await wb.problems()).toEqual(
    Object.fromEntries(Object.entries(bad).map(([n, f]) => [n, f.code])),
  );
  const listed = await page.getByTestId('import.problems.item').locator('code').allTextContents();
  expect(listed.sort()).toEqual(Object.keys(bad).sort());

  // A hostile dataset name too.
  const name = `<img src=y onerror=alert(4)> "set" 'name'`;
  await page.getByTestId('import.name').fill(name);
  await expect(page.getByTestId('import.commit')).toHaveText(`Import ${good.length} items`);
  const result = await wb.commit();
  await expect(result).toHaveAttribute('data-status', 'ready');
  const after = await page
    .getByTestId('import.result-problems.item')
    .locator('code')
    .allTextContents();
  expect(after.sort()).toEqual(Object.keys(bad).sort());

  // The dataset list and the item browser.
  const row = page
    .getByTestId('datasets.row')
    .filter({ has: page.getByText(name, { exact: true }) });
  await expect(row.getByTestId('datasets.name')).toHaveText(name);
  await expect(row).toHaveAttribute('data-name', name);
  await row.getByRole('button', { name, exact: true }).click();
  await expect(page.getByTestId('browser').getByRole('heading', { level: 2 })).toHaveText(name);
  const keys = await page.getByTestId('browser.item').getByRole('button').allTextContents();
  expect(keys.sort()).toEqual([...good].sort());

  // The preprocess panel's outcome: each clip (a test pattern, no face) named, with why.
  const panel = page.getByTestId('preprocess');
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText(`Preprocess “${name}”`);
  await panel.getByLabel('Frames per second').fill('4');
  await panel.getByLabel('Crop size').fill('64');
  await page.getByTestId('preprocess.start').click();
  await expect(page.getByTestId('preprocess.summary')).toHaveAttribute('data-phase', 'done', {
    timeout: 90_000,
  });
  await expect(page.getByTestId('preprocess.note')).toHaveCount(good.length);
  for (const n of good) {
    const note = page.getByTestId('preprocess.note').filter({
      has: page.locator('code').getByText(n, { exact: true }),
    });
    await expect(note).toHaveAttribute('data-key', n);
    await expect(note).toHaveText(`${n}: no face found in any frame (4 sampled)`);
  }

  // Nothing was injected and nothing ran.
  expect(await injectedHandlers(page)).toEqual([]);
  expect(await page.locator('img[src="x"], img[src="y"], svg[onload], b').count()).toBe(0);
  expect(dialogs).toEqual([]);
});

/** The dataset's items and blobs as stored, read directly from IndexedDB. */
async function storedItems(
  page: Page,
): Promise<{ items: { id: string; key: string; datasetId: string }[]; blobSizes: number[] }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('fer-workbench');
        open.onerror = () => reject(new Error(String(open.error)));
        open.onsuccess = () => {
          const tx = open.result.transaction(['items', 'blobs']);
          const items = tx.objectStore('items').getAll();
          const blobs = tx.objectStore('blobs').getAll();
          tx.oncomplete = () => {
            open.result.close();
            resolve({
              items: (items.result as { id: string; key: string; datasetId: string }[]).map(
                (i) => ({ id: i.id, key: i.key, datasetId: i.datasetId }),
              ),
              blobSizes: (blobs.result as { blob: Blob }[]).map((b) => b.blob.size),
            });
          };
          tx.onerror = () => reject(new Error(String(tx.error)));
        };
      }),
  );
}

/** Drops a FER2013-style CSV built in the page: `rows` 48x48 rows, emotion codes 0..6 in turn. */
async function dropCsv(page: Page, rows: number): Promise<void> {
  const dt = await page.evaluateHandle((n) => {
    const pixels = Array.from({ length: 48 * 48 }, (_, i) => String(i % 256)).join(' ');
    const lines = ['emotion,pixels,Usage'];
    for (let i = 0; i < n; i++) lines.push(`${i % 7},${pixels},Training`);
    const t = new DataTransfer();
    t.items.add(new File([lines.join('\n')], 'fer2013.csv', { type: 'text/csv' }));
    return t;
  }, rows);
  await page.getByTestId('ingest.dropzone').dispatchEvent('drop', { dataTransfer: dt });
  await expect(page.getByTestId('import.review')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import.items')).toHaveText(String(rows));
}

test('reload during ingest: what was stored stays whole, the dataset shows as unfinished, the same drop resumes it without duplicates', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const wb = new Workbench(page);
  await wb.open();
  // 8,000 rows: stored in batches of 250 items, one transaction each.
  const rows = 8000;
  await dropCsv(page, rows);
  await page.getByTestId('import.commit').click();
  // Reload as soon as the first batch is stored.
  await expect
    .poll(() => wb.countStore('items'), { timeout: 60_000, intervals: [25] })
    .toBeGreaterThan(0);
  await page.reload();
  await wb.open();

  const row = wb.dataset('fer2013');
  await expect(row.getByTestId('datasets.status')).toHaveText(
    'import interrupted: drop the same files again to resume',
  );
  const list = async () => (await page.evaluate(() => window.__fer?.listDatasets())) ?? [];
  const interrupted = (await list()).find((d) => d.name === 'fer2013');
  expect(interrupted?.status).toBe('importing');
  const storedBefore = interrupted?.itemCount ?? -1;
  expect(storedBefore).toBeGreaterThan(0);
  expect(storedBefore).toBeLessThan(rows);
  // Whole batches only: the first rows in order, one 48x48 blob each.
  expect(storedBefore % 250).toBe(0);
  await expect(row.getByTestId('datasets.items')).toHaveText(String(storedBefore));
  const before = await storedItems(page);
  expect(before.items.map((i) => i.key).sort()).toEqual(
    Array.from({ length: storedBefore }, (_, i) => `fer2013.csv#${i}`).sort(),
  );
  expect(before.blobSizes).toEqual(Array.from({ length: storedBefore }, () => 48 * 48));

  // The same drop again: the unfinished import of the same name is resumed by default.
  await dropCsv(page, rows);
  await expect(page.getByTestId('import.resume')).toBeChecked();
  await expect(page.getByTestId('import.review')).toContainText(
    'Resume the unfinished import of “fer2013”',
  );
  const resumed = await wb.commit();
  await expect(resumed).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(resumed).toContainText(`Stored ${rows - storedBefore} items`);
  await expect(resumed).toContainText(`${storedBefore} were already stored`);
  await expect(row.getByTestId('datasets.status')).toHaveCount(0);
  await expect(row.getByTestId('datasets.items')).toHaveText(String(rows));

  const all = await list();
  expect(all.filter((d) => d.name === 'fer2013')).toHaveLength(1);
  expect(all[0]?.status).toBe('ready');
  const after = await storedItems(page);
  expect(after.items).toHaveLength(rows);
  expect(new Set(after.items.map((i) => i.key)).size).toBe(rows);
  expect(after.blobSizes).toHaveLength(rows);
  expect(await wb.countStore('journal')).toBe(0);
});
