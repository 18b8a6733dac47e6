import { expect, test } from '@playwright/test';

// Issue 16 step 5: tabs other than Data are chunks loaded on first open (src/ui/lazyTabs.tsx).
// scripts/vite/entryGraph.test.ts checks the entry reaches no heavy library statically.

test('a tab whose chunk cannot be fetched says so, and the other tabs keep working', async ({
  page,
}) => {
  await page.route(/\/assets\/ResultsPanel-[^/]*\.js$/, (route) => route.abort());
  await page.goto('/?demo=0');
  await expect(page.getByTestId('ingest.dropzone')).toBeVisible();
  await page.getByTestId('nav.results').click();
  await expect(page.getByTestId('tab.load-error')).toContainText('Reload the page');
  // The shell is still there: another lazy tab and the Data tab work.
  await page.getByTestId('nav.model').click();
  await expect(page.getByTestId('tab.load-error')).toHaveCount(0);
  await expect(page.getByTestId('model.summary.params')).toContainText('8.76 M');
  await page.getByTestId('nav.data').click();
  await expect(page.getByTestId('ingest.dropzone')).toBeVisible();
});
