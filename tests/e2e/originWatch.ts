import type { BrowserContext, Page } from '@playwright/test';
import { CSP_REPORT_PATH } from '../../scripts/lib/securityHeaders';

/**
 * Everything a browser context asks for, to assert nothing leaves the served origin
 * (docs/security.md). Requests are taken from the context, so those of dedicated workers and
 * service workers count too; WebSockets from each page. Content-Security-Policy violations
 * come from the policy's report-uri, which the page and every worker (nested ones included,
 * which Playwright's console events do not reach) POST to our server: the server lists what it
 * received on a GET of the same path (a route cannot catch them all: a worker that violates
 * as it starts reports before Playwright intercepts its requests). The page's console
 * messages about the policy count too.
 */
export interface OriginWatch {
  readonly origin: string;
  /** Every request URL, in order (blob: and data: included). */
  readonly requests: string[];
  /** Every WebSocket URL opened by a page of the context. */
  readonly websockets: string[];
  /** One line per violation seen in a console (see `violations()` for all of them). */
  readonly consoleViolations: string[];
  /** Every violation since the watch began: the server's reports, then console messages. */
  violations: () => Promise<string[]>;
  /** The requests and WebSockets that are neither on `origin` nor blob:/data: of it. */
  offOrigin: () => string[];
}

/** True for a URL on `origin` (`http://host:port`), a blob: URL made by it, or a data: URL. */
export function onOrigin(url: string, origin: string): boolean {
  if (url.startsWith('data:')) return true;
  if (url.startsWith('blob:')) return url.startsWith(`blob:${origin}/`);
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** Starts recording on `context`; call before its first page opens. */
export async function watchOrigin(context: BrowserContext, origin: string): Promise<OriginWatch> {
  const requests: string[] = [];
  const websockets: string[] = [];
  const consoleViolations: string[] = [];
  const reportsUrl = `${origin}${CSP_REPORT_PATH}`;
  const serverReports = async (): Promise<string[]> => {
    const res = await fetch(reportsUrl, { cache: 'no-store' });
    if (!res.ok)
      throw new Error(`${reportsUrl}: HTTP ${res.status} (does the server take reports?)`);
    return (await res.json()) as string[];
  };
  // The server keeps every report it got; this watch counts from here (specs run one at a time).
  const before = (await serverReports()).length;
  context.on('request', (r) => {
    requests.push(r.url());
  });
  const onPage = (page: Page): void => {
    page.on('websocket', (ws) => websockets.push(ws.url()));
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
  context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) consoleViolations.push(`console: ${m.text()}`);
  });
  return {
    origin,
    requests,
    websockets,
    consoleViolations,
    violations: async () => [...(await serverReports()).slice(before), ...consoleViolations],
    offOrigin: () =>
      [...requests, ...websockets.map((u) => `websocket ${u}`)].filter(
        (u) => !onOrigin(u.replace(/^websocket /, ''), origin),
      ),
  };
}
