import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CSP_REPORT_PATH, CspReports, securityHeaders } from './securityHeaders';

/**
 * A small static server for the built app (`dist/`), used by the headless runner. Same
 * cross-origin isolation and Content-Security-Policy headers as `vite preview`
 * (scripts/lib/securityHeaders.ts), so the app gets `crossOriginIsolated` (WASM threads) and
 * runs under the same policy.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  ...securityHeaders('build'),
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** By extension (lower case, with the dot). Anything else is sent as octet-stream. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.task': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.data': 'application/octet-stream',
};

export function mimeType(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  close: () => Promise<void>;
}

export interface StaticServerOptions {
  /** The folder to serve (must hold index.html for the SPA fallback). */
  root: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Each Content-Security-Policy violation the browser reports, as one line (default: stderr). */
  onCspViolation?: (line: string) => void;
}

/**
 * Maps a request path to a file under `root`, or null when it would leave `root`
 * (`..`, encoded `%2e%2e`, backslashes, NUL) or cannot be decoded.
 */
export function resolveRequestPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rootAbs = path.resolve(root);
  const target = path.resolve(rootAbs, '.' + path.posix.normalize('/' + decoded));
  if (target !== rootAbs && !target.startsWith(rootAbs + path.sep)) return null;
  // normalize('/' + x) cannot climb above '/', but check the raw segments too: a request
  // that tries to climb is refused rather than silently clamped to the root.
  if (decoded.split('/').includes('..')) return null;
  return target;
}

async function fileSize(p: string): Promise<number | null> {
  try {
    const s = await stat(p);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    ...ISOLATION_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function handle(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  reports: CspReports,
): Promise<void> {
  const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
  if (urlPath === CSP_REPORT_PATH && reports.handle(req, res, { ...ISOLATION_HEADERS })) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Method not allowed');
    return;
  }
  const target = resolveRequestPath(root, urlPath);
  if (target === null) {
    sendText(res, 403, 'Forbidden');
    return;
  }
  let file = target;
  let size = await fileSize(file);
  if (size === null && (await fileSize(path.join(target, 'index.html'))) !== null) {
    file = path.join(target, 'index.html');
    size = await fileSize(file);
  }
  // SPA fallback: a path without an extension is a client-side route. A missing asset
  // (with an extension) stays a 404 so that, e.g., a missing .wasm is visible as such.
  if (size === null && path.extname(urlPath) === '') {
    file = path.join(root, 'index.html');
    size = await fileSize(file);
  }
  if (size === null) {
    sendText(res, 404, 'Not found');
    return;
  }
  res.writeHead(200, {
    ...ISOLATION_HEADERS,
    'Content-Type': mimeType(file),
    'Content-Length': size,
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Starts serving `root` on 127.0.0.1 (only). Resolves once listening. */
export async function startStaticServer(opts: StaticServerOptions): Promise<StaticServer> {
  const root = path.resolve(opts.root);
  const reports = new CspReports(
    opts.onCspViolation ??
      ((line: string) => {
        process.stderr.write(`${line}\n`);
      }),
  );
  const server = createServer((req, res) => {
    handle(root, req, res, reports).catch((e: unknown) => {
      if (!res.headersSent) sendText(res, 500, e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
