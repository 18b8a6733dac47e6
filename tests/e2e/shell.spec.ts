import { expect, test } from '@playwright/test';

test('the shell shows which compute backend runs, with a reason for any fallback', async ({
  page,
}) => {
  await page.goto('/');
  const backend = page.getByTestId('header.backend');
  await expect(backend).toHaveAttribute('data-backend', /^(webgpu|wasm|webgl|cpu)$/);
  await page.waitForFunction(() => window.__fer !== undefined);
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

test('the open tab is kept in the URL: a reload returns to it, a link opens it', async ({
  page,
}) => {
  await page.goto('/?demo=0');
  await page.getByTestId('nav.compare').click();
  await expect(page).toHaveURL(/\?demo=0#compare$/);
  await page.reload();
  await expect(page.getByTestId('nav.compare')).toHaveAttribute('aria-selected', 'true');
  await page.goto('/?demo=0#model');
  await expect(page.getByTestId('nav.model')).toHaveAttribute('aria-selected', 'true');
  await page.goto('/?demo=0#nonsense');
  await expect(page.getByTestId('nav.data')).toHaveAttribute('aria-selected', 'true');
});

test('the Train tab survives a reload, and back / forward move between the tabs opened', async ({
  page,
}) => {
  await page.goto('/?demo=0');
  await expect(page).toHaveURL(/#data$/);
  await page.getByTestId('nav.train').click();
  await page.reload();
  await expect(page.getByTestId('nav.train')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('nav.model').click();
  await page.goBack();
  await expect(page.getByTestId('nav.train')).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/#train$/);
  await page.goBack();
  await expect(page.getByTestId('nav.data')).toHaveAttribute('aria-selected', 'true');
  await page.goForward();
  await expect(page.getByTestId('nav.train')).toHaveAttribute('aria-selected', 'true');
});
