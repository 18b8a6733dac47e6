import type { BrowserContext, Page } from '@playwright/test';
import { CSP_REPORT_PATH, cspReportSummary } from '../../scripts/lib/securityHeaders';

/**
 * Everything a browser context asks for, to assert nothing leaves the served origin
 * (docs/security.md). Requests are taken from the context, so those of dedicated workers and
 * service workers count too; WebSockets from each page. Content-Security-Policy violations
 * come from the policy's report-uri (sent by the page and every worker, nested ones included,
 * which Playwright's console events do not reach) and from the page's console.
 */
export interface OriginWatch {
  readonly origin: string;
  /** Every request URL, in order (blob: and data: included). */
  readonly requests: string[];
  /** Every WebSocket URL opened by a page of the context. */
  readonly websockets: string[];
  /** One line per violation (report or console message). */
  readonly violations: string[];
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
  const violations: string[] = [];
  context.on('request', (r) => {
    requests.push(r.url());
  });
  const onPage = (page: Page): void => {
    page.on('websocket', (ws) => websockets.push(ws.url()));
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
  context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
  });
  // The report is answered here (it never needs the server) and kept.
  await context.route(`${origin}${CSP_REPORT_PATH}`, async (route) => {
    violations.push(cspReportSummary(route.request().postData() ?? ''));
    await route.fulfill({ status: 204 });
  });
  return {
    origin,
    requests,
    websockets,
    violations,
    offOrigin: () =>
      [...requests, ...websockets.map((u) => `websocket ${u}`)].filter(
        (u) => !onOrigin(u.replace(/^websocket /, ''), origin),
      ),
  };
}
