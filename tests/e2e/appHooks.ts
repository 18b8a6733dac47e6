import type { Page } from '@playwright/test';

/** Opens the app (optionally with a query) and waits for its test hooks and storage/backend. */
export async function openWithHooks(page: Page, query = ''): Promise<void> {
  await page.goto(`/${query}`);
  await page.waitForFunction(
    () =>
      window.__fer !== undefined &&
      window.__ferTrain !== undefined &&
      window.__ferDemo !== undefined &&
      window.__ferPreprocess !== undefined,
  );
  await page.evaluate(() => window.__fer?.ready());
}
