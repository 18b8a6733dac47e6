/**
 * The Preprocess panel's counts follow a run (issue 18 leftover 3): they were read only when
 * the run ended. The clock is vitest's fake one, moved by the test, not real time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PreprocessStatus } from '../../storage/frames';
import type { PreprocessSummary, RunProgress } from '../../preprocess/runTypes';

let done = 0;
const status = (): PreprocessStatus => ({
  datasetId: 'd',
  items: 10,
  byStatus: { done, flagged: 0, failed: 0 },
  pending: 10 - done,
  keptFrames: done * 5,
  sampledFrames: done * 5,
  dropped: { 'no-face': 0, 'no-landmarks': 0, 'decode-error': 0 },
  byConfig: {},
  mining: { accepted: 0, rejected: {} },
});
let onProgress: ((p: RunProgress) => void) | undefined;
let finish: ((s: PreprocessSummary) => void) | undefined;
const reads = vi.fn();

vi.mock('../../preprocess/api', () => ({
  getPreprocessStatus: () => {
    reads();
    return Promise.resolve(status());
  },
  listItemOutcomes: () => Promise.resolve([]),
  setPreprocessWorkers: () => undefined,
  startPreprocess: (_id: string, _c: unknown, o: { onProgress: (p: RunProgress) => void }) => {
    onProgress = o.onProgress;
    return {
      pause: () => undefined,
      resume: () => undefined,
      cancel: () => undefined,
      progress: () => ({}) as RunProgress,
      done: new Promise<PreprocessSummary>((r) => (finish = r)),
    };
  },
}));
vi.stubGlobal('localStorage', { setItem: vi.fn(), removeItem: vi.fn(), getItem: () => null });

const { usePreprocessStore } = await import('./preprocessStore');
const { progressRefresher } = await import('./progressRefresh');

// Fake timers: the clock (Date.now and setTimeout) moves only when the test moves it.
const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms);
beforeEach(() => vi.useFakeTimers({ now: 1_000 }));
afterEach(() => vi.useRealTimers());

describe('Items done / Waiting during a run', () => {
  it('change mid-run, on progress, at most every 500 ms, the last change not lost', async () => {
    const run = usePreprocessStore.getState().start('d');
    await settle();
    const counts = () => usePreprocessStore.getState().status?.byStatus.done;
    done = 1;
    onProgress?.({} as RunProgress);
    await settle();
    expect(counts()).toBe(1); // before the run ended
    expect(usePreprocessStore.getState().status?.pending).toBe(9);
    done = 2;
    await settle(200);
    onProgress?.({} as RunProgress); // too soon: no read now ...
    onProgress?.({} as RunProgress);
    await settle();
    expect(counts()).toBe(1);
    expect(reads).toHaveBeenCalledTimes(1);
    await settle(300); // ... but one when 500 ms have passed, with no further progress event
    expect(counts()).toBe(2);
    expect(reads).toHaveBeenCalledTimes(2);
    done = 10;
    finish?.({ phase: 'done' } as PreprocessSummary);
    await settle();
    await run;
    expect(counts()).toBe(10);
  });
});

describe('progressRefresher', () => {
  it('one refresh at a time; the gap grows with a slow refresh (4 x its duration)', async () => {
    // Each refresh takes 300 ms.
    const refresh = vi.fn(() => new Promise<void>((r) => setTimeout(r, 300)));
    const r = progressRefresher(refresh, 500);
    r.poke();
    r.poke(); // still running: remembered
    expect(refresh).toHaveBeenCalledTimes(1);
    await settle(300); // done after 300 ms: the next waits until 4 x 300 ms after the start
    await settle(899);
    expect(refresh).toHaveBeenCalledTimes(1);
    await settle(1);
    expect(refresh).toHaveBeenCalledTimes(2);
    await settle(300);
    r.poke();
    r.stop();
    await settle(5_000);
    r.poke();
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});
