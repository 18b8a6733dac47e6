/**
 * The I/O of `npm run bench:first-load`: builds the production app at a git ref (a temporary
 * `git worktree`, sharing this checkout's node_modules) and from the working tree, serves each
 * with `vite preview` (this tree's vite.config.ts: the same COOP/COEP and CSP headers), and
 * loads each in headless Chromium (scripts/lib/chromium.ts flags), alternating, in a fresh
 * browser context per load (empty HTTP cache; service workers blocked, as under automation
 * the app does not register one).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { preview, type PreviewServer } from 'vite';
import { chromiumPath, launchArgs } from '../lib/chromium';
import {
  probeScript,
  runOrder,
  type Build,
  type FirstLoadOptions,
  type LoadSample,
  type Probe,
} from './firstLoad';

const repo = path.resolve(import.meta.dirname, '../..');

function run(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? 'signal'})`);
  }
  return r.stdout.trim();
}

function viteBuild(cwd: string, outDir: string): void {
  run('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], cwd);
}

export interface BuiltPair {
  beforeDir: string;
  afterDir: string;
  /** Short commit hashes; the after one gets "+changes" when the tree is not clean. */
  beforeCommit: string;
  afterCommit: string;
  cleanup(): void;
}

/** Builds `beforeRef` in a temporary worktree and the working tree, each into a temp folder. */
export function buildPair(beforeRef: string): BuiltPair {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-first-load-'));
  const tree = path.join(tmp, 'before-tree');
  const beforeCommit = run('git', ['rev-parse', '--short', beforeRef], repo);
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no'], repo) !== '';
  const afterCommit =
    run('git', ['rev-parse', '--short', 'HEAD'], repo) + (dirty ? '+changes' : '');
  const cleanup = (): void => {
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: repo, stdio: 'ignore' });
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    run('git', ['worktree', 'add', '--detach', tree, beforeRef], repo);
    symlinkSync(realpathSync(path.join(repo, 'node_modules')), path.join(tree, 'node_modules'));
    const beforeDir = path.join(tmp, 'before');
    const afterDir = path.join(tmp, 'after');
    console.error(`building before (${beforeCommit})…`);
    viteBuild(tree, beforeDir);
    console.error(`building after (${afterCommit})…`);
    viteBuild(repo, afterDir);
    return { beforeDir, afterDir, beforeCommit, afterCommit, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

async function serve(outDir: string): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({
    root: repo,
    configFile: path.join(repo, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir },
    // Port 0: any free port, so the bench never collides with a running e2e server.
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const address = server.httpServer.address() as AddressInfo | null;
  if (!address) throw new Error('vite preview is not listening');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

async function loadOnce(
  browser: Browser,
  url: string,
  build: Build,
  timeoutMs: number,
): Promise<LoadSample> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.addInitScript(probeScript());
    await page.goto(url);
    // Functions without inner named functions: tsx would wrap those in a helper (__name) the
    // page lacks, and the CSP forbids string predicates.
    await page.waitForFunction(
      () => {
        const p = (window as { __firstLoadProbe?: Probe }).__firstLoadProbe;
        return p !== undefined && p.interactive !== null && p.backendReady !== null;
      },
      null,
      { timeout: timeoutMs },
    );
    const sample = await page.evaluate(() => {
      const p = (window as { __firstLoadProbe?: Probe }).__firstLoadProbe;
      if (!p) throw new Error('the first-load probe is missing');
      return p.sample();
    });
    return { build, ...sample };
  } finally {
    await context.close();
  }
}

export interface FirstLoadResult {
  samples: LoadSample[];
  beforeCommit: string;
  afterCommit: string;
  chromium: string;
}

export async function runFirstLoadBench(opts: FirstLoadOptions): Promise<FirstLoadResult> {
  const pair = buildPair(opts.before);
  const servers: PreviewServer[] = [];
  let browser: Browser | null = null;
  try {
    const before = await serve(pair.beforeDir);
    servers.push(before.server);
    const after = await serve(pair.afterDir);
    servers.push(after.server);
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: launchArgs({ gpu: false }),
    });
    const urls: Record<Build, string> = { before: before.url, after: after.url };
    // One unmeasured load each: the OS file cache and Chromium's own start-up, not the app.
    for (const b of ['before', 'after'] as const)
      await loadOnce(browser, urls[b], b, opts.timeoutMs);
    const samples: LoadSample[] = [];
    for (const b of runOrder(opts.runs)) {
      const s = await loadOnce(browser, urls[b], b, opts.timeoutMs);
      console.error(
        `${b.padEnd(6)} FP ${s.firstPaint?.toFixed(0) ?? '-'} ms, FCP ${s.firstContentfulPaint?.toFixed(0) ?? '-'} ms, ` +
          `interactive ${s.interactive.toFixed(0)} ms, backend ${s.backendReady.toFixed(0)} ms, ` +
          `JS ${(s.jsBytesInteractive / 2 ** 20).toFixed(2)} / ${(s.jsBytesTotal / 2 ** 20).toFixed(2)} MiB`,
      );
      samples.push(s);
    }
    return {
      samples,
      beforeCommit: pair.beforeCommit,
      afterCommit: pair.afterCommit,
      chromium: browser.version(),
    };
  } finally {
    await browser?.close();
    for (const s of servers) await s.close();
    pair.cleanup();
  }
}
