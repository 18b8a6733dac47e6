import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRequestPath, startStaticServer, type StaticServer } from './server';
import { CSP_REPORT_PATH, contentSecurityPolicy } from './securityHeaders';

/** A raw GET: fetch() would normalise `..` away before it reaches the server. */
function get(
  port: number,
  rawPath: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  let root: string;
  let server: StaticServer;
  const violations: string[] = [];

  beforeAll(async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'fer-server-'));
    root = path.join(base, 'dist');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(path.join(root, 'assets', 'tfjs.wasm'), Buffer.from([0, 97, 115, 109]));
    await writeFile(path.join(root, 'assets', 'model.task'), 'x');
    await writeFile(path.join(base, 'secret.txt'), 'do not serve');
    server = await startStaticServer({ root, onCspViolation: (line) => violations.push(line) });
  });

  afterAll(async () => {
    await server.close();
    await rm(path.dirname(root), { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a free port', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves files with their MIME type and the cross-origin isolation headers', async () => {
    const js = await fetch(`${server.url}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(js.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(js.headers.get('content-security-policy')).toBe(contentSecurityPolicy('build'));
    expect(await js.text()).toBe('console.log(1)');

    const wasm = await fetch(`${server.url}/assets/tfjs.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));

    const task = await fetch(`${server.url}/assets/model.task`);
    expect(task.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('serves index.html for / and for client-side routes, 404 for missing assets', async () => {
    const home = await fetch(`${server.url}/?backend=cpu`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    const route = await fetch(`${server.url}/datasets/abc`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>app</title>');
    const missing = await fetch(`${server.url}/assets/missing.wasm`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });

  it('refuses paths that leave the root', async () => {
    for (const p of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%5c..%5csecret.txt',
    ]) {
      const res = await get(server.port, p);
      expect(res.status, p).toBe(403);
      expect(res.body).not.toContain('do not serve');
    }
    expect((await get(server.port, '/%E0%A4%A')).status).toBe(403);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await fetch(`${server.url}/assets/app.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
    const post = await fetch(`${server.url}/assets/app.js`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('takes Content-Security-Policy violation reports and logs each in one line', async () => {
    const res = await fetch(`${server.url}${CSP_REPORT_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/csp-report' },
      body: JSON.stringify({
        'csp-report': { 'effective-directive': 'connect-src', 'blocked-uri': 'https://x.test' },
      }),
    });
    expect(res.status).toBe(204);
    const line = 'CSP violation: connect-src blocked https://x.test in ? (?:?)';
    expect(violations).toEqual([line]);
    // The ones received so far are listed for whoever drives the browser (the e2e tests).
    const listed = await fetch(`${server.url}${CSP_REPORT_PATH}`);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual([line]);
  });
});

describe('resolveRequestPath', () => {
  it('maps URL paths under the root and rejects escapes', () => {
    expect(resolveRequestPath('/srv/dist', '/a/b.js')).toBe('/srv/dist/a/b.js');
    expect(resolveRequestPath('/srv/dist', '/')).toBe('/srv/dist');
    expect(resolveRequestPath('/srv/dist', '/a%20b.js')).toBe('/srv/dist/a b.js');
    expect(resolveRequestPath('/srv/dist', '/../etc/passwd')).toBeNull();
    expect(resolveRequestPath('/srv/dist', '/a/%00')).toBeNull();
  });
});
