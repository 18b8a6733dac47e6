import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { precacheList, serviceWorkerSource, webAppManifest } from './serviceWorker';

describe('precacheList', () => {
  it('keeps every build file but source maps, index.html and the worker itself, once, sorted', () => {
    expect(
      precacheList([
        'assets/index-abc.js',
        'assets/index-abc.js.map',
        'index.html',
        'sw.js',
        'assets/ffmpeg-core-x.wasm',
        'models/face/face_landmarker.task',
        'assets/index-abc.js',
      ]),
    ).toEqual([
      'assets/ffmpeg-core-x.wasm',
      'assets/index-abc.js',
      'models/face/face_landmarker.task',
    ]);
  });
});

describe('serviceWorkerSource', () => {
  it('names the cache after the version and lists the page first', () => {
    const src = serviceWorkerSource('0123abcd', ['a.js', 'b.wasm']);
    expect(src).toContain('const CACHE = "fer-workbench-0123abcd";');
    expect(src).toContain('const ASSETS = ["./","a.js","b.wasm"];');
    // Plain JavaScript that parses (compiled, not run).
    expect(() => new Script(src)).not.toThrow();
  });
});

describe('webAppManifest', () => {
  it('has what Chromium needs to install the app', () => {
    const m = webAppManifest('x');
    expect(m.display).toBe('standalone');
    expect(m.start_url).toBe('./');
    expect(m.icons.map((i) => i.sizes)).toEqual(['any', '192x192', '512x512']);
  });
});
