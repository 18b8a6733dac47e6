import { expect, type JSHandle, type Locator, type Page } from '@playwright/test';

/** Page object for the workbench's dataset screens. */
export class Workbench {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/');
    // The hooks are their own chunk, installed after the page has loaded (src/main.tsx).
    await this.page.waitForFunction(() => window.__fer !== undefined);
    await this.page.evaluate(() => window.__fer?.ready());
  }

  /** Picks a folder through the "Choose a folder…" input (webkitdirectory), as a user would. */
  async chooseFolder(path: string): Promise<void> {
    await this.page.getByTestId('ingest.folder-input').setInputFiles(path);
    await expect(this.review).toBeVisible({ timeout: 60_000 });
  }

  async chooseFiles(paths: string[]): Promise<void> {
    await this.page.getByTestId('ingest.files-input').setInputFiles(paths);
    await expect(this.review).toBeVisible({ timeout: 60_000 });
  }

  /** Drops files on the drop zone as a drag from the desktop would (a DataTransfer of Files). */
  async dropFiles(files: { name: string; bytes: number[]; type: string }[]): Promise<void> {
    const dt = await this.page.evaluateHandle((list) => {
      const t = new DataTransfer();
      for (const f of list)
        t.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      return t;
    }, files);
    await this.drop(dt);
  }

  /** Drops `names.length` copies of one file's bytes (sent to the page once). */
  async dropCopies(bytes: number[], names: string[], type: string): Promise<void> {
    const dt = await this.page.evaluateHandle(
      (arg) => {
        const data = new Uint8Array(arg.bytes);
        const t = new DataTransfer();
        for (const name of arg.names) t.items.add(new File([data], name, { type: arg.type }));
        return t;
      },
      { bytes, names, type },
    );
    await this.drop(dt);
  }

  private async drop(dt: JSHandle<DataTransfer>): Promise<void> {
    await this.page.getByTestId('ingest.dropzone').dispatchEvent('drop', { dataTransfer: dt });
    await expect(this.review).toBeVisible({ timeout: 60_000 });
  }

  get review(): Locator {
    return this.page.getByTestId('import.review');
  }

  reviewValue(
    name: 'layout' | 'items' | 'files' | 'bytes' | 'duration' | 'splits' | 'problem-count',
  ): Locator {
    return this.page.getByTestId(`import.${name}`);
  }

  /** Raw label -> count as the review table shows it. */
  async reviewClassCounts(): Promise<Record<string, number>> {
    const rows = this.page.getByTestId('import.class-row');
    const out: Record<string, number> = {};
    for (const row of await rows.all()) {
      const raw = (await row.getAttribute('data-raw')) ?? '';
      out[raw] = Number(await row.getByTestId('import.class-count').innerText());
    }
    return out;
  }

  /** Problem code per file path, as listed. */
  async problems(testId = 'import.problems'): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const li of await this.page.getByTestId(`${testId}.item`).all()) {
      out[(await li.getAttribute('data-path')) ?? ''] = (await li.getAttribute('data-code')) ?? '';
    }
    return out;
  }

  async commit(): Promise<Locator> {
    await this.page.getByTestId('import.commit').click();
    const result = this.page.getByTestId('import.result');
    await expect(result).toBeVisible({ timeout: 60_000 });
    return result;
  }

  dataset(name: string): Locator {
    return this.page.locator(`[data-testid="datasets.row"][data-name="${name}"]`);
  }

  /** Raw label -> count of a stored dataset, as its row shows it. */
  async datasetClassCounts(name: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const li of await this.dataset(name).getByTestId('datasets.class').all()) {
      out[(await li.getAttribute('data-raw')) ?? ''] = Number(await li.getAttribute('data-count'));
    }
    return out;
  }

  async deleteDataset(name: string): Promise<void> {
    this.page.once('dialog', (d) => void d.accept());
    await this.dataset(name).getByTestId('datasets.delete').click();
    await expect(this.dataset(name)).toHaveCount(0);
  }

  /** Counts records in one IndexedDB store, read directly (not through the app). */
  async countStore(store: string): Promise<number> {
    return this.page.evaluate(
      (name) =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('fer-workbench');
          open.onerror = () => reject(new Error(String(open.error)));
          open.onsuccess = () => {
            const req = open.result.transaction(name).objectStore(name).count();
            req.onsuccess = () => {
              resolve(req.result);
              open.result.close();
            };
            req.onerror = () => reject(new Error(String(req.error)));
          };
        }),
      store,
    );
  }
}
