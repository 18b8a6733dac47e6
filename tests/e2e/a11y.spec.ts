/**
 * Accessibility (issue #7): axe-core finds no WCAG 2 A/AA violation on any tab (the Data tab
 * with a small preprocessed dataset, its item viewer and the frame inspector open; Model;
 * Train; Results; Compare; Inference; the settings open), in the light and the dark theme, at
 * 1280x720 and 1920x1080; no tab overflows the page horizontally and the key controls are in
 * view; the theme setting changes the page's colours and is kept over a reload.
 * See docs/accessibility.md.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openWithHooks } from './appHooks';

test.describe.configure({ mode: 'serial' });

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const THEMES = ['light', 'dark'] as const;
const VIEWS = ['data', 'model', 'train', 'results', 'compare', 'inference'] as const;

let page: Page;

/**
 * Runs axe on the page; returns one line per violation (rule, impact, targets). Colour
 * contrast depends on the theme, not the window size, and is the slow rule on the chart-heavy
 * views: it runs at the first size only (in both themes).
 */
async function violations(p: Page, contrast: boolean): Promise<string[]> {
  const axe = new AxeBuilder({ page: p }).withTags(TAGS);
  const r = await (contrast ? axe : axe.disableRules(['color-contrast'])).analyze();
  return r.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? ''}, ${v.nodes.length}): ${v.help} — ` +
      v.nodes
        .slice(0, 4)
        .map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`)
        .join(' | '),
  );
}

async function setTheme(p: Page, theme: 'system' | 'light' | 'dark'): Promise<void> {
  await p.getByTestId('settings.theme').selectOption(theme);
  if (theme !== 'system') await expect(p.locator('html')).toHaveAttribute('data-theme', theme);
}

async function openView(p: Page, v: (typeof VIEWS)[number]): Promise<void> {
  await p.getByTestId(`nav.${v}`).click();
  await expect(p.getByTestId(`nav.${v}`)).toHaveAttribute('aria-selected', 'true');
  if (v === 'data') {
    await expect(p.getByTestId('browser.item').first()).toBeVisible();
    if ((await p.getByTestId('viewer').count()) === 0)
      await p.getByTestId('browser.item').first().getByRole('button').click();
    await expect(p.getByTestId('inspector')).toBeVisible();
  }
  if (v === 'model') await expect(p.getByTestId('model.summary.params')).toBeVisible();
  if (v === 'train') await expect(p.getByTestId('train.form')).toBeVisible();
  if (v === 'results') await expect(p.getByTestId('results')).toHaveAttribute('data-run-id', /./);
}

/** No horizontal page overflow; the tabs and the theme setting lie inside the viewport. */
async function checkLayout(p: Page, where: string): Promise<void> {
  const { scrollWidth, width } = await p.evaluate(() => ({
    scrollWidth: document.scrollingElement?.scrollWidth ?? Infinity,
    width: window.innerWidth,
  }));
  expect(scrollWidth, `${where}: page wider than the window`).toBeLessThanOrEqual(width);
  const size = p.viewportSize();
  if (!size) throw new Error('no viewport');
  for (const id of [...VIEWS.map((v) => `nav.${v}`), 'settings.theme', 'settings.backend']) {
    const box = await p.getByTestId(id).boundingBox();
    expect(box, `${where}: ${id} not shown`).not.toBeNull();
    if (!box) continue;
    expect(box.x, `${where}: ${id}`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${where}: ${id}`).toBeLessThanOrEqual(size.width);
    expect(box.y + box.height, `${where}: ${id}`).toBeLessThanOrEqual(size.height);
  }
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  page = await (await browser.newContext()).newPage();
  await openWithHooks(page, '?demo=0');
  const t0 = Date.now();
  // A small demo dataset (7 classes x 1 train + 1 validation clip of 4 frames), preprocessed
  // at 64 px, and a one-epoch tiny run on it, so that Train, Results and Compare show a run.
  const runId = await page.evaluate(async () => {
    const demo = window.__ferDemo;
    const pre = window.__ferPreprocess;
    const train = window.__ferTrain;
    if (!demo || !pre || !train) throw new Error('hooks missing');
    const stored = await demo.store({
      seed: 5,
      counts: { trainPerClass: 1, valPerClass: 1, testPerClass: 0, pool: 0, frames: 4 },
    });
    await pre.run(stored.datasetId, { crop: { size: 64 }, minFramesPerVideo: 4 });
    const id = await train.start(
      { preset: 'tiny', seed: 1, optim: { epochs: 1 }, noisyStudent: { iterations: 0 } },
      stored.datasetId,
      'a11y',
    );
    return (await train.wait(id)).status;
  });
  console.log(
    `a11y: dataset and run (${runId}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  await openWithHooks(page, '?demo=0');
});

test.afterAll(async () => {
  await page.context().close();
});

test('axe finds no WCAG A/AA violation on any tab, in both themes, at both sizes', async () => {
  test.setTimeout(300_000);
  const found: string[] = [];
  for (const theme of THEMES)
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await setTheme(page, theme);
      for (const v of VIEWS) {
        await openView(page, v);
        await checkLayout(page, `${theme} ${size.width}x${size.height} ${v}`);
        for (const line of await violations(page, size.width === 1280))
          found.push(`${theme} ${size.width}x${size.height} ${v}: ${line}`);
      }
      // The settings, open.
      const settings = page.getByTestId('settings.backend');
      await settings.locator('summary').click();
      await expect(settings).toHaveAttribute('open', '');
      for (const line of await violations(page, size.width === 1280))
        found.push(`${theme} ${size.width}x${size.height} settings: ${line}`);
      await settings.locator('summary').click();
    }
  console.log(found.join('\n'));
  expect(found).toEqual([]);
});

test('the theme setting switches the colours, is kept over a reload, and System follows the OS', async () => {
  const colours = () =>
    page.evaluate(() => {
      const b = getComputedStyle(document.body);
      return { bg: b.backgroundColor, fg: b.color };
    });
  await page.setViewportSize(SIZES[0]);
  await setTheme(page, 'light');
  const light = await colours();
  await setTheme(page, 'dark');
  const dark = await colours();
  expect(dark.bg).not.toBe(light.bg);
  expect(dark.fg).not.toBe(light.fg);
  expect(light).toEqual({ bg: 'rgb(250, 250, 250)', fg: 'rgb(26, 32, 44)' });
  await openWithHooks(page, '?demo=0');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('settings.theme')).toHaveValue('dark');
  expect(await colours()).toEqual(dark);
  await setTheme(page, 'system');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await colours()).toEqual(dark);
  await page.emulateMedia({ colorScheme: null });
});
