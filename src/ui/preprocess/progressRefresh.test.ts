/**
 * The Preprocess panel's counts follow a run (issue 18 leftover 3): they were read only when
 * the run ended. The clock is a variable the test sets, not real time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
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

const settle = () => new Promise((r) => setTimeout(r, 0));
afterEach(() => vi.restoreAllMocks());

describe('Items done / Waiting during a run', () => {
  it('change mid-run, on progress, at most every 500 ms', async () => {
    let t = 1_000;
    vi.spyOn(Date, 'now').mockImplementation(() => t);
    const run = usePreprocessStore.getState().start('d');
    await settle();
    const counts = () => usePreprocessStore.getState().status?.byStatus.done;
    done = 1;
    onProgress?.({} as RunProgress);
    await settle();
    expect(counts()).toBe(1); // before the run ended
    expect(usePreprocessStore.getState().status?.pending).toBe(9);
    done = 2;
    t += 200; // too soon: no read
    onProgress?.({} as RunProgress);
    await settle();
    expect(counts()).toBe(1);
    t += 400;
    onProgress?.({} as RunProgress);
    await settle();
    expect(counts()).toBe(2);
    expect(reads).toHaveBeenCalledTimes(2);
    done = 10;
    finish?.({ phase: 'done' } as PreprocessSummary);
    await run;
    expect(counts()).toBe(10);
  });
});

describe('progressRefresher', () => {
  it('one refresh at a time; the gap grows with a slow refresh (4 x its duration)', async () => {
    let t = 0;
    let release: (() => void) | undefined;
    const refresh = vi.fn(
      () =>
        new Promise<void>((r) => {
          release = () => {
            t += 300; // this read took 300 ms
            r();
          };
        }),
    );
    const r = progressRefresher(refresh, 500, () => t);
    r.poke();
    r.poke(); // still running
    expect(refresh).toHaveBeenCalledTimes(1);
    release?.();
    await settle();
    t = 1_000; // 1000 ms after the start, but 4 x 300 = 1200 needed
    r.poke();
    expect(refresh).toHaveBeenCalledTimes(1);
    t = 1_200;
    r.poke();
    expect(refresh).toHaveBeenCalledTimes(2);
    release?.();
    await settle();
    r.stop();
    t = 10_000;
    r.poke();
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});
