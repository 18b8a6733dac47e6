/**
 * Faults and bad input (issue #7), in Chromium: another tab holding the database at an older
 * schema gets a message to close it, and the app continues by itself once it lets go; and our
 * tab steps aside for a newer version. (Storage and training faults: faults.spec.ts; bad
 * weight files: faults-weights.spec.ts.)
 */
import { expect, test, type Page } from '@playwright/test';
import { openWithHooks } from './appHooks';
import { DB_VERSION } from '../../src/storage/schema';

test.describe.configure({ mode: 'serial' });

/** A page of the app's origin that is not the app (a static file): it plays the other tab. */
async function otherTab(browserPage: Page): Promise<Page> {
  const other = await browserPage.context().newPage();
  await other.goto('/favicon.svg');
  return other;
}

test('another tab holding an older schema: a message to close it; the app continues once it lets go', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const app = await context.newPage();
  const other = await otherTab(app);
  // An old version of the workbench (schema 1) that does not close on versionchange.
  await other.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('fer-workbench', 1);
        req.onupgradeneeded = () => {
          const db = req.result;
          db.createObjectStore('datasets', { keyPath: 'id' });
          const items = db.createObjectStore('items', { keyPath: 'id' });
          items.createIndex('byDataset', 'datasetId');
          items.createIndex('byDatasetKey', ['datasetId', 'key'], { unique: true });
          const blobs = db.createObjectStore('blobs', { keyPath: 'id' });
          blobs.createIndex('byItem', 'itemId');
          blobs.createIndex('byDataset', 'datasetId');
          db.createObjectStore('thumbnails', { keyPath: 'itemId' }).createIndex(
            'byDataset',
            'datasetId',
          );
          db.createObjectStore('journal', { keyPath: 'datasetId' });
          const frames = db.createObjectStore('frames', { keyPath: 'id' });
          frames.createIndex('byDataset', 'datasetId');
          frames.createIndex('byItem', 'itemId');
          db.createObjectStore('runs', { keyPath: 'id' });
          db.createObjectStore('checkpoints', { keyPath: 'id' }).createIndex('byRun', 'runId');
        };
        req.onsuccess = () => {
          (window as unknown as { oldDb: IDBDatabase }).oldDb = req.result;
          resolve();
        };
        req.onerror = () => reject(req.error ?? new Error('open failed'));
      }),
  );
  await app.goto('/');
  const error = app.getByTestId('datasets.error');
  await expect(error).toContainText('open in another tab with an older version');
  await expect(error).toContainText('Close the other tabs');
  // The other tab lets go: the upgrade runs, and the page goes on without a reload.
  await other.evaluate(() => (window as unknown as { oldDb: IDBDatabase }).oldDb.close());
  await expect(error).toBeHidden({ timeout: 20_000 });
  await app.evaluate(() => window.__fer?.ready());
  expect(await app.evaluate(() => window.__fer?.listDatasets())).toEqual([]);
  const version = await other.evaluate(async () => (await indexedDB.databases())[0]?.version);
  expect(version).toBe(DB_VERSION);
  await context.close();
});

test('our tab closes its connection when a newer version opens the database, and says to reload', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const app = await context.newPage();
  await openWithHooks(app);
  const other = await otherTab(app);
  // A newer version than ours opens: it must not be blocked by our open connection. (It was
  // written as 3, which became the app's own version, so no versionchange came.)
  const newer = DB_VERSION + 1;
  const outcome = await other.evaluate(
    (v) =>
      new Promise<string>((resolve) => {
        const req = indexedDB.open('fer-workbench', v);
        req.onblocked = () => resolve('blocked');
        req.onsuccess = () => {
          req.result.close();
          resolve(`opened v${req.result.version}`);
        };
        req.onerror = () => resolve(`error ${String(req.error)}`);
      }),
    newer,
  );
  expect(outcome).toBe(`opened v${newer}`);
  await expect(app.getByTestId('datasets.error')).toContainText('newer version');
  await expect(app.getByTestId('datasets.error')).toContainText('Reload this tab');
  await context.close();
});
