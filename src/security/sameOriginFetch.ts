/**
 * Makes `fetch` in this thread refuse every other origin before a request is made.
 *
 * MediaPipe tasks-vision (1.1.0) posts usage statistics (task type, running mode, timings,
 * with an API key) to https://odml.pa.googleapis.com/v1/log a minute after a task is made and
 * every minute after, with no option to turn it off. The Content-Security-Policy blocks the
 * request (docs/security.md), but the attempt is still a violation; with fetch refusing it
 * here, the logger sees a failed send, stops for good, and nothing is attempted at all.
 * Installed wherever a MediaPipe task is made (src/preprocess/faceModels.ts).
 */

interface FetchScope {
  fetch: typeof fetch;
  location: { origin: string; href: string };
}

const guarded = new WeakSet<object>();

function targetUrl(input: RequestInfo | URL, base: string): URL | null {
  try {
    return new URL(input instanceof Request ? input.url : String(input), base);
  } catch {
    return null;
  }
}

/** True for a URL on `origin`, a blob: URL made by it, or a data: URL. */
export function sameOriginUrl(url: URL, origin: string): boolean {
  if (url.protocol === 'data:') return true;
  if (url.protocol === 'blob:') return url.pathname.startsWith(`${origin}/`);
  return url.origin === origin;
}

/** Wraps `scope.fetch` (once per scope); other origins get a rejected promise, no request. */
export function restrictFetchToOrigin(scope: FetchScope = self): void {
  if (guarded.has(scope)) return;
  guarded.add(scope);
  const original = scope.fetch.bind(scope);
  const { origin, href } = scope.location;
  scope.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = targetUrl(input, href);
    if (url && !sameOriginUrl(url, origin)) {
      return Promise.reject(
        new TypeError(`Refused to fetch ${url.origin}: the workbench only fetches from ${origin}`),
      );
    }
    return original(input, init);
  };
}
