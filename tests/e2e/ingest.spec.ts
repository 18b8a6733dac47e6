import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expected, fixturePath, type AfewExpected } from './fixtures';
import { Workbench } from './pages/workbench';

/** Every request the page makes, so a test can assert none left the origin. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return urls;
}

function offOrigin(urls: string[], origin: string): string[] {
  return urls.filter(
    (u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'),
  );
}

test('AFEW folder: exact summary, stored, kept across reload, playable, deleted with its data', async ({
  page,
  baseURL,
}) => {
  const requests = recordRequests(page);
  const want = expected('afew') as AfewExpected;
  const wb = new Workbench(page);
  await wb.open();
  await wb.chooseFolder(fixturePath('afew'));

  await expect(wb.reviewValue('layout')).toHaveText('afew');
  await expect(wb.reviewValue('items')).toHaveText(String(want.fileCount));
  await expect(wb.reviewValue('files')).toHaveText(String(want.fileCount));
  await expect(wb.reviewValue('bytes')).toHaveAttribute('data-bytes', String(want.totalBytes));
  const seconds = Number(await wb.reviewValue('duration').getAttribute('data-seconds'));
  expect(Math.abs(seconds - want.totalDurationSec)).toBeLessThan(0.05 * want.fileCount);
  expect(await wb.reviewClassCounts()).toEqual(want.perClass);
  const trainCount = Object.values(want.perSplit.Train_AFEW ?? {}).reduce((a, b) => a + b, 0);
  const valCount = Object.values(want.perSplit.Val_AFEW ?? {}).reduce((a, b) => a + b, 0);
  await expect(wb.reviewValue('splits')).toHaveText(`train: ${trainCount}, val: ${valCount}`);
  await expect(wb.reviewValue('problem-count')).toHaveText('0');

  const result = await wb.commit();
  await expect(result).toHaveAttribute('data-status', 'ready');
  await expect(wb.dataset('afew').getByTestId('datasets.items')).toHaveText(String(want.fileCount));
  expect(await wb.datasetClassCounts('afew')).toEqual(want.perClass);
  expect(await wb.countStore('items')).toBe(want.fileCount);
  expect(await wb.countStore('blobs')).toBe(want.fileCount);

  // Still there after a reload, with the same numbers.
  await page.reload();
  await wb.open();
  await expect(wb.dataset('afew').getByTestId('datasets.items')).toHaveText(String(want.fileCount));
  expect(await wb.datasetClassCounts('afew')).toEqual(want.perClass);

  // Browse: the AVI (not playable by Chrome) is transcoded through ffmpeg.wasm and plays.
  await wb.dataset('afew').getByRole('button', { name: 'afew', exact: true }).click();
  await expect(page.getByTestId('browser.items')).toHaveAttribute(
    'data-count',
    String(want.fileCount),
  );
  // Rename a class: map the dataset's "Sad" to neutral; the stored mapping and counts follow.
  await page
    .locator('[data-testid="browser.class-select"][data-raw="Sad"]')
    .selectOption('neutral');
  await expect(
    wb.dataset('afew').locator('[data-testid="datasets.class"][data-raw="Sad"]'),
  ).toContainText(`neutral: ${want.perClass.Sad ?? 0}`);
  const remapped = (await page.evaluate(() => window.__fer?.listDatasets()))?.[0];
  expect(remapped?.classMap.Sad).toBe('neutral');
  const avi = want.files.find((f) => f.path.endsWith('.avi'));
  expect(avi).toBeDefined();
  await page.getByRole('button', { name: `afew/${avi?.path ?? ''}` }).click();
  const video = page.getByTestId('viewer.video');
  await expect(video).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(1);
  const played = await video.evaluate((v: HTMLVideoElement) => v.duration);
  expect(Math.abs(played - (avi?.durationSec ?? 0))).toBeLessThan(0.15);

  // Delete: every record of the dataset goes, and storage use drops.
  const before = await page.evaluate(() => window.__fer?.storage());
  await wb.deleteDataset('afew');
  expect(await wb.countStore('items')).toBe(0);
  expect(await wb.countStore('blobs')).toBe(0);
  expect(await wb.countStore('thumbnails')).toBe(0);
  await expect
    .poll(async () => (await page.evaluate(() => window.__fer?.storage()))?.usageBytes ?? 0, {
      timeout: 20_000,
    })
    .toBeLessThan((before?.usageBytes ?? 0) - want.totalBytes / 2);

  expect(offOrigin(requests, baseURL ?? '')).toEqual([]);
});

test('CK+ folder: one item per sequence, labels from Emotion files, subjects kept', async ({
  page,
}) => {
  interface CkExpected {
    sequenceCount: number;
    labelledCount: number;
    frameCount: number;
    sequences: {
      key: string;
      subject: string;
      frames: number;
      emotionCode: number | null;
      label: string | null;
    }[];
  }
  const want = expected('ckplus') as CkExpected;
  const wb = new Workbench(page);
  await wb.open();
  await wb.chooseFolder(fixturePath('ckplus'));
  await expect(wb.reviewValue('layout')).toHaveText('ckplus');
  await expect(wb.reviewValue('items')).toHaveText(String(want.sequenceCount));
  await expect(wb.reviewValue('files')).toHaveText(String(want.frameCount));
  const counts = await wb.reviewClassCounts();
  const wantCounts: Record<string, number> = {};
  for (const s of want.sequences) {
    const raw = s.emotionCode == null ? '' : String(s.emotionCode);
    wantCounts[raw] = (wantCounts[raw] ?? 0) + 1;
  }
  expect(counts).toEqual(wantCounts);
  // The CK+ codes map to canonical classes in the editable mapping.
  for (const s of want.sequences.filter((x) => x.emotionCode != null)) {
    await expect(
      page.locator(`[data-testid="import.class-row"][data-raw="${s.emotionCode ?? ''}"] select`),
    ).toHaveValue(s.label ?? '');
  }
  await wb.commit();
  const stored = await page.evaluate(() => window.__fer?.listDatasets());
  const ck = stored?.find((d) => d.name === 'ckplus');
  expect(ck?.itemCount).toBe(want.sequenceCount);
  expect(await wb.countStore('blobs')).toBe(want.frameCount);
});

test('FERPlus CSV: majority votes, splits from Usage, bad rows reported, the rest stored', async ({
  page,
}) => {
  interface FerExpected {
    rows: number;
    malformedRows: number[];
    perUsage: Record<string, number>;
    ferplus: { majority: (string | null)[]; notFaceRows: number[]; tieRows: number[] };
  }
  const want = expected('ferplus') as FerExpected;
  const wb = new Workbench(page);
  await wb.open();
  await wb.chooseFolder(fixturePath('ferplus'));
  await expect(wb.reviewValue('layout')).toHaveText('ferplus-csv');
  // Rows with a valid majority emotion and well-formed pixels become items.
  const skipped = new Set([
    ...want.malformedRows,
    ...want.ferplus.notFaceRows,
    ...want.ferplus.tieRows,
  ]);
  const wantCounts: Record<string, number> = {};
  want.ferplus.majority.forEach((label, row) => {
    if (skipped.has(row) || label == null || label === 'NF' || label === 'unknown') return;
    wantCounts[label] = (wantCounts[label] ?? 0) + 1;
  });
  const itemCount = Object.values(wantCounts).reduce((a, b) => a + b, 0);
  await expect(wb.reviewValue('items')).toHaveText(String(itemCount));
  expect(await wb.reviewClassCounts()).toEqual(wantCounts);
  await expect(wb.reviewValue('problem-count')).toHaveText(String(skipped.size));
  await wb.commit();
  expect(await wb.countStore('items')).toBe(itemCount);
});

test('bad files: each gets its own message, the good file still imports', async ({ page }) => {
  interface BadExpected {
    files: Record<string, string | null>;
    okDurationSec: number;
  }
  const want = expected('bad') as BadExpected;
  const wb = new Workbench(page);
  await wb.open();
  await wb.chooseFolder(fixturePath('bad'));
  const problems = await wb.problems();
  const byName: Record<string, string> = {};
  for (const [path, code] of Object.entries(problems)) byName[path.split('/').pop() ?? path] = code;
  const wantBad = Object.fromEntries(
    Object.entries(want.files).filter(([, code]) => code !== null),
  );
  expect(byName).toEqual(wantBad);
  await expect(wb.reviewValue('items')).toHaveText('1');
  // Names with spaces, quotes and emoji are shown as text.
  const good = Object.keys(want.files).find((k) => want.files[k] === null) ?? '';
  const result = await wb.commit();
  await expect(result).toHaveAttribute('data-status', 'ready');
  const stored = await page.evaluate(() => window.__fer?.listDatasets());
  expect(stored?.[0]?.itemCount).toBe(1);
  expect(stored?.[0]?.problems.length).toBe(Object.keys(wantBad).length);
  await wb.dataset('bad').getByRole('button', { name: 'bad', exact: true }).click();
  await expect(page.getByTestId('browser.items')).toContainText(good);
});

test('drag and drop of loose video files imports them as unlabelled clips', async ({ page }) => {
  interface UnlabelledExpected {
    fileCount: number;
    files: { path: string; bytes: number; durationSec: number }[];
  }
  const want = expected('unlabelled') as UnlabelledExpected;
  const wb = new Workbench(page);
  await wb.open();
  await wb.dropFiles(
    want.files.map((f) => ({
      name: f.path,
      type: 'video/mp4',
      bytes: [...readFileSync(fixturePath('unlabelled', f.path))],
    })),
  );
  await expect(wb.reviewValue('layout')).toHaveText('unlabelled-video');
  await expect(wb.reviewValue('items')).toHaveText(String(want.fileCount));
  await expect(page.getByTestId('import.unlabelled')).toBeVisible();
  const seconds = Number(await wb.reviewValue('duration').getAttribute('data-seconds'));
  const wantSeconds = want.files.reduce((a, f) => a + f.durationSec, 0);
  expect(Math.abs(seconds - wantSeconds)).toBeLessThan(0.05 * want.fileCount);
  await wb.commit();
  expect(await wb.countStore('items')).toBe(want.fileCount);
});

test('full storage: the import stops with a clear message, earlier data stays, resuming completes it', async ({
  page,
  baseURL,
}) => {
  const wb = new Workbench(page);
  await wb.open();
  // Chromium applies a quota override to connections opened after it: set it, then reload.
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(baseURL ?? '').origin;
  const usage = (await page.evaluate(() => window.__fer?.storage()))?.usageBytes ?? 0;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 10_000_000 });
  await page.reload();
  await wb.open();

  // An earlier dataset that must survive.
  await wb.chooseFolder(fixturePath('ckplus'));
  await wb.commit();
  await page.getByTestId('import.result').getByRole('button', { name: 'Dismiss' }).click();

  // 48 clips of ~340 KB (16 MB): the importer writes them in ~4 MB batches; some fit.
  const clip = [...readFileSync(fixturePath('bench', 'clip360.mp4'))];
  const copies = 48;
  const names = Array.from({ length: copies }, (_, i) => `clip${String(i).padStart(2, '0')}.mp4`);
  await wb.dropCopies(clip, names, 'video/mp4');
  await page.getByTestId('import.name').fill('clips');
  const result = await wb.commit();
  await expect(result).toHaveAttribute('data-status', 'partial');
  await expect(result).toContainText(/storage is full/i);
  const list = async () => (await page.evaluate(() => window.__fer?.listDatasets())) ?? [];
  const partial = (await list()).find((d) => d.name === 'clips');
  // 'partial', or 'importing' when even the status update no longer fits: both are unfinished
  // imports that the next drop of the same files resumes.
  expect(['partial', 'importing']).toContain(partial?.status);
  const storedBefore = partial?.itemCount ?? -1;
  expect(storedBefore).toBeGreaterThan(0);
  expect(storedBefore).toBeLessThan(copies);
  expect(await wb.countStore('items')).toBe(3 + storedBefore);
  const ck = (await list()).find((d) => d.name === 'ckplus');
  expect(ck?.status).toBe('ready');
  expect(ck?.itemCount).toBe(3);

  // More room, a reload, the same files again: the import resumes, skipping what is stored.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await page.reload();
  await wb.open();
  await expect(wb.dataset('clips').getByTestId('datasets.status')).toBeVisible();
  await wb.dropCopies(clip, names, 'video/mp4');
  await page.getByTestId('import.name').fill('clips');
  await page.getByTestId('import.resume').check();
  const resumed = await wb.commit();
  await expect(resumed).toHaveAttribute('data-status', 'ready');
  await expect(resumed).toContainText(`${storedBefore} were already stored`);
  const all = await list();
  expect(all.filter((d) => d.name === 'clips').length).toBe(1);
  expect(all.find((d) => d.name === 'clips')?.itemCount).toBe(copies);
  expect(await wb.countStore('items')).toBe(3 + copies);
});

test('5,000 items: the browser list stays virtualised and reaches the last item', async ({
  page,
}) => {
  const wb = new Workbench(page);
  await wb.open();
  const rows = 5000;
  // A FER2013-style CSV built in the page: 5,000 48x48 rows, emotion codes 0..6 in turn.
  const dt = await page.evaluateHandle((n) => {
    const pixels = Array.from({ length: 48 * 48 }, (_, i) => String(i % 256)).join(' ');
    const lines = ['emotion,pixels,Usage'];
    for (let i = 0; i < n; i++) lines.push(`${i % 7},${pixels},Training`);
    const t = new DataTransfer();
    t.items.add(new File([lines.join('\n')], 'fer2013.csv', { type: 'text/csv' }));
    return t;
  }, rows);
  await page.getByTestId('ingest.dropzone').dispatchEvent('drop', { dataTransfer: dt });
  await expect(wb.review).toBeVisible({ timeout: 60_000 });
  await expect(wb.reviewValue('items')).toHaveText(String(rows));
  const counts = await wb.reviewClassCounts();
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(rows);
  expect(counts['0']).toBe(Math.ceil(rows / 7));
  await page.getByTestId('import.name').fill('big');
  await wb.commit();
  await wb.dataset('big').getByRole('button', { name: 'big', exact: true }).click();
  const list = page.getByTestId('browser.items');
  await expect(list).toHaveAttribute('data-count', String(rows));
  // Only the visible rows (plus overscan) exist in the DOM.
  const rendered = await page.getByTestId('browser.item').count();
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThan(60);
  await list.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(page.getByTestId('browser.item').last()).toContainText(`#${rows - 1}`);
  expect(await page.getByTestId('browser.item').count()).toBeLessThan(60);
});
