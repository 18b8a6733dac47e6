/**
 * Saving one screenshot of the viewport (1280x800, never a full page): an optional element is
 * scrolled to the top first, so each picture shows what its step is about.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';

export interface ShotRequest {
  /** `01`…`10`: the file name's prefix and the README's order. */
  id: string;
  /** The rest of the file name, e.g. `data-tab`. */
  name: string;
  page: Page;
  /** Scrolled to the top of the viewport before the picture (with `offset` px above it). */
  top?: Locator;
  offset?: number;
  /** 'end': `top`'s bottom edge goes to the viewport's bottom instead (`offset` px below it). */
  align?: 'start' | 'end';
}

export type Shot = (req: ShotRequest) => Promise<void>;

export interface ShotWriter {
  shot: Shot;
  saved: () => { file: string; bytes: number }[];
  totalBytes: () => number;
}

/** Scrolls `el` to `offset` px inside the viewport's top (or bottom) edge. */
export async function scrollTo(el: Locator, offset = 8, align: 'start' | 'end' = 'start') {
  await el.evaluate(
    (e, { off, block }) => {
      e.scrollIntoView({ block });
      window.scrollBy(0, block === 'start' ? -off : off);
    },
    { off: offset, block: align },
  );
}

const twoFrames = (): Promise<void> =>
  new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

/**
 * Writes `<id>-<name>.png` under `dir`; with `only`, other ids are passed over. `fullPage`
 * (for reviewing where things are, not for the README) takes the whole page instead.
 */
export function shotWriter(dir: string, only: Set<string> | null, fullPage = false): ShotWriter {
  const saved: { file: string; bytes: number }[] = [];
  const shot: Shot = async ({ id, name, page, top, offset, align }) => {
    if (only && !only.has(id)) return;
    // No focus ring on the last field typed into.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    if (top) {
      // Twice: images that decode after the first scroll can move what is above `top`.
      await scrollTo(top, offset, align);
      await page.evaluate(twoFrames);
      await scrollTo(top, offset, align);
    } else await page.evaluate(() => window.scrollTo(0, 0));
    await page.evaluate(twoFrames);
    const png = await page.screenshot({
      type: 'png',
      animations: 'disabled',
      caret: 'hide',
      fullPage,
    });
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${id}-${name}.png`);
    await writeFile(file, png);
    saved.push({ file, bytes: png.length });
  };
  return {
    shot,
    saved: () => saved,
    totalBytes: () => saved.reduce((n, s) => n + s.bytes, 0),
  };
}
