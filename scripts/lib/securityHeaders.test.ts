import { describe, expect, it } from 'vitest';
import {
  CSP_REPORT_PATH,
  contentSecurityPolicy,
  cspDirectives,
  cspReportSummary,
  securityHeaders,
} from './securityHeaders';

const directives = (mode: 'build' | 'dev', delivery: 'header' | 'meta'): Map<string, string[]> =>
  new Map(cspDirectives(mode, delivery));

describe('Content-Security-Policy', () => {
  it('allows only our own origin, plus wasm compilation and blob: workers/scripts/media', () => {
    const d = directives('build', 'header');
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
    expect(d.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(d.get('connect-src')).toEqual(["'self'", 'blob:', 'data:']);
    expect(d.get('style-src')).toEqual(["'self'"]);
    expect(d.get('manifest-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('report-uri')).toEqual([CSP_REPORT_PATH]);
    // Nothing that lets a string run as script, and no other host.
    const all = [...d.values()].flat();
    expect(all).not.toContain("'unsafe-eval'");
    expect(all).not.toContain("'unsafe-inline'");
    expect(all.filter((s) => /^(https?:|wss?:|\*)/.test(s))).toEqual([]);
  });

  it('leaves out of the <meta> what a meta policy ignores', () => {
    const d = directives('build', 'meta');
    expect(d.has('frame-ancestors')).toBe(false);
    expect(d.has('report-uri')).toBe(false);
    expect(contentSecurityPolicy('build', 'meta')).not.toMatch(/["&<>]/);
  });

  it('relaxes only the dev server: inline preamble and styles, the HMR WebSocket', () => {
    const d = directives('dev', 'header');
    expect(d.get('script-src')).toContain("'unsafe-inline'");
    expect(d.get('style-src')).toContain("'unsafe-inline'");
    expect(d.get('connect-src')).toEqual(["'self'", 'blob:', 'data:', 'ws:']);
    expect(contentSecurityPolicy('build')).not.toContain('ws:');
  });

  it('is sent with the isolation headers', () => {
    const h = securityHeaders('build');
    expect(h['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(h['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    expect(h['Content-Security-Policy']).toBe(contentSecurityPolicy('build', 'header'));
    expect(h['Content-Security-Policy']).toMatch(/^default-src 'self'; script-src /);
  });

  it('summarises a report in one line, and survives a bad one', () => {
    const body = JSON.stringify({
      'csp-report': {
        'document-uri': 'blob',
        'effective-directive': 'connect-src',
        'blocked-uri': 'https://cdn.example.com/x',
        'source-file': 'blob',
        'line-number': 3,
      },
    });
    expect(cspReportSummary(body)).toBe(
      'CSP violation: connect-src blocked https://cdn.example.com/x in blob (blob:3)',
    );
    expect(cspReportSummary('not json')).toBe('CSP violation (unreadable report): not json');
  });
});
