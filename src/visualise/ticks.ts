/**
 * Axis arithmetic shared by every chart (recharts views, the report's SVG curves, the Model
 * tab's Fig. 7): nice ticks (steps of 1, 2, 2.5 or 5 x 10^k, so labels read "0.25", never
 * "0.0016188"), log ticks (1, 2, 5 per decade), domains with padding (end points are not cut in
 * half by the plot's edge), tick and value formatting with units, and whether category labels
 * fit side by side or must be rotated (so no class name is dropped).
 */

export type Unit = 'none' | 'percent' | 'gflops' | 'mparams' | 'count' | 'lr' | 'weight';

export interface TickConfig {
  /** About how many ticks the axis should carry (default 5). */
  count: number;
  /** Whole-number steps only (counts): no 2.5, nothing under 1. */
  integer?: boolean;
}

export interface NiceScale {
  /** The axis domain: the first and the last tick. */
  domain: [number, number];
  ticks: number[];
  /** The distance between two ticks (linear scales); 0 for log scales. */
  step: number;
}

const DEFAULT_TICKS: TickConfig = { count: 5 };
const MANTISSAS = [1, 2, 2.5, 5, 10] as const;

/** Rounds away float noise (0.1 + 0.2) to the digits a step of `step` needs. */
function clean(v: number, step: number): number {
  const d = decimalsFor(step);
  return Number(v.toFixed(Math.min(20, d + 2)));
}

/** Decimals needed to write multiples of `step` exactly (0.25 -> 2, 5 -> 0, 2e-4 -> 4). */
export function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 12;
}

/** The nice step (1, 2, 2.5, 5 x 10^k) that cuts `span` into about `count` parts. */
export function niceStep(span: number, count = DEFAULT_TICKS.count, integer = false): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const m =
    MANTISSAS.filter((x) => !integer || x !== 2.5).find((x) => x * mag >= raw * (1 - 1e-9)) ?? 10;
  return integer ? Math.max(1, m * mag) : m * mag;
}

/** Ticks at multiples of a nice step covering [lo, hi]; the domain is the outer ticks. */
export function niceTicks(lo: number, hi: number, config: Partial<TickConfig> = {}): NiceScale {
  const count = config.count ?? DEFAULT_TICKS.count;
  if (!Number.isFinite(lo) || !Number.isFinite(hi))
    return { domain: [0, 1], ticks: [0, 1], step: 1 };
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const step = niceStep(hi - lo, count, config.integer);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(clean(i * step, step));
  return { domain: [ticks[0] ?? lo, ticks[ticks.length - 1] ?? hi], ticks, step };
}

/** Ticks at 1, 2 and 5 x 10^k covering [lo, hi] (lo > 0); fewer per decade when many decades. */
export function logTicks(lo: number, hi: number): NiceScale {
  if (!(lo > 0) || !(hi > 0)) return { domain: [1, 10], ticks: [1, 10], step: 0 };
  if (hi < lo) [lo, hi] = [hi, lo];
  const d0 = Math.floor(Math.log10(lo));
  const d1 = Math.ceil(Math.log10(hi));
  const decades = Math.max(1, d1 - d0);
  const per = decades > 3 ? [1] : decades > 1 ? [1, 2, 5] : [1, 2, 3, 5];
  const all: number[] = [];
  for (let d = d0; d <= d1; d++)
    for (const m of per) all.push(Number((m * 10 ** d).toPrecision(6)));
  const below = all.filter((t) => t <= lo * (1 + 1e-9));
  const above = all.filter((t) => t >= hi * (1 - 1e-9));
  const from = below[below.length - 1] ?? all[0] ?? lo;
  const to = above[0] ?? all[all.length - 1] ?? hi;
  const ticks = all.filter((t) => t >= from && t <= to);
  return { domain: [from, to], ticks, step: 0 };
}

export interface PadConfig {
  /** Fraction of the span added on each side (default 0.05). */
  pad: number;
  /** Hard limits the padded domain does not cross (e.g. 0 and 1 for accuracies). */
  min?: number;
  max?: number;
  /** Whether 0 must be inside the domain (bar charts). */
  includeZero?: boolean;
  /** Log scale: padding is a factor in log space and the domain stays positive. */
  log?: boolean;
}

