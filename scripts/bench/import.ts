/**
 * Import throughput, the body of `npm run bench:import` (scripts/bench-import.ts) and of the
 * import section of `npm run bench`: builds the ~100 MB AFEW-style fixture folder, imports it
 * through the app's own code in headless Chromium (the headless runner's browser and server,
 * a fresh profile) and times planning + probing and storing, sampling the JS heap.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliWindow } from '../lib/api';
import { openApp } from '../lib/browser';
import { REPO_ROOT, runBuild } from '../lib/build';

const MB = 1e6;

export interface ImportReport {
  folder: string;
  files: number;
  bytes: number;
  durationSec: number;
  planSec: number;
  storeSec: number;
  status: string;
  storedItems: number;
  heapBefore: number;
  heapPeak: number;
  heapAfter: number;
  backend: string;
}

export async function runImportBench(
  opts: { distDir?: string; gpu?: boolean } = {},
): Promise<ImportReport> {
  const fixtures = path.join(REPO_ROOT, 'tests/fixtures/generated');
  execFileSync('npx', ['tsx', 'tests/fixtures/make-fixtures.ts', fixtures, '--big'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const folder = path.join(fixtures, 'afew-big');
  const distDir = opts.distDir ?? path.join(tmpdir(), 'fer-bench-dist');
  if (opts.distDir === undefined || !existsSync(path.join(distDir, 'index.html')))
    await runBuild(distDir, false);
  const profile = await mkdtemp(path.join(tmpdir(), 'fer-bench-profile-'));
  const session = await openApp({
    distDir,
    profile,
    gpu: opts.gpu ?? false,
    backend: null,
    verbose: false,
    startupTimeoutSec: 60,
    requiredMethods: ['planFromTestInput', 'commitPlan'],
  });
  const { page } = session;
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    let peakHeap = 0;
    const sample = async (): Promise<number> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      peakHeap = Math.max(peakHeap, used);
      return used;
    };
    const heapBefore = await sample();
    const timer = setInterval(() => void sample().catch(() => undefined), 200);

    await page.getByTestId('testapi.folder').setInputFiles(folder);
    const t0 = performance.now();
    const summary = await page.evaluate(() =>
      (window as CliWindow).__fer?.planFromTestInput?.('folder'),
    );
    const t1 = performance.now();
    const result = await page.evaluate(() => (window as CliWindow).__fer?.commitPlan?.());
    const t2 = performance.now();
    clearInterval(timer);
    const heapAfter = await sample();
    if (!summary || !result) throw new Error('The app returned no summary/result.');
    return {
      folder: path.relative(REPO_ROOT, folder),
      files: summary.fileCount,
      bytes: summary.totalBytes,
      durationSec: summary.totalDurationSec ?? 0,
      planSec: (t1 - t0) / 1000,
      storeSec: (t2 - t1) / 1000,
      status: result.status,
      storedItems: result.storedItems,
      heapBefore,
      heapPeak: peakHeap,
      heapAfter,
      backend: session.backend?.name ?? 'unknown',
    };
  } finally {
    await session.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** What bench:import prints: [what, result] pairs. */
export function importRows(r: ImportReport): [string, string][] {
  const mb = r.bytes / MB;
  const total = r.planSec + r.storeSec;
  const rate = (sec: number): string =>
    `${(mb / sec).toFixed(1)} MB/s, ${(r.files / sec).toFixed(1)} files/s`;
  return [
    ['files', `${r.files} (${mb.toFixed(1)} MB, ${r.durationSec.toFixed(1)} s of video)`],
    ['plan + probe', `${r.planSec.toFixed(2)} s (${rate(r.planSec)})`],
    ['store (IndexedDB)', `${r.storeSec.toFixed(2)} s (${rate(r.storeSec)})`],
    ['whole import', `${total.toFixed(2)} s (${rate(total)})`],
    ['status', `${r.status}, ${r.storedItems} items`],
    [
      'JS heap before / peak / after',
      `${(r.heapBefore / MB).toFixed(1)} / ${(r.heapPeak / MB).toFixed(1)} / ${(r.heapAfter / MB).toFixed(1)} MB`,
    ],
    ['backend', r.backend],
  ];
}
