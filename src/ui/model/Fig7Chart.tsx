/**
 * Fig. 7 on the Model tab: accuracy against GFLOPs per frame as a small SVG with nice ticks
 * (GFLOPs, %), a padded domain, axis titles and a label beside every point, moved apart where
 * points sit close (src/visualise/labels.ts). Colours are the theme's chart variables.
 */
import { placeLabels, textWidth } from '../../visualise/labels';
import { formatTick, niceScale } from '../../visualise/ticks';

export interface Fig7Point {
  name: string;
  gflops: number;
  accuracy: number;
  ours: boolean;
}

export interface Fig7Config {
  width: number;
  height: number;
  fontPx: number;
}

const DEFAULTS: Fig7Config = { width: 560, height: 300, fontPx: 11 };
const M = { left: 52, right: 16, top: 14, bottom: 40 };

export function Fig7Chart({
  points,
  config = {},
}: {
  points: readonly Fig7Point[];
  config?: Partial<Fig7Config>;
}) {
  const { width: w, height: h, fontPx } = { ...DEFAULTS, ...config };
  const xs = niceScale(
    points.map((p) => p.gflops),
    { includeZero: true, pad: 0.05 },
  );
  const ys = niceScale(
    points.map((p) => p.accuracy),
    { min: 0, max: 1, pad: 0.1 },
    { count: 6 },
  );
  const pw = w - M.left - M.right;
  const ph = h - M.top - M.bottom;
  const x = (g: number): number =>
    M.left + (pw * (g - xs.domain[0])) / (xs.domain[1] - xs.domain[0] || 1);
  const y = (a: number): number =>
    M.top + ph - (ph * (a - ys.domain[0])) / (ys.domain[1] - ys.domain[0] || 1);
  // Labels right of their point, or left of it in the right third of the plot.
  const requests = points.map((p) => {
    const cx = x(p.gflops);
    const right = cx < M.left + (2 * pw) / 3;
    return {
      x: right ? cx + 7 : cx - 7,
      y: y(p.accuracy) + fontPx / 3,
      width: textWidth(p.name, fontPx),
      anchor: right ? ('start' as const) : ('end' as const),
    };
  });
  const labelY = placeLabels(requests, {
    gap: fontPx + 1,
    top: M.top + fontPx,
    bottom: M.top + ph,
  });
  return (
    <svg
      width={w}
      height={h}
      role="img"
      aria-label="Accuracy against GFLOPs per frame"
      className="fig7"
      fontSize={fontPx}
      data-testid="model.summary.fig7.svg"
    >
      {ys.ticks.map((t) => (
        <g key={`y${t}`} data-testid="model.fig7.ytick">
          <line x1={M.left} x2={M.left + pw} y1={y(t)} y2={y(t)} stroke="var(--chart-grid)" />
          <text x={M.left - 4} y={y(t) + fontPx / 3} textAnchor="end" fill="var(--chart-text)">
            {formatTick(t, 'percent', ys.step)}
          </text>
        </g>
      ))}
      {xs.ticks.map((t) => (
        <g key={`x${t}`} data-testid="model.fig7.xtick">
          <line x1={x(t)} x2={x(t)} y1={M.top} y2={M.top + ph} stroke="var(--chart-grid)" />
          <text x={x(t)} y={M.top + ph + fontPx + 3} textAnchor="middle" fill="var(--chart-text)">
            {formatTick(t, 'none', xs.step)}
          </text>
        </g>
      ))}
      <line
        x1={M.left}
        y1={M.top + ph}
        x2={M.left + pw}
        y2={M.top + ph}
        stroke="var(--chart-text)"
      />
      <line x1={M.left} y1={M.top} x2={M.left} y2={M.top + ph} stroke="var(--chart-text)" />
      <text x={M.left + pw / 2} y={h - 6} textAnchor="middle" fill="var(--chart-text)">
        GFLOPs per 224 x 224 frame
      </text>
      <text
        transform={`translate(12 ${M.top + ph / 2}) rotate(-90)`}
        textAnchor="middle"
        fill="var(--chart-text)"
      >
        AFEW 8.0 validation accuracy
      </text>
      {points.map((p, i) => {
        const cx = x(p.gflops);
        const cy = y(p.accuracy);
        const r = requests[i];
        const ly = labelY[i] ?? cy;
        const moved = Math.abs(ly - (r?.y ?? ly)) > 2;
        return (
          <g key={p.name} data-testid="model.fig7.point">
            <circle
              cx={cx}
              cy={cy}
              r={p.ours ? 5 : 3.5}
              fill={p.ours ? 'var(--chart-2)' : 'var(--chart-1)'}
            >
              <title>{`${p.name}: ${(100 * p.accuracy).toFixed(2)}%, ${p.gflops.toFixed(1)} GFLOPs`}</title>
            </circle>
            {moved && r && (
              <line
                x1={cx}
                y1={cy}
                x2={r.x}
                y2={ly - fontPx / 3}
                stroke="var(--chart-muted)"
                strokeWidth={0.75}
              />
            )}
            <text
              x={r?.x ?? cx}
              y={ly}
              textAnchor={r?.anchor ?? 'start'}
              fill="var(--chart-text)"
              data-testid="model.fig7.label"
            >
              {p.name}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