/** [min, max] of the finite values, widened by `pad` of the span on each side. */
export function paddedDomain(
  values: readonly number[],
  config: Partial<PadConfig> = {},
): [number, number] {
  const pad = config.pad ?? 0.05;
  const finite = values.filter((v) => Number.isFinite(v) && (!config.log || v > 0));
  if (finite.length === 0) return config.log ? [1, 10] : [config.min ?? 0, config.max ?? 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (config.includeZero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (config.log) {
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    const span = b - a || 1;
    return [10 ** (a - pad * span), 10 ** (b + pad * span)];
  }
  const span = hi - lo || Math.abs(hi) || 1;
  lo = lo === 0 && config.includeZero ? 0 : lo - pad * span;
  hi += pad * span;
  if (config.min !== undefined) lo = Math.max(config.min, lo);
  if (config.max !== undefined) hi = Math.min(config.max, hi);
  return [lo, hi];
}

/**
 * A nice linear scale for `values`: padded, then extended to whole ticks. Ticks stay within the
 * hard limits (no "110%"), but the domain keeps `edge` of the span beyond the outermost data,
 * so a point at a limit (100% accuracy) is drawn whole, not cut in half by the plot's edge.
 */
export function niceScale(
  values: readonly number[],
  pad: Partial<PadConfig> = {},
  ticks: Partial<TickConfig> = {},
  edge = 0.03,
): NiceScale {
  const [lo, hi] = paddedDomain(values, pad);
  const s = niceTicks(lo, hi, ticks);
  const min = pad.min ?? -Infinity;
  const max = pad.max ?? Infinity;
  const kept = s.ticks.filter((t) => t >= min - 1e-12 && t <= max + 1e-12);
  const finite = values.filter((v) => Number.isFinite(v));
  const span = s.domain[1] - s.domain[0];
  const dataLo = finite.length ? Math.min(...finite) : s.domain[0];
  const dataHi = finite.length ? Math.max(...finite) : s.domain[1];
  const first = Math.max(min, s.domain[0]);
  const last = Math.min(max, s.domain[1]);
  // A bar chart's 0 is its base line: no room below it.
  const keepLo = pad.includeZero && dataLo >= 0 && first === 0;
  return {
    domain: [
      keepLo ? first : Math.min(first, dataLo - edge * span),
      Math.max(last, dataHi + edge * span),
    ],
    ticks: kept,
    step: s.step,
  };
}

/** Scientific form with the mantissa's needed digits: 0.003 -> "3e-3", 0.00025 -> "2.5e-4". */
function scientific(v: number): string {
  if (v === 0) return '0';
  const [m = '0', e = '0'] = v.toExponential(3).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/** A tick label: as many decimals as the step needs, % for fractions shown as percent. */
export function formatTick(v: number, unit: Unit = 'none', step = 0): string {
  if (!Number.isFinite(v)) return '';
  switch (unit) {
    case 'percent': {
      const d = step > 0 ? decimalsFor(Number((step * 100).toPrecision(6))) : 0;
      return `${(v * 100).toFixed(Math.min(d, 2))}%`;
    }
    case 'lr':
      return scientific(v);
    case 'count':
      return Number.isInteger(v) ? String(v) : v.toFixed(1);
    default: {
      if (step > 0) return v.toFixed(decimalsFor(step));
      // Log ticks: 0.5, 2, 20, 0.02 as written.
      return String(Number(v.toPrecision(3)));
    }
  }
}

/** A value with its unit, for tooltips, point labels and tables: "2.98 GFLOPs", "52.5%". */
export function formatValue(v: number, unit: Unit = 'none'): string {
  if (!Number.isFinite(v)) return '—';
  const p3 = (x: number): string => String(Number(x.toPrecision(3)));
  switch (unit) {
    case 'percent':
      return `${(v * 100).toFixed(1)}%`;
    case 'gflops':
      return `${p3(v)} GFLOPs`;
    case 'mparams':
      return `${p3(v)} M parameters`;
    case 'lr':
      return scientific(v);
    case 'count':
      return String(Math.round(v));
    case 'weight':
      return v.toFixed(3);
    default:
      return p3(v);
  }
}

/** The axis title's unit words. */
export const UNIT_TITLES: Readonly<Record<Unit, string>> = {
  none: '',
  percent: '%',
  gflops: 'GFLOPs',
  mparams: 'M parameters',
  count: 'clips',
  lr: 'learning rate',
  weight: 'weight',
};

export interface CategoryLayoutConfig {
  /** Font size of the tick labels in px. */
  fontPx: number;
  /** Average glyph width as a fraction of the font size (sans-serif ~0.6). */
  glyph: number;
  /** Rotation when labels do not fit side by side (degrees, negative = up to the left). */
  angle: number;
}

export interface CategoryLayout {
  /** 0 = horizontal; otherwise the rotation of every label. */
  angle: number;
  /** Height the axis needs (px) so rotated labels are not clipped. */
  height: number;
  textAnchor: 'middle' | 'end';
}

const CATEGORY_DEFAULTS: CategoryLayoutConfig = { fontPx: 11, glyph: 0.6, angle: -35 };

/**
 * How category labels are laid out so every one is shown: side by side when the widest fits
 * its band (plot width / labels), else rotated by `angle` with the axis tall enough.
 */
export function categoryLayout(
  labels: readonly string[],
  plotWidthPx: number,
  config: Partial<CategoryLayoutConfig> = {},
): CategoryLayout {
  const c = { ...CATEGORY_DEFAULTS, ...config };
  const widest = Math.max(0, ...labels.map((l) => l.length)) * c.fontPx * c.glyph;
  const band = plotWidthPx / Math.max(1, labels.length);
  if (widest <= band * 0.9) return { angle: 0, height: c.fontPx + 14, textAnchor: 'middle' };
  const rad = (Math.abs(c.angle) * Math.PI) / 180;
  return {
    angle: c.angle,
    height: Math.ceil(widest * Math.sin(rad) + c.fontPx * Math.cos(rad) + 12),
    textAnchor: 'end',
  };
}
