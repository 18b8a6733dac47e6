/**
 * Builds the app (the automation build, with the `window.__fer*` hooks) into its own folder, serves it with `vite preview` and opens it in the
 * system Chromium with the flags of playwright.config.ts, for scripts that drive
 * `window.__ferModel` (bench:model). Nothing is downloaded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumPath, launchArgs } from '../lib/chromium';

export interface BenchSession {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export function buildApp(outDir: string): void {
  const r = spawnSync(
    'npx',
    ['vite', 'build', '--mode', 'automation', '--outDir', outDir, '--emptyOutDir'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? 'signal'})`);
}

async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error('vite preview exited');
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer in 30 s`);
}

export interface OpenBenchOptions {
  /** Runs before the app is loaded (e.g. to route fixture files). */
  beforeGoto?: (page: Page) => Promise<void>;
  /** The debug hook to wait for (default: the model hook). */
  hook?: '__ferModel' | '__ferFace';
  /** Query string for the page, e.g. '?wasmThreads=1'. */
  query?: string;
  /** Add the real-GPU flags (scripts/lib/chromium.ts gpuArgs), as the CLI's --gpu does. */
  gpu?: boolean;
}

/**
 * Serves a built app with `vite preview`, opens it in the system Chromium with the test
 * flags and waits for a debug hook. Shared by bench:model and the face-model benchmark.
 */
export async function openBenchApp(
  outDir: string,
  port: number,
  opts: OpenBenchOptions = {},
): Promise<BenchSession> {
  const server = spawn(
    'npx',
    [
      'vite',
      'preview',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
      '--outDir',
      outDir,
    ],
    { stdio: 'ignore', detached: true },
  );
  const url = `http://127.0.0.1:${port}/`;
  const stopServer = () => {
    if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  };
  try {
    await waitForServer(url, server);
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: launchArgs({ gpu: opts.gpu ?? false }),
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    await opts.beforeGoto?.(page);
    await page.goto(url + (opts.query ?? ''));
    await page.waitForFunction((hook) => hook in window, opts.hook ?? '__ferModel');
    return {
      browser,
      page,
      async close() {
        await browser.close();
        stopServer();
      },
    };
  } catch (e) {
    stopServer();
    throw e;
  }
}

/** Chromium's version string, e.g. "156.0.8078.108". */
export function browserVersion(session: BenchSession): string {
  return session.browser.version();
}
