/**
 * Offline and installable (issue #7): with the service worker registered (`?sw=1`: automated
 * browsers skip it otherwise), once the precache is complete the workbench works with the
 * network off: the page loads from the cache, still cross-origin isolated (the cached response
 * keeps its COOP/COEP headers), the WASM backend starts, the face models load and detect a
 * face, and the stored datasets are listed. The web app manifest is valid and Chromium finds
 * the page installable. See README.md (Using the workbench) and scripts/vite/serviceWorker.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { chromiumArgs } from '../../scripts/lib/chromium';
import { openWithHooks } from './appHooks';

interface FaceWindow {
  __ferFace?: {
    load(config?: Record<string, unknown>): Promise<{ loadMs: number }>;
    detect(url: string): Promise<{ faces: unknown[] }>;
  };
}

/** The service worker's precache list, from the served sw.js. */
async function precacheList(page: Page): Promise<string[]> {
  const sw = await (await page.request.get('/sw.js')).text();
  const m = /const ASSETS = (\[.*?\]);/.exec(sw);
  if (!m?.[1]) throw new Error('sw.js has no ASSETS list');
  return JSON.parse(m[1]) as string[];
}

test('after a first load the workbench works offline, and it is installable', async ({
  baseURL,
}) => {
  test.setTimeout(120_000);
  // A persistent profile: Chromium never finds an off-the-record (incognito) context, what
  // browser.newContext() makes, installable.
  const profile = mkdtempSync(join(tmpdir(), 'fer-offline-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs],
    baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  try {
    await openWithHooks(page, '?sw=1&demo=0');
    const assets = await precacheList(page);
    expect(assets).toContain('./');
    expect(assets.some((a) => a.endsWith('.wasm'))).toBe(true);
    expect(assets).toContain('models/face/face_landmarker.task');
    expect(assets.filter((a) => a.endsWith('.map'))).toEqual([]);

    // A stored dataset to find again offline.
    const datasetId = await page.evaluate(async () => {
      const stored = await window.__ferDemo?.store({
        seed: 9,
        counts: { trainPerClass: 1, valPerClass: 0, testPerClass: 0, pool: 0, frames: 4 },
      });
      return stored?.datasetId ?? '';
    });
    expect(datasetId).not.toBe('');

    // The worker is active (install = the whole precache stored) and controls the page.
    const t0 = Date.now();
    const cache = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 100));
      const names = (await caches.keys()).filter((k) => k.startsWith('fer-workbench-'));
      const name = names[0] ?? '';
      return { names, stored: (await (await caches.open(name)).keys()).length };
    });
    console.log(`precache: ${cache.stored} files, ${Date.now() - t0} ms after load`);
    expect(cache.names).toHaveLength(1);
    expect(cache.stored).toBeGreaterThanOrEqual(assets.length);

    // The manifest: fields, and every icon served.
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(manifestHref).toBe('/manifest.webmanifest');
    await expect(page.locator('meta[name="theme-color"]').first()).toHaveAttribute(
      'content',
      /^#[0-9a-f]{6}$/,
    );
    const res = await page.request.get(manifestHref ?? '');
    expect(res.ok()).toBe(true);
    const manifest = (await res.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string }[];
    };
    expect(manifest).toMatchObject({
      name: 'FER Workbench',
      start_url: './',
      display: 'standalone',
      theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
      background_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
    });
    expect(manifest.short_name.length).toBeLessThanOrEqual(15);
    expect(manifest.icons.map((i) => i.sizes).sort()).toEqual(['192x192', '512x512', 'any']);
    for (const icon of manifest.icons) {
      const r = await page.request.get(new URL(icon.src, res.url()).href);
      expect(r.ok(), icon.src).toBe(true);
      expect(r.headers()['content-type'], icon.src).toContain(icon.type);
      expect(assets).toContain(icon.src);
    }
    // Chromium's own checks: the manifest parses without errors and the page is installable.
    const cdp = await context.newCDPSession(page);
    const parsed = (await cdp.send('Page.getAppManifest')) as {
      errors: { message: string }[];
      url: string;
    };
    expect(parsed.url).toMatch(/\/manifest\.webmanifest$/);
    expect(parsed.errors).toEqual([]);
    const installable = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installable.installabilityErrors).toEqual([]);

    // Offline.
    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => window.__fer !== undefined && window.__ferDemo !== undefined);
    await page.evaluate(() => window.__fer?.ready());
    // Really offline: what is not in the cache does not load.
    expect(
      await page.evaluate(() =>
        fetch(`/not-cached-${Date.now()}`).then(
          () => 'loaded',
          () => 'failed',
        ),
      ),
    ).toBe('failed');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByRole('heading', { name: 'FER Workbench' })).toBeVisible();
    // The stored dataset is listed.
    await expect(page.getByTestId('datasets.name')).toHaveCount(1);
    expect(await page.evaluate(() => window.__fer?.listDatasets())).toHaveLength(1);
    // The WASM backend starts (threaded: it needs the cross-origin isolation).
    await page.getByTestId('settings.backend').locator('summary').click();
    await page.getByTestId('settings.backend-select').selectOption('wasm');
    await expect(page.getByTestId('header.backend')).toHaveAttribute('data-backend', 'wasm', {
      timeout: 60_000,
    });
    // The face models load from the cache and find the face in the demo's photo.
    const faces = await page.evaluate(async () => {
      const api = (window as FaceWindow).__ferFace;
      if (!api) throw new Error('no face hook');
      await api.load();
      return (await api.detect('/demo/faces/astronaut.png')).faces.length;
    });
    expect(faces).toBe(1);
    // The Model tab works too.
    await page.getByTestId('nav.model').click();
    await expect(page.getByTestId('model.summary.params')).toContainText('8.76 M');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
