/**
 * Small recharts helpers shared by the Results, Compare and Model views: every category label
 * shown (rotated when they do not fit), nice value ticks with units, padded domains
 * (src/visualise/ticks.ts).
 */
import { type BarShapeProps, Rectangle } from 'recharts';
import {
  categoryLayout,
  formatTick,
  niceScale,
  type PadConfig,
  type TickConfig,
  type Unit,
} from '../../visualise/ticks';

/** A Bar `shape` that colours each bar by its data index (recharts 3's replacement for Cell). */
export function colouredBar(colour: (index: number) => string) {
  return function ColouredBar(props: BarShapeProps) {
    const { x, y, width, height, index } = props;
    return <Rectangle x={x} y={y} width={width} height={height} fill={colour(index)} />;
  };
}

/** Width the Y axis and margins take from a chart (px), for the category layout. */
const Y_AXIS_PX = 70;

/**
 * XAxis props for class names (or any categories): every label (interval 0), rotated with a
 * taller axis when they do not fit side by side in a chart `chartWidth` px wide.
 */
export function categoryAxis(labels: readonly string[], chartWidth: number) {
  const l = categoryLayout(labels, chartWidth - Y_AXIS_PX);
  return {
    interval: 0 as const,
    angle: l.angle,
    textAnchor: l.textAnchor,
    height: l.height,
    tick: { fontSize: 11 },
  };
}

/** Axis props for numbers: nice ticks over the padded data, labels in `unit`. */
export function valueAxis(
  values: readonly number[],
  unit: Unit,
  pad: Partial<PadConfig> = {},
  ticks: Partial<TickConfig> = {},
) {
  const s = niceScale(values, pad, ticks);
  return {
    type: 'number' as const,
    domain: s.domain,
    ticks: s.ticks,
    interval: 0 as const,
    allowDataOverflow: true,
    tickFormatter: (v: number) => formatTick(v, unit, s.step),
    tick: { fontSize: 11 },
  };
}

/**
 * A fraction axis from 0 to 100% (accuracies, probabilities, attention weights); `room` widens
 * the domain past both ends (line charts: a point at 0 or 100% is drawn whole).
 */
export function percentAxis(step = 0.25, room = 0) {
  const ticks: number[] = [];
  for (let v = 0; v <= 1 + 1e-9; v += step) ticks.push(Number(v.toFixed(6)));
  return {
    type: 'number' as const,
    domain: [-room, 1 + room] as [number, number],
    ticks,
    allowDataOverflow: true,
    interval: 0 as const,
    tickFormatter: (v: number) => formatTick(v, 'percent', step),
    tick: { fontSize: 11 },
  };
}

/** Legend props: above the plot (clear of the X axis title), small text. */
export const TOP_LEGEND = {
  position: 'top' as const,
  wrapperStyle: { fontSize: 12 },
};

/** Tooltip value formatter in `unit`. */
export function tooltipValue(unit: Unit) {
  return (v: unknown): string => (typeof v === 'number' ? formatTickValue(v, unit) : String(v));
}

function formatTickValue(v: number, unit: Unit): string {
  return unit === 'percent' ? `${(100 * v).toFixed(1)}%` : String(Number(v.toPrecision(4)));
}
