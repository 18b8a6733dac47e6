import { beforeEach, describe, expect, it, vi } from 'vitest';
import { tinyTrainConfig } from '../../train/config';

const measureSteps = vi.fn();
const storedRuns = vi.fn(() => Promise.resolve([]));
vi.mock('../../train/client', () => ({ measureSteps, storedRuns }));
vi.mock('../store', () => ({
  useAppStore: { getState: () => ({ backend: { name: 'wasm' } }) },
  computeChoice: () => ({ backend: 'wasm', kernels: 'auto' }),
}));

const { useStartGuard } = await import('./startGuard');

const counts = { labelled: 50, unlabelled: 0, pretrain: 0 };
const config = {
  ...tinyTrainConfig('d', 1),
  optim: { ...tinyTrainConfig('d', 1).optim, epochs: 10, batchSize: 5 },
  noisyStudent: { ...tinyTrainConfig('d', 1).noisyStudent, iterations: 0 },
};

/** A warm-up step of `ms` per clip (training and inference alike). */
function warmUp(ms: number): void {
  measureSteps.mockResolvedValueOnce({
    backend: 'wasm',
    timings: [{ trainMsPerClip: ms, evalMsPerClip: ms }],
  });
}

describe('starting a run: the estimate and the confirmation above an hour', () => {
  beforeEach(() => {
    useStartGuard.setState({ phase: 'idle', estimate: null, problem: null, pending: null });
  });

  it('starts a short run at once, with the estimate from a measured warm-up step', async () => {
    warmUp(100); // 10 epochs x 50 clips x 100 ms = 50 s
    const start = vi.fn();
    await useStartGuard.getState().request(config, 'short', counts, start);
    expect(measureSteps).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledWith(config, 'short');
    const s = useStartGuard.getState();
    expect(s.phase).toBe('idle');
    expect(s.estimate?.ms).toBe(50_000);
    expect(s.estimate?.sources).toEqual(['a warm-up step measured on wasm']);
  });

  it('asks before a run of more than an hour, and starts it only when confirmed', async () => {
    const long = { ...config, optim: { ...config.optim, epochs: 1000 } }; // 1000 x 50 x 100 ms
    const start = vi.fn();
    // The warm-up of this size was measured above: it is not measured again.
    await useStartGuard.getState().request(long, 'long', counts, start);
    expect(measureSteps).toHaveBeenCalledTimes(1);
    expect(useStartGuard.getState().phase).toBe('confirm');
    expect(useStartGuard.getState().estimate?.ms).toBe(5_000_000);
    expect(start).not.toHaveBeenCalled();
    useStartGuard.getState().cancel();
    expect(start).not.toHaveBeenCalled();
    await useStartGuard.getState().request(long, 'long', counts, start);
    useStartGuard.getState().confirm();
    expect(start).toHaveBeenCalledWith(long, 'long');
    expect(useStartGuard.getState().phase).toBe('idle');
  });

  it('asks when the warm-up step fails, saying why', async () => {
    measureSteps.mockRejectedValueOnce(new Error('out of memory'));
    const start = vi.fn();
    const other = { ...config, data: { ...config.data, framesPerClip: 2 } };
    await useStartGuard.getState().request(other, 'x', counts, start);
    expect(useStartGuard.getState().phase).toBe('confirm');
    expect(useStartGuard.getState().problem).toBe('out of memory');
    expect(start).not.toHaveBeenCalled();
  });
});
