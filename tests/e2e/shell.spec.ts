import { expect, test } from '@playwright/test';

test('the shell shows which compute backend runs, with a reason for any fallback', async ({
  page,
}) => {
  await page.goto('/');
  const backend = page.getByTestId('header.backend');
  await expect(backend).toHaveAttribute('data-backend', /^(webgpu|webgl|cpu)$/);
  const name = await backend.getAttribute('data-backend');
  const info = await page.evaluate(() => window.__fer?.backend());
  expect(info?.name).toBe(name);
  if (name === 'webgpu') {
    // Chromium here is launched with --enable-unsafe-webgpu: SwiftShader or a real adapter.
    expect(info?.adapter?.architecture).toBeTruthy();
  } else {
    await expect(page.getByTestId('header.backend-notice')).toContainText('because');
  }
});
