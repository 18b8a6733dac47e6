/**
 * A small line chart as an SVG string (no DOM), for the one-file HTML report: nice ticks with
 * units and grid lines over a padded domain (src/visualise/ticks.ts), one polyline per series,
 * a legend above the plot laid out by text width (no overlap with the axis title). Labels are
 * escaped; colours and fonts are literal values.
 */
import { formatTick, niceScale, niceTicks, type Unit } from '../visualise/ticks';
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
  /** Hard limits of the y domain (accuracies: 0 and 1). */
  yMin?: number;
  yMax?: number;
  /** How y ticks are written (percent, lr, ...). */
  unit?: Unit;
  /** Whether y = 0 is inside the domain (learning rates that decay to 0, losses). */
  includeZero?: boolean;
  xTitle?: string;
  width?: number;
  height?: number;
}

const FONT = 'Helvetica, Arial, sans-serif';
const TEXT = '#222222';
const GRID = '#dddddd';

export function lineChartSvg(p: LinePlot): string {
  const width = p.width ?? 480;
  const height = p.height ?? 260;
  const n = Math.max(0, ...p.series.map((s) => s.values.length));
  const finite = p.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const ys = niceScale(finite, {
    min: p.yMin,
    max: p.yMax,
    includeZero: p.includeZero,
    pad: 0.05,
  });
  const xs = niceTicks(1, Math.max(2, n), { count: 6, integer: true });
  const xTicks = xs.ticks.filter((t) => t >= 1 && t <= Math.max(1, n));
  // Legend: one row above the plot, items as wide as their text.
  let lx = 0;
  const legendItems = p.series.map((s) => {
    const at = lx;
    lx += 18 + s.name.length * 6.2 + 14;
    return { s, at };
  });
  const legendRows = Math.max(1, Math.ceil(lx / (width - 60)));
  const m = { left: 56, right: 14, top: 26 + 15 * legendRows, bottom: 40 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const [lo, hi] = ys.domain;
  // Half a step of room left and right, so the end points are not on the frame.
  const x0 = 0.5;
  const x1 = Math.max(1, n) + 0.5;
  const x = (i: number): number => m.left + ((i - x0) / (x1 - x0)) * w;
  const y = (v: number): number => m.top + h - ((v - lo) / (hi - lo || 1)) * h;
  const lines = p.series.map((s) => {
    const segments: string[][] = [[]];
    s.values.forEach((v, i) => {
      if (Number.isFinite(v))
        segments[segments.length - 1]?.push(`${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`);
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
  const rowWidth = width - 60;
  const legend = legendItems
    .map(({ s, at }) => {
      const row = Math.floor(at / rowWidth);
      const gx = m.left + (at % rowWidth);
      const gy = 30 + 15 * row;
      return `<g transform="translate(${gx.toFixed(1)},${gy})"><line x1="0" x2="14" y1="-4" y2="-4" stroke="${escapeHtml(s.color)}" stroke-width="2"/><text x="18" font-size="11" fill="${TEXT}">${escapeHtml(s.name)}</text></g>`;
    })
    .join('');
  const yTicks = ys.ticks
    .map(
      (t) =>
        `<line x1="${m.left}" x2="${m.left + w}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="${GRID}"/><text x="${m.left - 4}" y="${(y(t) + 3.5).toFixed(1)}" font-size="10" text-anchor="end" fill="${TEXT}" class="ytick">${escapeHtml(formatTick(t, p.unit ?? 'none', ys.step))}</text>`,
    )
    .join('');
  const xTickText = xTicks
    .map(
      (t) =>
        `<text x="${x(t).toFixed(1)}" y="${m.top + h + 13}" font-size="10" text-anchor="middle" fill="${TEXT}" class="xtick">${t}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<title>${escapeHtml(p.title)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${m.left}" y="14" font-size="12" font-weight="bold" fill="${TEXT}">${escapeHtml(p.title)}</text>`,
    yTicks,
    `<line x1="${m.left}" y1="${m.top + h}" x2="${m.left + w}" y2="${m.top + h}" stroke="${TEXT}"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + h}" stroke="${TEXT}"/>`,
    xTickText,
    `<text x="${m.left + w / 2}" y="${height - 8}" font-size="11" text-anchor="middle" fill="${TEXT}">${escapeHtml(p.xTitle ?? 'epoch')}</text>`,
    ...lines,
    legend,
    '</svg>',
  ].join('');
}
