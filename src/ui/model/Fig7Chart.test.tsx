import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PAPER_OUR_MODEL, PAPER_PEERS } from '../../model/flops';
import { Fig7Chart } from './Fig7Chart';

const points = [
  ...PAPER_PEERS.filter((p) => p.gflopsPerFrame !== null).map((p) => ({
    name: p.name,
    gflops: p.gflopsPerFrame ?? 0,
    accuracy: p.accuracy,
    ours: false,
  })),
  { name: 'Ours', gflops: 2.98, accuracy: PAPER_OUR_MODEL.accuracyIterated, ours: true },
];

function texts(html: string, testId: string): { x: number; y: number; text: string }[] {
  const re = new RegExp(
    `<g data-testid="${testId}">.*?<text x="([^"]+)" y="([^"]+)"[^>]*>([^<]*)</text>`,
    'g',
  );
  return [...html.matchAll(re)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    text: m[3] ?? '',
  }));
}

describe('Model tab Fig. 7', () => {
  const html = renderToStaticMarkup(<Fig7Chart points={points} />);

  it('has nice tick values with units on both axes', () => {
    const y = texts(html, 'model.fig7.ytick').map((t) => t.text);
    expect(y.length).toBeGreaterThanOrEqual(4);
    for (const l of y) expect(l).toMatch(/^\d{1,3}%$/);
    const x = texts(html, 'model.fig7.xtick').map((t) => t.text);
    expect(x).toEqual(['0', '10', '20', '30', '40']);
    expect(html).toContain('GFLOPs per 224 x 224 frame');
    expect(html).toContain('validation accuracy');
  });

  it('labels every point and no two labels overlap', () => {
    const labels = [...html.matchAll(/data-testid="model.fig7.label">([^<]*)</g)].map((m) => m[1]);
    expect(labels).toEqual(points.map((p) => p.name));
    const ys = [
      ...html.matchAll(
        /<text x="([^"]+)" y="([^"]+)" text-anchor="(start|end)"[^>]*data-testid="model.fig7.label">([^<]*)</g,
      ),
    ].map((m) => ({ x: Number(m[1]), y: Number(m[2]), anchor: m[3], n: (m[4] ?? '').length }));
    expect(ys).toHaveLength(points.length);
    for (let i = 0; i < ys.length; i++)
      for (let j = i + 1; j < ys.length; j++) {
        const a = ys[i];
        const b = ys[j];
        if (!a || !b) continue;
        const ra = a.anchor === 'start' ? [a.x, a.x + a.n * 6.4] : [a.x - a.n * 6.4, a.x];
        const rb = b.anchor === 'start' ? [b.x, b.x + b.n * 6.4] : [b.x - b.n * 6.4, b.x];
        const xOverlap = (ra[0] ?? 0) < (rb[1] ?? 0) && (rb[0] ?? 0) < (ra[1] ?? 0);
        if (xOverlap) expect(Math.abs(a.y - b.y)).toBeGreaterThanOrEqual(11);
      }
  });

  it('keeps every point inside the plot (padded domain)', () => {
    const cs = [...html.matchAll(/<circle cx="([^"]+)" cy="([^"]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(cs).toHaveLength(points.length);
    for (const [cx = 0, cy = 0] of cs) {
      expect(cx).toBeGreaterThan(52 + 3);
      expect(cx).toBeLessThan(560 - 16 - 3);
      expect(cy).toBeGreaterThan(14 + 3);
      expect(cy).toBeLessThan(300 - 40 - 3);
    }
  });
});
