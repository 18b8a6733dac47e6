import { mkdir } from 'node:fs/promises';
import { KERNELS_PARAM, type KernelMode } from '../../src/model/kernelModes';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import type { BackendInfo, CliFerMethod, CliWindow } from './api';
import { BACKEND_PARAM } from './api';
import { CliError, EXIT } from './args';
import { chromiumPath, launchArgs } from './chromium';
import { startStaticServer, type StaticServer } from './server';

/**
 * The name the browser uses for the app. IndexedDB belongs to an origin, and an origin
 * includes the port: serving on a fresh free port each run would hide the stored data. So
 * Chromium maps this fixed name to whatever port the server got (--host-resolver-rules),
 * and the origin is always `http://fer-workbench.localhost`. `*.localhost` is a secure
 * context, as WebGPU and cross-origin isolation need.
 */
export const APP_HOST = 'fer-workbench.localhost';
export const APP_ORIGIN = `http://${APP_HOST}`;

export interface OpenAppOptions {
  distDir: string;
  profile: string;
  gpu: boolean;
  backend: BackendInfo['name'] | null;
  /** The kernel mode for this page (`?kernels=`); null: the app's setting. */
  kernels?: KernelMode | null;
  verbose: boolean;
  startupTimeoutSec: number;
  /** Test-API methods the command will call; missing ones fail early with a clear message. */
  requiredMethods: readonly CliFerMethod[];
  /** Path to load instead of the app's root (tests). */
  path?: string;
  /** Wait for window.__fer and call ready() (default true). */
  waitForApi?: boolean;
}

export interface AppSession {
  page: Page;
  context: BrowserContext;
  server: StaticServer;
  /** What the app picked, after ready(); null when waitForApi was false. */
  backend: BackendInfo | null;
  /** Seconds from launch to ready. */
  startupSec: number;
  close: () => Promise<void>;
}

/** The message of an error thrown inside the page, without Playwright's wrapping. */
export function pageErrorMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  const firstLine = raw.replace(/^\w+\.\w+: /, '').split('\n')[0] ?? raw;
  return firstLine.replace(/^Error: /, '').trim();
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

async function launch(opts: OpenAppOptions, port: number): Promise<BrowserContext> {
  await mkdir(opts.profile, { recursive: true });
  try {
    return await chromium.launchPersistentContext(opts.profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: launchArgs({
        gpu: opts.gpu,
        extra: [`--host-resolver-rules=MAP ${APP_HOST} 127.0.0.1:${port}`],
      }),
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/ProcessSingleton|SingletonLock|profile.*in use|already in use/i.test(msg))
      throw new CliError(
        `The profile ${opts.profile} is in use by another browser (another fer-workbench ` +
          `command still running?). Wait for it, or pass a different --profile.`,
        EXIT.usage,
      );
    if (/ENOENT|Failed to launch|executable doesn't exist/i.test(msg))
      throw new CliError(
        `Could not start Chromium at ${chromiumPath()} (set CHROMIUM_PATH): ${msg.split('\n')[0] ?? msg}`,
        EXIT.usage,
      );
    throw new CliError(`Could not start Chromium: ${msg.split('\n')[0] ?? msg}`, EXIT.usage);
  }
}

/**
 * Serves `distDir`, opens it in headless Chromium with the persistent `profile`, waits for
 * the test API and its `ready()`, and checks that the methods the command needs exist.
 */
export async function openApp(opts: OpenAppOptions): Promise<AppSession> {
  const t0 = performance.now();
  const server = await startStaticServer({ root: opts.distDir });
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close().catch(() => undefined);
    await server.close();
  };
  try {
    context = await launch(opts, server.port);
    const page = context.pages()[0] ?? (await context.newPage());
    const recent: string[] = [];
    const report = (line: string): void => {
      recent.push(line);
      if (recent.length > 5) recent.shift();
      if (opts.verbose) process.stderr.write(`${line}\n`);
    };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') report(`[app ${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => {
      report(`[app page error] ${e.message}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) report(`[app http ${r.status()}] ${r.url()}`);
    });
    const recentText = (): string =>
      recent.length > 0 ? `\nRecent app errors:\n  ${recent.join('\n  ')}` : '';

    const url = new URL(opts.path ?? '/', APP_ORIGIN);
    if (opts.backend !== null) url.searchParams.set(BACKEND_PARAM, opts.backend);
    if (opts.kernels) url.searchParams.set(KERNELS_PARAM, opts.kernels);
    await page.goto(url.href);

    let backend: BackendInfo | null = null;
    if (opts.waitForApi ?? true) {
      const ms = opts.startupTimeoutSec * 1000;
      try {
        await page.waitForFunction(() => (window as CliWindow).__fer !== undefined, null, {
          timeout: ms,
        });
      } catch {
        throw new CliError(
          `The app in ${opts.distDir} did not install its test API (window.__fer) within ` +
            `${opts.startupTimeoutSec} s. Is that folder a current automation build of FER Workbench ` +
            `(vite build --mode automation; the production build has no test API)? ` +
            `Try --build.${recentText()}`,
          EXIT.usage,
        );
      }
      const missing = await page.evaluate(
        (names) => {
          const api = (window as CliWindow).__fer ?? {};
          return names.filter((n) => typeof api[n] !== 'function');
        },
        [...new Set<CliFerMethod>(['ready', 'backend', ...opts.requiredMethods])],
      );
      if (missing.length > 0)
        throw new CliError(
          `The app's test API lacks ${missing.join(', ')}: the build in ${opts.distDir} is ` +
            `older or newer than this CLI. Rebuild with --build (or update the CLI).`,
          EXIT.usage,
        );
      try {
        await withTimeout(
          page.evaluate(async () => {
            await (window as CliWindow).__fer?.ready?.();
          }),
          ms,
          () =>
            new CliError(
              `The app did not become ready within ${opts.startupTimeoutSec} s.${recentText()}`,
              EXIT.appFailure,
            ),
        );
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(
          `The app failed to start: ${pageErrorMessage(e)}${recentText()}`,
          EXIT.appFailure,
        );
      }
      backend = await page.evaluate(() => (window as CliWindow).__fer?.backend?.() ?? null);
      if (opts.gpu && backend?.adapter?.isFallbackAdapter)
        process.stderr.write(
          `warning: --gpu was given but WebGPU runs on a fallback adapter ` +
            `(${backend.adapter.architecture}); this machine's GPU is not used.\n`,
        );
    }
    return {
      page,
      context,
      server,
      backend,
      startupSec: (performance.now() - t0) / 1000,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
