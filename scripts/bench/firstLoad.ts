/**
 * The pure parts of `npm run bench:first-load` (scripts/bench-first-load.ts): what one page
 * load measures, the in-page probe that measures it, the order of the runs, and the
 * Markdown table of medians. No I/O here, so scripts/bench/firstLoad.test.ts can test it.
 */
import { fixed, markdownTable, optionValue } from './report';

/** The commit before the bundle was split (issue 16 step 5): `main` when the work began. */
export const DEFAULT_BEFORE_REF = '267bc25';

export interface FirstLoadOptions {
  /** The git ref built as "before" (a temporary `git worktree`). */
  before: string;
  /** Page loads per build; the builds alternate. */
  runs: number;
  /** Give up on one load after this long (ms). */
  timeoutMs: number;
}

export function parseFirstLoadArgs(argv: readonly string[]): FirstLoadOptions {
  const int = (name: string, fallback: number, min: number): number => {
    const raw = optionValue(argv, name);
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return v;
  };
  return {
    before: optionValue(argv, 'before') ?? DEFAULT_BEFORE_REF,
    runs: int('runs', 5, 1),
    timeoutMs: int('timeout-ms', 120_000, 1000),
  };
}

export type Build = 'before' | 'after';

/** One page load, times in ms from navigation start. */
export interface LoadSample {
  build: Build;
  /** PerformanceObserver 'paint': first-paint and first-contentful-paint. */
  firstPaint: number | null;
  firstContentfulPaint: number | null;
  /** The Data tab's drop zone is on the page and has handled a dragover (React re-rendered). */
  interactive: number;
  /** The header names a compute backend (TensorFlow.js loaded and a backend started). */
  backendReady: number;
  /** JavaScript fetched (resource timing's transferSize) until `interactive`, and in all. */
  jsBytesInteractive: number;
  jsBytesTotal: number;
}

/** What the in-page probe's `window.__firstLoadProbe.sample()` returns once both are set. */
export type ProbeSample = Omit<LoadSample, 'build'>;

/** The probe as the page holds it (`window.__firstLoadProbe`). */
export interface Probe {
  interactive: number | null;
  backendReady: number | null;
  sample: () => ProbeSample;
}

/**
 * The page's init script (runs before the app's own scripts). It records the paint entries;
 * when the drop zone appears it dispatches a dragover in a new task and records when React
 * has marked the zone (`.over`), then a dragleave to undo it; and records when the header's
 * backend name appears. `sample()` adds the JS bytes from resource timing (`transferSize`:
 * what came over the wire). Plain JavaScript source, run in the page by Playwright.
 */
export function probeScript(): string {
  return `(() => {
  const r = { firstPaint: null, firstContentfulPaint: null, interactive: null, backendReady: null };
  window.__firstLoadProbe = r;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name === 'first-paint') r.firstPaint = e.startTime;
      if (e.name === 'first-contentful-paint') r.firstContentfulPaint = e.startTime;
    }
  }).observe({ type: 'paint', buffered: true });
  let poked = false;
  const check = () => {
    const zone = document.querySelector('[data-testid="ingest.dropzone"]');
    if (zone && !poked) {
      poked = true;
      setTimeout(() => {
        const dt = new DataTransfer();
        zone.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
      }, 0);
    }
    if (zone && r.interactive === null && zone.classList.contains('over')) {
      r.interactive = performance.now();
      zone.dispatchEvent(new DragEvent('dragleave', { bubbles: true, dataTransfer: new DataTransfer() }));
    }
    const backend = document.querySelector('[data-testid="header.backend"]');
    if (r.backendReady === null && backend && backend.getAttribute('data-backend'))
      r.backendReady = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  r.sample = () => {
    const js = performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('.js'));
    const bytes = (es) => es.reduce((sum, e) => sum + e.transferSize, 0);
    return {
      firstPaint: r.firstPaint,
      firstContentfulPaint: r.firstContentfulPaint,
      interactive: r.interactive,
      backendReady: r.backendReady,
      jsBytesInteractive: bytes(js.filter((e) => e.responseEnd <= r.interactive)),
      jsBytesTotal: bytes(js),
    };
  };
})();`;
}

/** The order of the loads: pairs, alternating which build goes first (ABBA...). */
export function runOrder(runs: number): Build[] {
  const order: Build[] = [];
  for (let i = 0; i < runs; i++)
    order.push(...(i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)));
  return order;
}

export function median(xs: readonly number[]): number | null {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

type Metric = Exclude<keyof LoadSample, 'build'>;

const ROWS: readonly { metric: Metric; label: string; unit: 'ms' | 'bytes' }[] = [
  { metric: 'firstPaint', label: 'First paint', unit: 'ms' },
  { metric: 'firstContentfulPaint', label: 'First contentful paint', unit: 'ms' },
  { metric: 'interactive', label: 'Drop zone responds (interactive)', unit: 'ms' },
  { metric: 'backendReady', label: 'Compute backend ready', unit: 'ms' },
  { metric: 'jsBytesInteractive', label: 'JS transferred until interactive', unit: 'bytes' },
  { metric: 'jsBytesTotal', label: 'JS transferred until backend ready', unit: 'bytes' },
];

const show = (v: number | null, unit: 'ms' | 'bytes'): string =>
  v === null ? '-' : unit === 'ms' ? `${fixed(v, 0)} ms` : `${fixed(v / 2 ** 20, 2)} MiB`;

/** Medians per build, the after/before ratio, as a Markdown table. */
export function firstLoadTable(
  samples: readonly LoadSample[],
  beforeLabel: string,
  afterLabel: string,
): string {
  const med = (build: Build, m: Metric): number | null =>
    median(samples.filter((s) => s.build === build).flatMap((s) => (s[m] === null ? [] : [s[m]])));
  const n = (build: Build): number => samples.filter((s) => s.build === build).length;
  return markdownTable(
    [
      'Median',
      `Before (${beforeLabel}, n=${n('before')})`,
      `After (${afterLabel}, n=${n('after')})`,
      'After / before',
    ],
    ROWS.map(({ metric, label, unit }) => {
      const b = med('before', metric);
      const a = med('after', metric);
      return [label, show(b, unit), show(a, unit), a !== null && b ? `${fixed(a / b, 2)}×` : '-'];
    }),
  );
}
