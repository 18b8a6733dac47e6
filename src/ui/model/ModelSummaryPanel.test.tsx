import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ModelSummaryPanel } from './ModelSummaryPanel';

describe('ModelSummaryPanel', () => {
  it('shows the paper model: 8.76 M parameters, 8.38 M grouped vs 25.15 M ungrouped conv weights', () => {
    const html = renderToStaticMarkup(<ModelSummaryPanel frames={16} />);
    expect(html).toContain('8.76 M stored');
    expect(html).toContain('8.38 M with groups = 3; 25.15 M with the same widths ungrouped');
    // Per frame: 2.898 G backbone + 0.078 G spatial attention + 0.0007 G channel attention.
    expect(html).toContain('2.98 G (backbone 2.90 G');
    // Per clip of 16 frames: 16 x 2.9759 G + 0.004 G.
    expect(html).toContain('47.62 G');
    expect(html).toContain('frame vector l = 960 per region');
    expect(html).toContain('which matches the ungrouped count');
    expect(html).toContain('<title>Ours (w/o iter. training): 52.49%, 3.0 GFLOPs</title>');
  });

  it('describes a given config and reports an invalid one', () => {
    const r34 = renderToStaticMarkup(<ModelSummaryPanel config={{ backbone: { depth: 34 } }} />);
    expect(r34).toContain('conv3_x [3x3] x 2 x 4');
    expect(r34).toContain('15.96 M with groups = 3; 47.87 M');
    expect(r34).not.toContain('which matches');
    expect(r34).not.toContain('model.summary.preset');
    const bad = renderToStaticMarkup(<ModelSummaryPanel config={{ numClasses: 1 }} />);
    expect(bad).toContain('numClasses');
    expect(bad).toContain('role="alert"');
  });
});
