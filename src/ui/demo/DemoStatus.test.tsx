import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../ingest/demo/api', () => ({ ensureDemoDataset: vi.fn() }));
vi.mock('../preprocess/preprocessStore', () => ({
  usePreprocessStore: { getState: () => ({ start: vi.fn() }) },
}));
vi.mock('../datasets/datasetsStore', () => ({
  useDatasetsStore: { getState: () => ({ refresh: vi.fn() }) },
}));

const { DemoStatusView } = await import('./DemoStatus');

const render = (phase: 'idle' | 'preprocessing' | 'ready', hasDemo = true): string =>
  renderToStaticMarkup(
    <DemoStatusView
      hasDemo={hasDemo}
      phase={phase}
      progress={null}
      error={null}
      onCreate={() => undefined}
    />,
  );

describe('the demo status (issue 17 item 14)', () => {
  it('says the demo is ready once preprocessed, with a link to the Train tab', () => {
    const html = render('ready');
    expect(html).toContain('Demo ready:</strong> train it on the');
    expect(html).toMatch(/<a href="#train"[^>]*>Train tab<\/a>/);
  });

  it('says nothing of the kind before preprocessing has finished', () => {
    expect(render('preprocessing')).not.toContain('Demo ready');
    expect(render('preprocessing')).toContain('preprocessing it');
    expect(render('idle')).not.toContain('Demo ready');
    expect(render('ready', false)).not.toContain('Demo ready');
  });
});
