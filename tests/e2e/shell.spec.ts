import { expect, test } from '@playwright/test';

test('the shell shows which compute backend runs, with a reason for any fallback', async ({
  page,
}) => {
  await page.goto('/');
  const backend = page.getByTestId('header.backend');
  await expect(backend).toHaveAttribute('data-backend', /^(webgpu|wasm|webgl|cpu)$/);
  const name = await backend.getAttribute('data-backend');
  const info = await page.evaluate(() => window.__fer?.backend());
  expect(info?.name).toBe(name);
  if (name === 'webgpu') {
    // Chromium here is launched with --enable-unsafe-webgpu: SwiftShader or a real adapter.
    expect(info?.adapter?.architecture).toBeTruthy();
  } else {
    await expect(page.getByTestId('header.backend-notice')).toContainText(
      info?.reason ?? 'no reason recorded',
    );
  }
});

test('the model tab shows the parameter count and FLOPs computed for the chosen configuration', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByTestId('nav.model').click();
  // ResNet-18, groups = 3, full attention: 8,757,479 parameters (docs/model.md); ResNet-34: 16,355,303.
  await expect(page.getByTestId('model.summary.params')).toContainText('8.76 M');
  await page.getByTestId('model.summary.depth').selectOption('34');
  await expect(page.getByTestId('model.summary.params')).toContainText('16.36 M');
});
