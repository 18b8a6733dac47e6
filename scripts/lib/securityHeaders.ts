/**
 * The HTTP headers every server of the app sends (the Vite dev server, `vite preview` and the
 * headless runner's static server), defined once here. vite.config.ts also writes the policy
 * into the built index.html as a `<meta http-equiv="Content-Security-Policy">`, so a static host
 * that sends no headers still enforces it for the page (a meta policy does not reach workers,
 * and cannot carry frame-ancestors; the headers do). docs/security.md explains each directive.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer).
 * Cross-Origin-Resource-Policy is the runner's own: Vite's servers do not need it.
 */
export const isolationHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** What index.html's CSP <meta> holds until vite.config.ts fills in the policy. */
export const CSP_PLACEHOLDER = '__FER_CSP__';

/**
 * Where browsers POST a report of each violation (from the page and from every worker, nested
 * ones included). Our servers log them (`cspReportSummary`) and list the ones received so far
 * on a GET of the same path (the e2e tests read it: see `CspReports`).
 */
export const CSP_REPORT_PATH = '/__csp-report';

/** Reports larger than this are cut (a report is a few hundred bytes). */
export const CSP_REPORT_MAX_BYTES = 64 * 1024;

export type CspMode = 'build' | 'dev';
export type CspDelivery = 'header' | 'meta';

/**
 * The Content-Security-Policy, directive by directive. Only our own origin, plus:
 * - 'wasm-unsafe-eval': compiling WebAssembly (tfjs-backend-wasm, MediaPipe, ffmpeg.wasm);
 * - blob: for workers and scripts: tfjs-backend-wasm's threaded backend starts its pthread
 *   workers from a blob: URL and they importScripts() the backend's factory from another one;
 * - blob: images and media (crops, thumbnails and videos are shown from object URLs), and
 *   data: images (they make no request);
 * - fetch() of blob: and data: URLs (connect-src): reading back an object URL the app made
 *   (a generated demo frame, a crop) is no request either.
 * In dev only (`vite`, never a build): the React Refresh preamble is an inline script, Vite
 * injects CSS as <style> elements, and HMR talks over a WebSocket.
 */
export function cspDirectives(
  mode: CspMode = 'build',
  delivery: CspDelivery = 'header',
): [string, string[]][] {
  const dev = mode === 'dev';
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'", 'blob:', ...(dev ? ["'unsafe-inline'"] : [])]],
    ['worker-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", 'blob:', 'data:', ...(dev ? ['ws:'] : [])]],
    ['img-src', ["'self'", 'blob:', 'data:']],
    ['media-src', ["'self'", 'blob:']],
    ['style-src', ["'self'", ...(dev ? ["'unsafe-inline'"] : [])]],
    ['font-src', ["'self'"]],
    ['manifest-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'none'"]],
  ];
  // Both are ignored (with a console warning) in a <meta> policy.
  if (delivery === 'header') {
    directives.push(['frame-ancestors', ["'none'"]]);
    directives.push(['report-uri', [CSP_REPORT_PATH]]);
  }
  return directives;
}

export function contentSecurityPolicy(
  mode: CspMode = 'build',
  delivery: CspDelivery = 'header',
): string {
  return cspDirectives(mode, delivery)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** Isolation plus the policy, as sent with every response. */
export function securityHeaders(mode: CspMode = 'build'): Readonly<Record<string, string>> {
  return {
    ...isolationHeaders,
    'Content-Security-Policy': contentSecurityPolicy(mode, 'header'),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** One line for a `report-uri` body (`{"csp-report": {...}}`), for a server's log. */
export function cspReportSummary(body: string): string {
  try {
    const parsed = JSON.parse(body) as { 'csp-report'?: Record<string, unknown> };
    const r = parsed['csp-report'] ?? {};
    const field = (k: string): string => {
      const v = r[k];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : '?';
    };
    return `CSP violation: ${field('effective-directive')} blocked ${field('blocked-uri')} in ${field('document-uri')} (${field('source-file')}:${field('line-number')})`;
  } catch {
    return `CSP violation (unreadable report): ${body.slice(0, 200)}`;
  }
}

/** How many report lines a server keeps for GET (the oldest go first). */
export const CSP_REPORTS_KEPT = 1000;

/**
 * The violation reports one server received: POST CSP_REPORT_PATH adds one (logged through
 * `log`, answered 204), GET lists them as a JSON array of `cspReportSummary` lines. Shared by
 * vite.config.ts (dev server, `vite preview`) and scripts/lib/server.ts (headless runner).
 */
export class CspReports {
  readonly lines: string[] = [];

  constructor(private readonly log: (line: string) => void) {}

  /** Handles a request for CSP_REPORT_PATH; false (untouched) for any other method. */
  handle(req: IncomingMessage, res: ServerResponse, headers: Record<string, string> = {}): boolean {
    if (req.method === 'GET' || req.method === 'HEAD') {
      const body = JSON.stringify(this.lines);
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'GET' ? body : undefined);
      return true;
    }
    if (req.method !== 'POST') return false;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length < CSP_REPORT_MAX_BYTES) body += chunk;
    });
    req.on('end', () => {
      const line = cspReportSummary(body);
      this.lines.push(line);
      if (this.lines.length > CSP_REPORTS_KEPT) this.lines.shift();
      this.log(line);
      res.writeHead(204, headers);
      res.end();
    });
    return true;
  }
}
