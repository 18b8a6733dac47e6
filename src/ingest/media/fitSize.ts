/** Output size for a source size and an optional longest-side limit. */
export function fitSize(w: number, h: number, maxSide?: number): { width: number; height: number } {
  if (!maxSide || Math.max(w, h) <= maxSide) return { width: w, height: h };
  const s = maxSide / Math.max(w, h);
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
}
