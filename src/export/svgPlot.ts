/**
 * A small line chart as an SVG string (no DOM), for the one-file HTML report: axes with min /
 * max ticks, one polyline per series, a legend. Labels are escaped.
 */
import { escapeHtml } from './escape';

export interface PlotSeries {
  name: string;
  color: string;
  /** y per x = 1..n; non-finite values break the line. */
  values: readonly number[];
}

export interface LinePlot {
  title: string;
  series: readonly PlotSeries[];
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

export function lineChartSvg(p: LinePlot): string {
  const width = p.width ?? 480;
  const height = p.height ?? 240;
  const m = { left: 48, right: 12, top: 24, bottom: 40 };
  const n = Math.max(0, ...p.series.map((s) => s.values.length));
  const finite = p.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const lo = p.yMin ?? (finite.length ? Math.min(...finite) : 0);
  let hi = p.yMax ?? (finite.length ? Math.max(...finite) : 1);
  if (hi <= lo) hi = lo + 1;
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const x = (i: number): number => m.left + (n <= 1 ? w / 2 : (i * w) / (n - 1));
  const y = (v: number): number => m.top + h - ((v - lo) / (hi - lo)) * h;
  const lines = p.series.map((s) => {
    const segments: string[][] = [[]];
    s.values.forEach((v, i) => {
      if (Number.isFinite(v))
        segments[segments.length - 1]?.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      else segments.push([]);
    });
    return segments
      .filter((seg) => seg.length > 0)
      .map(
        (seg) =>
          `<polyline fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.5" points="${seg.join(' ')}"/>`,
      )
      .join('');
  });
  const legend = p.series
    .map(
      (s, i) =>
        `<g transform="translate(${m.left + i * 130},${height - 12})"><rect width="10" height="10" y="-9" fill="${escapeHtml(s.color)}"/><text x="14" font-size="11">${escapeHtml(s.name)}</text></g>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeHtml(p.title)}</title>`,
    `<text x="${m.left}" y="14" font-size="12" font-weight="bold">${escapeHtml(p.title)}</text>`,
    `<line x1="${m.left}" y1="${m.top + h}" x2="${m.left + w}" y2="${m.top + h}" stroke="#888"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + h}" stroke="#888"/>`,
    `<text x="${m.left - 4}" y="${m.top + 4}" font-size="10" text-anchor="end">${fmt(hi)}</text>`,
    `<text x="${m.left - 4}" y="${m.top + h}" font-size="10" text-anchor="end">${fmt(lo)}</text>`,
    `<text x="${m.left}" y="${m.top + h + 14}" font-size="10">1</text>`,
    `<text x="${m.left + w}" y="${m.top + h + 14}" font-size="10" text-anchor="end">${n} epochs</text>`,
    ...lines,
    legend,
    '</svg>',
  ].join('');
}
