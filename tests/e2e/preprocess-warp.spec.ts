import { expect, test } from '@playwright/test';

/**
 * The worker cuts crops with OffscreenCanvas (src/preprocess/canvasWarp.ts), not the JS warp
 * the unit tests run. Here the same code runs in Chromium: discs drawn at eye and mouth
 * positions must land where the crop affines send them (eyes at (0.2, 0.6) / (0.8, 0.6)),
 * within 1 px, also when the map shrinks (mipmapped smoothing).
 */
test('canvas crops put the landmarks where the affines send them, within 1 px', async ({
  page,
}) => {
  await page.goto('/?demo=0');
  await page.waitForFunction(() => window.__ferPreprocess !== undefined);
  const cases = await page.evaluate(() => window.__ferPreprocess?.canvasWarpProbe());
  expect(cases?.map((c) => c.name)).toEqual(['eyes, tilted', 'mouth', 'eyes, shrinking']);
  for (const c of cases ?? []) {
    expect(c.errorsPx).toHaveLength(2);
    for (const e of c.errorsPx) expect(e, c.name).toBeLessThan(1);
  }
});
