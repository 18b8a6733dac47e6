/**
 * Keyboard use (issue #7): Tab reaches every control of the shell and of a tab's form, each
 * with a visible focus outline; the tab bar follows the ARIA tabs pattern (one tab stop, arrow
 * keys, Home/End move the focus, Enter or Space select). See docs/accessibility.md.
 */
import { expect, test, type Page } from '@playwright/test';
import { openWithHooks } from './appHooks';

/** The focused element's test id (or tag and name) and whether its focus outline shows. */
async function focused(page: Page): Promise<{ id: string; outline: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { id: 'body', outline: false };
    el.setAttribute('data-kb-seen', '');
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    const id =
      el.getAttribute('data-testid') ??
      (el.closest('[data-testid]')?.getAttribute('data-testid') ?? '') +
        ` ${el.tagName.toLowerCase()}`;
    return { id, outline };
  });
}

/**
 * Presses Tab from the top of the page (or, with `from`, from that control) until the focus
 * leaves the page or comes back to the first stop; returns the stops in order.
 */
async function tabWalk(page: Page, from?: string, max = 80): Promise<string[]> {
  await page.evaluate(() => {
    document.querySelectorAll('[data-kb-seen]').forEach((e) => e.removeAttribute('data-kb-seen'));
  });
  const stops: string[] = [];
  if (from) {
    await page.getByTestId(from).focus();
    stops.push((await focused(page)).id);
  }
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.id === 'body' || stops[0] === f.id) break;
    expect(f.outline, `no focus outline on ${f.id}`).toBe(true);
    stops.push(f.id);
  }
  return stops;
}

/** Visible, enabled controls the walk did not reach (closed <details> and inactive tabs aside). */
async function unreached(page: Page): Promise<string[]> {
  return page.evaluate((): string[] =>
    Array.from(
      document.querySelectorAll<HTMLElement>(
        'button, select, input, textarea, summary, a[href], [tabindex]',
      ),
    )
      .filter(
        (e) =>
          e.checkVisibility() &&
          !e.hasAttribute('data-kb-seen') &&
          !(e as HTMLButtonElement).disabled &&
          e.tabIndex >= 0 &&
          e.getAttribute('role') !== 'tab',
      )
      .map((e) => e.outerHTML.slice(0, 120)),
  );
}

test('Tab reaches the shell and a form with a visible focus; the tab bar works by keyboard', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openWithHooks(page, '?demo=0');
  await expect(page.getByTestId('ingest.layout')).toBeVisible();

  // The shell: the settings, then one stop for the tab bar (the selected tab), then the panel.
  const stops = await tabWalk(page);
  expect(stops.slice(0, 3)).toEqual(['settings.theme', 'settings.backend summary', 'nav.data']);
  expect(stops).toContain('ingest.layout');
  expect(stops.filter((s) => s.startsWith('nav.'))).toEqual(['nav.data']);
  expect(await unreached(page)).toEqual([]);

  // Arrow keys move the focus along the tabs (wrapping); Enter and Space select.
  const tab = (v: string) => page.getByTestId(`nav.${v}`);
  await tab('data').focus();
  await page.keyboard.press('ArrowRight');
  await expect(tab('model')).toBeFocused();
  await expect(tab('data')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(tab('model')).toHaveAttribute('aria-selected', 'true');
  await expect(tab('model')).toHaveAttribute('tabindex', '0');
  await expect(tab('data')).toHaveAttribute('tabindex', '-1');
  await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'tab-model');
  await expect(page.getByTestId('model.summary')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(tab('train')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(tab('train')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(tab('inference')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(tab('data')).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(tab('inference')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(tab('data')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(tab('model')).toHaveAttribute('aria-selected', 'true');

  // The Model tab's form: after the tab bar, Tab lands on its selects in order, and the
  // keyboard changes them.
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('model.summary.preset')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('model.summary.depth')).toBeFocused();
  await page.getByTestId('model.summary.depth').press('ArrowDown');
  await expect(page.getByTestId('model.summary.params')).toContainText('16.36 M');
  const modelStops = await tabWalk(page, 'settings.theme');
  expect(modelStops.slice(0, 5)).toEqual([
    'settings.theme',
    'settings.backend summary',
    'nav.model',
    'model.summary.preset',
    'model.summary.depth',
  ]);
  expect(await unreached(page)).toEqual([]);

  // The settings open from the keyboard, and their controls are in the walk.
  await page.getByTestId('settings.backend').locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('settings.backend')).toHaveAttribute('open', '');
  const settingsStops = await tabWalk(page, 'settings.theme');
  expect(settingsStops.slice(0, 6)).toEqual([
    'settings.theme',
    'settings.backend summary',
    'settings.backend-select',
    'settings.backend-measure',
    'settings.kernels-select',
    'nav.model',
  ]);
});
