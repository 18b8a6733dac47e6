/**
 * Import throughput: `npm run bench:import` builds the ~100 MB AFEW-style fixture folder,
 * then imports it through the app's own code in headless Chromium (the headless runner's
 * browser and server) and prints MB/s for planning+probing and for storing, with the JS heap
 * sampled throughout. Numbers go to docs/benchmarks.md by hand, with the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApp } from './lib/browser';
import { REPO_ROOT, runBuild } from './lib/build';
import type { CliWindow } from './lib/api';

const MB = 1e6;

async function main(): Promise<void> {
  const fixtures = path.join(REPO_ROOT, 'tests/fixtures/generated');
  execFileSync('npx', ['tsx', 'tests/fixtures/make-fixtures.ts', fixtures, '--big'], {
    stdio: 'inherit',
  });
  const folder = path.join(fixtures, 'afew-big');
  const distDir = path.join(tmpdir(), 'fer-bench-dist');
  await runBuild(distDir, false);
  const profile = await mkdtemp(path.join(tmpdir(), 'fer-bench-profile-'));
  const session = await openApp({
    distDir,
    profile,
    gpu: false,
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

    const mb = summary.totalBytes / MB;
    const planSec = (t1 - t0) / 1000;
    const storeSec = (t2 - t1) / 1000;
    const rows: [string, string][] = [
      ['files', String(summary.fileCount)],
      ['size', `${mb.toFixed(1)} MB`],
      ['video duration', `${(summary.totalDurationSec ?? 0).toFixed(1)} s`],
      ['plan + probe', `${planSec.toFixed(2)} s (${(mb / planSec).toFixed(1)} MB/s)`],
      ['store (IndexedDB)', `${storeSec.toFixed(2)} s (${(mb / storeSec).toFixed(1)} MB/s)`],
      [
        'whole import',
        `${(planSec + storeSec).toFixed(2)} s (${(mb / (planSec + storeSec)).toFixed(1)} MB/s)`,
      ],
      ['status', `${result.status}, ${result.storedItems} items`],
      [
        'JS heap before / peak / after',
        `${(heapBefore / MB).toFixed(1)} / ${(peakHeap / MB).toFixed(1)} / ${(heapAfter / MB).toFixed(1)} MB`,
      ],
      ['backend', session.backend?.name ?? 'unknown'],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    await session.close();
    await rm(profile, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
