import { describe, expect, it } from 'vitest';
import { lineChartSvg } from './svgPlot';

const points = (svg: string): [number, number][] =>
  [...svg.matchAll(/points="([^"]+)"/g)].flatMap((m) =>
    (m[1] ?? '').split(' ').map((p) => p.split(',').map(Number) as [number, number]),
  );

const axisY = (svg: string): { top: number; bottom: number } => {
  const m = /<line x1="(\d+)" y1="([\d.]+)" x2="\1" y2="([\d.]+)" stroke="#222222"\/>/.exec(svg);
  return { top: Number(m?.[2]), bottom: Number(m?.[3]) };
};

describe('report line charts', () => {
  it('a learning rate that decays to 0 stays inside its axis, with nice ticks', () => {
    const lr = Array.from({ length: 8 }, (_, i) => (0.003 * (1 + Math.cos((Math.PI * i) / 7))) / 2);
    const svg = lineChartSvg({
      title: 'Learning rate per epoch',
      unit: 'lr',
      includeZero: true,
      series: [{ name: 'learning rate', color: '#6b46c1', values: lr }],
    });
    const { top, bottom } = axisY(svg);
    for (const [, y] of points(svg)) {
      expect(y).toBeGreaterThanOrEqual(top);
      expect(y).toBeLessThanOrEqual(bottom);
    }
    const ticks = [...svg.matchAll(/class="ytick">([^<]*)</g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '1e-3', '2e-3', '3e-3', '4e-3']);
  });

  it('accuracy ticks are percentages and the legend sits above the plot', () => {
    const svg = lineChartSvg({
      title: 'Accuracy per epoch',
      unit: 'percent',
      yMin: 0,
      yMax: 1,
      series: [
        { name: 'train accuracy', color: '#2b6cb0', values: [0.2, 0.5, 0.9] },
        { name: 'val accuracy', color: '#c53030', values: [0.1, 0.4, 1] },
      ],
    });
    const ticks = [...svg.matchAll(/class="ytick">([^<]*)</g)].map((m) => m[1] ?? '');
    for (const t of ticks) expect(t).toMatch(/^\d{1,3}%$/);
    const { top } = axisY(svg);
    const legendY = [...svg.matchAll(/<g transform="translate\([\d.]+,(\d+)\)">/g)].map((m) =>
      Number(m[1]),
    );
    expect(legendY).toHaveLength(2);
    for (const ly of legendY) expect(ly).toBeLessThan(top);
    // A 100% point is inside the plot, not on its frame.
    const ys = points(svg).map(([, y]) => y);
    expect(Math.min(...ys)).toBeGreaterThan(top);
  });
});
