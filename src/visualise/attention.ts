/**
 * Channel and frame attention summaries from stored per-clip predictions
 * (ClipPrediction.regionWeights / frameWeights), for the Results tab.
 */
import type { ClipPrediction } from '../train/run/record';

export const REGION_NAMES = ['face', 'eyes', 'mouth'] as const;

export interface RegionWeightsByClass {
  /** Per class (rows) the mean region weight per region (columns); null for a class without clips. */
  mean: (number[] | null)[];
  /** Clips averaged per class. */
  clips: number[];
  regions: number;
}

/** The mean over a clip's fed frames of its region weights (null without channel attention). */
export function clipRegionMean(p: ClipPrediction): number[] | null {
  const rows = p.regionWeights;
  const first = rows[0];
  if (!first) return null;
  const sum = new Array<number>(first.length).fill(0);
  for (const row of rows) row.forEach((v, g) => (sum[g] = (sum[g] ?? 0) + v));
  return sum.map((v) => v / rows.length);
}

/**
 * Region weights averaged per TRUE class: each clip's frames are averaged first, then the clips
 * of a class, so a long clip counts as much as a short one. Unlabelled clips are left out.
 */
export function regionWeightsByClass(
  predictions: readonly ClipPrediction[],
  classes: number,
): RegionWeightsByClass {
  let regions = 0;
  const sums: (number[] | null)[] = new Array<number[] | null>(classes).fill(null);
  const clips = new Array<number>(classes).fill(0);
  for (const p of predictions) {
    if (p.label === null || p.label < 0 || p.label >= classes) continue;
    const m = clipRegionMean(p);
    if (!m) continue;
    regions = Math.max(regions, m.length);
    const s = sums[p.label] ?? new Array<number>(m.length).fill(0);
    m.forEach((v, g) => (s[g] = (s[g] ?? 0) + v));
    sums[p.label] = s;
    clips[p.label] = (clips[p.label] ?? 0) + 1;
  }
  return {
    mean: sums.map((s, c) => (s ? s.map((v) => v / (clips[c] ?? 1)) : null)),
    clips,
    regions,
  };
}

/** Indices of the `k` largest weights, largest first (ties: earlier frame first). */
export function topFrames(weights: readonly number[], k: number): number[] {
  return weights
    .map((w, i) => ({ w, i }))
    .sort((a, b) => b.w - a.w || a.i - b.i)
    .slice(0, Math.max(0, k))
    .map((x) => x.i);
}

/** How many frames to highlight: the frames above the uniform weight 1/n, at least one. */
export function highlightCount(weights: readonly number[]): number {
  const n = weights.length;
  if (n === 0) return 0;
  return Math.max(1, weights.filter((w) => w > 1 / n + 1e-9).length);
}
