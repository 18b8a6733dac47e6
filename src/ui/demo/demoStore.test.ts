import { describe, expect, it, vi } from 'vitest';

vi.mock('../../ingest/demo/api', () => ({ ensureDemoDataset: vi.fn() }));
vi.mock('../preprocess/preprocessStore', () => ({
  usePreprocessStore: { getState: () => ({ start: vi.fn() }) },
}));
vi.mock('../datasets/datasetsStore', () => ({
  useDatasetsStore: { getState: () => ({ refresh: vi.fn() }) },
}));

const { shouldAutoDemo } = await import('./demoStore');

describe('shouldAutoDemo', () => {
  it('generates for people, not for automated browsers, unless the URL says so', () => {
    expect(shouldAutoDemo('', false)).toBe(true);
    expect(shouldAutoDemo('', true)).toBe(false);
    expect(shouldAutoDemo('?demo=1', true)).toBe(true);
    expect(shouldAutoDemo('?demo=0', false)).toBe(false);
  });
});
