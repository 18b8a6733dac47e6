import { describe, expect, it, vi } from 'vitest';

const start = vi.fn();
vi.mock('../../ingest/demo/api', () => ({
  ensureDemoDataset: vi.fn(() => Promise.resolve({ datasetId: 'demo' })),
}));
vi.mock('../preprocess/preprocessStore', () => ({
  usePreprocessStore: { getState: () => ({ start }) },
}));
vi.mock('../datasets/datasetsStore', () => ({
  useDatasetsStore: { getState: () => ({ refresh: vi.fn() }) },
}));

const { shouldAutoDemo, useDemoStore } = await import('./demoStore');

describe('shouldAutoDemo', () => {
  it('generates for people, not for automated browsers, unless the URL says so', () => {
    expect(shouldAutoDemo('', false)).toBe(true);
    expect(shouldAutoDemo('', true)).toBe(false);
    expect(shouldAutoDemo('?demo=1', true)).toBe(true);
    expect(shouldAutoDemo('?demo=0', false)).toBe(false);
  });
});

describe('the demo store', () => {
  it('is ready once its preprocessing is done, not when it is generated', async () => {
    let finish: (s: { phase: string }) => void = () => undefined;
    start.mockReturnValueOnce(new Promise((r) => (finish = r)));
    const created = useDemoStore.getState().create();
    await vi.waitFor(() => expect(start).toHaveBeenCalledWith('demo'));
    expect(useDemoStore.getState().phase).toBe('preprocessing');
    finish({ phase: 'done' });
    await created;
    expect(useDemoStore.getState().phase).toBe('ready');
  });

  it('announces nothing when the preprocessing was cancelled', async () => {
    start.mockResolvedValueOnce({ phase: 'cancelled' });
    await useDemoStore.getState().create();
    expect(useDemoStore.getState().phase).toBe('idle');
  });
});
