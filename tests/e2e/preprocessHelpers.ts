/**
 * Helpers shared by the preprocessing e2e specs (preprocess.spec.ts, preprocess-bench.spec.ts):
 * opening the app for preprocessing and importing videos through the test API.
 */
import type { Page } from '@playwright/test';
import { DIR } from './preprocessVideos';

/** Opens the app. Preprocessing needs storage and workers, not the compute backend. */
export async function open(page: Page): Promise<void> {
  await page.goto('/');
  await page.waitForFunction(
    () => window.__fer !== undefined && window.__ferPreprocess !== undefined,
  );
}

/** Imports files as a dataset through the test API; returns its id. */
export async function importVideos(page: Page, names: string[], layout: string): Promise<string> {
  await page.getByTestId('testapi.files').setInputFiles(names.map((n) => `${DIR}/${n}`));
  const id = await page.evaluate(async (l) => {
    const fer = window.__fer;
    if (!fer) throw new Error('no test API');
    await fer.planFromTestInput('files', { layout: l as 'unlabelled-video', name: `pp-${l}` });
    return (await fer.commitPlan()).datasetId;
  }, layout);
  return id;
}
