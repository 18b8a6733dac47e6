import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './build';
import { harnessMarkers, scanForHarness } from './harnessScan';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('scanForHarness', () => {
  it('finds every marker in the harness itself (src/automation), so none is stale', async () => {
    const markers = await harnessMarkers();
    const found = new Set(
      (await scanForHarness(path.join(REPO_ROOT, 'src', 'automation'), markers)).map((f) => f.what),
    );
    expect(markers.filter((m) => !found.has(m.what)).map((m) => m.what)).toEqual([]);
  });

  it('names the file and what it carries; a clean folder gives nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fer-scan-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'index.js'), 'window.app = 1;');
    expect(await scanForHarness(dir)).toEqual([]);
    await writeFile(path.join(dir, 'hook.js'), 'window.__ferModel = {};');
    expect(await scanForHarness(dir)).toEqual([
      { file: 'hook.js', what: 'a window.__fer* test hook' },
    ]);
  });
});

/** Product files (not tests) under src/ and workers/, relative to the repository. */
async function productFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const top of ['src', 'workers']) {
    for (const e of await readdir(path.join(REPO_ROOT, top), { recursive: true })) {
      const rel = path.join(top, e);
      if (!/\.tsx?$/.test(rel) || /\.test\.tsx?$/.test(rel)) continue;
      if (rel.startsWith(path.join('src', 'automation') + path.sep)) continue;
      out.push(rel);
    }
  }
  return out;
}

describe('the product', () => {
  it('imports nothing from src/automation and installs no window.__fer* hook', async () => {
    const bad: string[] = [];
    for (const rel of await productFiles()) {
      const source = await readFile(path.join(REPO_ROOT, rel), 'utf8');
      for (const [, spec] of source.matchAll(/(?:from|import\(|new URL\()\s*'(\.[^']*)'/g)) {
        const target = path.relative(
          REPO_ROOT,
          path.resolve(REPO_ROOT, path.dirname(rel), spec ?? ''),
        );
        if (target.startsWith(path.join('src', 'automation'))) bad.push(`${rel} imports ${spec}`);
      }
      if (source.includes('__fer')) bad.push(`${rel} mentions __fer`);
    }
    expect(bad).toEqual([]);
  });
});
