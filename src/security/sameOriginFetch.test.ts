import { describe, expect, it, vi } from 'vitest';
import { restrictFetchToOrigin, sameOriginUrl } from './sameOriginFetch';

const ORIGIN = 'http://127.0.0.1:4173';

function scope() {
  const fetch = vi.fn((_input: RequestInfo | URL, _init?: RequestInit) =>
    Promise.resolve(new Response('ok')),
  );
  return { fetch, location: { origin: ORIGIN, href: `${ORIGIN}/assets/worker.js` } };
}

describe('restrictFetchToOrigin', () => {
  it('passes our own URLs through, relative or absolute, blob: and data: included', async () => {
    const s = scope();
    const inner = s.fetch;
    restrictFetchToOrigin(s);
    await s.fetch('/models/face/face_landmarker.task');
    await s.fetch(new URL(`${ORIGIN}/assets/x.wasm`));
    await s.fetch(new Request(`${ORIGIN}/favicon.svg`));
    await s.fetch(`blob:${ORIGIN}/0b7c1e2a`);
    await s.fetch('data:,hello');
    expect(inner).toHaveBeenCalledTimes(5);
  });

  it('refuses other origins without making the request (MediaPipe usage statistics)', async () => {
    const s = scope();
    const inner = s.fetch;
    restrictFetchToOrigin(s);
    await expect(
      s.fetch('https://odml.pa.googleapis.com/v1/log', { method: 'POST', body: 'x' }),
    ).rejects.toThrow('Refused to fetch https://odml.pa.googleapis.com');
    await expect(s.fetch('http://127.0.0.1:9999/x')).rejects.toThrow(TypeError);
    await expect(s.fetch(new Request('https://cdn.example.com/a.js'))).rejects.toThrow();
    await expect(s.fetch('blob:https://evil.example/1')).rejects.toThrow();
    expect(inner).not.toHaveBeenCalled();
  });

  it('wraps a scope once', async () => {
    const s = scope();
    const inner = s.fetch;
    restrictFetchToOrigin(s);
    const wrapped = s.fetch;
    restrictFetchToOrigin(s);
    expect(s.fetch).toBe(wrapped);
    await s.fetch('/x');
    expect(inner).toHaveBeenCalledTimes(1);
  });

  it('judges URLs by origin', () => {
    expect(sameOriginUrl(new URL(`${ORIGIN}/a`), ORIGIN)).toBe(true);
    expect(sameOriginUrl(new URL('http://127.0.0.1:4174/a'), ORIGIN)).toBe(false);
    expect(sameOriginUrl(new URL(`blob:${ORIGIN}/1`), ORIGIN)).toBe(true);
    expect(sameOriginUrl(new URL('data:,x'), ORIGIN)).toBe(true);
  });
});
