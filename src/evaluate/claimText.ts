/** A claim's numbers as text (summary.md and the Compare tab): signed accuracy points. */
import type { Claim } from './claims';

/** Signed points to one decimal; a value that rounds to 0 reads 0.0, never −0.0. */
const points = (x: number): string => {
  const text = Math.abs(100 * x).toFixed(1);
  return `${Number(text) === 0 ? '' : x > 0 ? '+' : '−'}${text}`;
};

/** A claim's numbers in accuracy points, as summary.md and the Compare tab print them. */
export function claimText(c: Claim): {
  pair: string;
  diffs: string;
  mean: string;
  ci: string;
  verdict: string;
} {
  return {
    pair: `${c.better} ${c.relation} ${c.worse}`,
    diffs: c.diffs.map((d, i) => `${points(d)} (seed ${c.seeds[i] ?? '?'})`).join(', ') || '—',
    mean: c.mean === null ? '—' : points(c.mean),
    ci: c.ci95 === null ? '—' : `[${points(c.ci95[0])}, ${points(c.ci95[1])}]`,
    verdict: `${c.holds ? 'holds' : 'does not hold'}${c.note ? ` (${c.note})` : ''}`,
  };
}
