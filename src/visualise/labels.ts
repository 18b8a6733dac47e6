/**
 * Point labels that do not overlap: each label wants to sit beside its point at the point's
 * height; a label whose box would overlap one already placed moves down (or up near the
 * bottom) by whole line heights until it is free. Pure geometry in pixels.
 */

export interface LabelRequest {
  /** Where the text starts (anchor start) or ends (anchor end). */
  x: number;
  /** The point's height: where the label would like its baseline's middle. */
  y: number;
  /** The text's estimated width (px). */
  width: number;
  anchor: 'start' | 'end';
}

export interface LabelConfig {
  /** Line height (px): two labels closer than this collide when their x ranges overlap. */
  gap: number;
  /** The plot's top and bottom (px): labels stay within. */
  top: number;
  bottom: number;
}

function range(l: LabelRequest): [number, number] {
  return l.anchor === 'start' ? [l.x, l.x + l.width] : [l.x - l.width, l.x];
}

/** The y of each label (same order as `labels`), no two overlapping. */
export function placeLabels(labels: readonly LabelRequest[], config: LabelConfig): number[] {
  const order = labels.map((_, i) => i).sort((a, b) => (labels[a]?.y ?? 0) - (labels[b]?.y ?? 0));
  const placed: { x: [number, number]; y: number }[] = [];
  const out = labels.map((l) => l.y);
  const free = (xr: [number, number], y: number): boolean =>
    placed.every((p) => p.x[1] <= xr[0] || p.x[0] >= xr[1] || Math.abs(p.y - y) >= config.gap);
  for (const i of order) {
    const l = labels[i];
    if (!l) continue;
    const xr = range(l);
    let y = Math.min(config.bottom, Math.max(config.top, l.y));
    // Try the wanted height, then alternately below and above it, a line at a time.
    for (let k = 1; !free(xr, y) && k <= 2 * labels.length + 2; k++) {
      const step = Math.ceil(k / 2) * config.gap * (k % 2 === 1 ? 1 : -1);
      const candidate = l.y + step;
      if (candidate >= config.top && candidate <= config.bottom) y = candidate;
    }
    placed.push({ x: xr, y });
    out[i] = y;
  }
  return out;
}

/** Approximate text width (px) of `text` at `fontPx` in a sans-serif face. */
export const textWidth = (text: string, fontPx: number): number => text.length * fontPx * 0.58;
