import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canOpenBrowser, openCommand, startBanner } from './lib/startMessage';

describe('npm start’s message (issue 17 item 13)', () => {
  it('opens a browser only where there is a display, and never with BROWSER=none', () => {
    expect(canOpenBrowser('linux', {})).toBe(false);
    expect(canOpenBrowser('linux', { DISPLAY: ':0' })).toBe(true);
    expect(canOpenBrowser('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(canOpenBrowser('darwin', {})).toBe(true);
    expect(canOpenBrowser('win32', { BROWSER: 'none' })).toBe(false);
    expect(openCommand('linux', 'http://x/')).toEqual(['xdg-open', ['http://x/']]);
  });

  it('always prints the address to open', () => {
    for (const o of ['opening', 'no-display', 'not-asked', 'failed'] as const) {
      expect(startBanner('http://127.0.0.1:4173/', o)).toContain(
        'FER Workbench is running at http://127.0.0.1:4173/',
      );
    }
    expect(startBanner('http://127.0.0.1:4173/', 'no-display')).toContain(
      'No display to open a browser on: open http://127.0.0.1:4173/',
    );
  });
});

describe('scripts/start.ts', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('without a display, serves the build and prints its address', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fer-start-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>fer</title>');
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/start.ts', '--port', '0', '--out-dir', dir],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /running at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m?.[1] && out.includes('Ctrl+C')) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`start.ts exited (${code}): ${out}`)));
      });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>fer</title>');
      // vite preview with the project's headers (cross-origin isolation for WASM threads).
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    } finally {
      child.kill();
    }
  });
});
