import { expect, test, type Page } from '@playwright/test';

// The backend settings control in the header (src/ui/settings/BackendSettings.tsx): "Measure"
// runs the probe training step on every backend (rankBackends), shows each time and switches to
// the fastest; a chosen backend persists across reloads (localStorage) with its reason shown.

test.describe.configure({ timeout: 240_000 });

async function open(page: Page): Promise<void> {
  await page.goto('/');
  await page.waitForFunction(() => window.__fer?.backend() != null);
  await page.getByTestId('settings.backend').locator('summary').click();
}

test('Measure shows each backend’s probe time and picks the fastest; it persists', async ({
  page,
}) => {
  await open(page);
  await page.getByTestId('settings.backend-measure').click();
  const rows = page.getByTestId('settings.backend-probe');
  await expect(rows.first()).toBeVisible({ timeout: 200_000 });
  await expect(page.getByTestId('settings.backend-measure')).toBeEnabled({ timeout: 200_000 });

  const probes = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      name: tr.getAttribute('data-backend') ?? '',
      ms: tr.getAttribute('data-ms') === '' ? null : Number(tr.getAttribute('data-ms')),
      fastest: tr.getAttribute('data-fastest') === 'true',
    })),
  );
  const measured = probes.filter((p): p is { name: string; ms: number; fastest: boolean } =>
    Number.isFinite(p.ms),
  );
  // wasm, webgl and cpu start in this Chromium (webgpu too, on SwiftShader).
  expect(measured.map((p) => p.name)).toEqual(expect.arrayContaining(['wasm', 'webgl', 'cpu']));
  for (const p of measured) expect(p.ms, p.name).toBeGreaterThan(0);
  const min = Math.min(...measured.map((p) => p.ms));
  const chosen = measured.find((p) => p.fastest);
  expect(chosen?.ms).toBe(min);
  // The numbers are the probe's: the same as the ranking recorded in the backend info.
  const info = await page.evaluate(() => window.__fer?.backend() ?? null);
  expect(info?.name).toBe(chosen?.name);
  expect(info?.ranking?.map((p) => [p.name, p.ms])).toEqual(probes.map((p) => [p.name, p.ms]));
  await expect(page.getByTestId('header.backend')).toHaveAttribute(
    'data-backend',
    chosen?.name ?? '?',
  );
  await expect(page.getByTestId('settings.backend-reason')).toContainText(
    'measured probe training step',
  );
  await expect(page.getByTestId('settings.backend-select')).toHaveValue(chosen?.name ?? '?');

  // After a reload the measured choice is used again, with the measurement as its reason.
  await page.reload();
  await open(page);
  await expect(page.getByTestId('header.backend')).toHaveAttribute(
    'data-backend',
    chosen?.name ?? '?',
  );
  await expect(page.getByTestId('settings.backend-select')).toHaveValue(chosen?.name ?? '?');
  await expect(page.getByTestId('settings.backend-reason')).toContainText(
    'the fastest in the measurement',
  );
  await expect(page.getByTestId('settings.backend-probe')).toHaveCount(probes.length);
});

test('choosing a backend switches to it and persists; Auto goes back to the default', async ({
  page,
}) => {
  await open(page);
  await expect(page.getByTestId('header.backend')).toHaveAttribute('data-backend', 'wasm');
  await page.getByTestId('settings.backend-select').selectOption('cpu');
  await expect(page.getByTestId('header.backend')).toHaveAttribute('data-backend', 'cpu');
  await expect(page.getByTestId('settings.backend-reason')).toContainText(
    'requested by the setting (backend=cpu)',
  );
  await page.reload();
  await open(page);
  await expect(page.getByTestId('header.backend')).toHaveAttribute('data-backend', 'cpu');
  await expect(page.getByTestId('settings.backend-select')).toHaveValue('cpu');
  await page.getByTestId('settings.backend-select').selectOption('auto');
  await expect(page.getByTestId('header.backend')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('settings.backend-reason')).toContainText('WASM trains fastest');
});
