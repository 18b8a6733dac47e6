import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { DatasetSummary } from '../datasets/datasetsStore';

// The panel's stores reach workers and IndexedDB: stand-ins holding the initial state.
const state = {
  settings: { workers: null },
  setSettings: vi.fn(),
  refresh: vi.fn(),
  start: vi.fn(),
  handle: null,
  progress: null,
  status: null,
  notes: [],
  error: null,
  summary: null,
};
vi.mock('./preprocessStore', () => ({
  usePreprocessStore: (pick?: (s: typeof state) => unknown) => (pick ? pick(state) : state),
}));
vi.mock('../datasets/datasetsStore', () => ({
  useDatasetsStore: (pick: (s: { datasets: [] }) => unknown) => pick({ datasets: [] }),
}));

const { SmallFaceSettings, tiledModeOf, tileScoreOf } = await import('./SmallFaceSettings');
const { PreprocessPanel } = await import('./PreprocessPanel');

const dataset: DatasetSummary = {
  id: 'd',
  name: 'Group scenes',
  layout: 'unlabelled-video',
  labelled: false,
  createdAt: 0,
  status: 'ready',
  classMap: {},
  itemCount: 3,
  totalBytes: 1,
  totalDurationSec: null,
  problems: [],
  classes: [],
};

const selected = (html: string, testId: string): string | undefined =>
  new RegExp(`data-testid="${testId}"[^>]*>(.*?)</select>`)
    .exec(html)?.[1]
    ?.match(/<option value="(\w+)" selected="">/)?.[1];

describe("the Preprocess panel's small-face settings (issue 18 leftover 2)", () => {
  it('the panel has both controls, each with a help line, at the defaults', () => {
    const html = renderToStaticMarkup(<PreprocessPanel dataset={dataset} />);
    expect(html).toContain('data-testid="preprocess.tiled-detection"');
    expect(selected(html, 'preprocess.tiled-detection')).toBe('auto');
    expect(html).toMatch(/data-testid="preprocess.min-tile-score"[^>]*value="0.7"/);
    expect(html).toContain('id="preprocess-tiled-help"');
    expect(html).toContain('id="preprocess-tile-score-help"');
    expect(html).toContain('auto (when no or only small faces)');
  });

  it('renders the settings state it is given', () => {
    const html = renderToStaticMarkup(
      <SmallFaceSettings settings={{ tiledDetection: 'off', minTileScore: 0.55 }} set={() => {}} />,
    );
    expect(selected(html, 'preprocess.tiled-detection')).toBe('off');
    expect(html).toMatch(/value="0.55"/);
  });

  it('reads the inputs: a known mode, a score in [0, 1] or the default', () => {
    expect(tiledModeOf('always')).toBe('always');
    expect(tiledModeOf('sometimes')).toBe('auto');
    expect(tileScoreOf('0.5')).toBe(0.5);
    expect(tileScoreOf('')).toBeUndefined();
    expect(tileScoreOf('2')).toBeUndefined();
    expect(tileScoreOf('x')).toBeUndefined();
  });
});
