/**
 * Confusion matrices for the Results tab (paper Fig. 5): recomputation from per-clip
 * predictions, class orders and reordering. Rows are true classes, columns predictions.
 */
import { confusionMatrix, evaluateConfusion, type Evaluation } from '../evaluate/metrics';
import type { ClipPrediction } from '../train/run/record';

/** The confusion matrix of the labelled predictions (clips without a label are left out). */
export function confusionFromPredictions(
  predictions: readonly ClipPrediction[],
  classes: number,
): number[][] {
  const scored = predictions.filter((p) => p.label !== null);
  return confusionMatrix(
    scored.map((p) => p.label ?? 0),
    scored.map((p) => p.predicted),
    classes,
  );
}

export type ClassOrder = 'run' | 'alphabetical' | 'support' | 'recall';

export const CLASS_ORDERS: readonly { id: ClassOrder; label: string }[] = [
  { id: 'run', label: "run's order" },
  { id: 'alphabetical', label: 'alphabetical' },
  { id: 'support', label: 'most clips first' },
  { id: 'recall', label: 'best recall first' },
];

/**
 * A permutation of 0..k-1: position i shows class order[i]. Ties keep the run's order, so an
 * order is the same every time it is computed.
 */
export function classOrder(order: ClassOrder, names: readonly string[], ev: Evaluation): number[] {
  const idx = names.map((_, i) => i);
  const key = (i: number): number => {
    const c = ev.perClass[i];
    if (order === 'support') return -(c?.support ?? 0);
    if (order === 'recall') return -(c?.recall ?? 0);
    return 0;
  };
  if (order === 'run') return idx;
  if (order === 'alphabetical')
    return idx.sort((a, b) => (names[a] ?? '').localeCompare(names[b] ?? '') || a - b);
  return idx.sort((a, b) => key(a) - key(b) || a - b);
}

/** Rows and columns permuted by `order` (out[i][j] = m[order[i]][order[j]]). */
export function reorderMatrix(
  m: readonly (readonly number[])[],
  order: readonly number[],
): number[][] {
  if (order.length !== m.length || new Set(order).size !== order.length)
    throw new Error(
      `reorderMatrix: order [${order.join(', ')}] is not a permutation of ${m.length}`,
    );
  return order.map((r) =>
    order.map((c) => {
      const v = m[r]?.[c];
      if (v === undefined) throw new Error(`reorderMatrix: no cell ${r},${c}`);
      return v;
    }),
  );
}

export function reorderList<T>(list: readonly T[], order: readonly number[]): T[] {
  return order.map((i) => {
    const v = list[i];
    if (v === undefined) throw new Error(`reorderList: no entry ${i}`);
    return v;
  });
}

/** Metrics of a (possibly recomputed) matrix; accuracy and macro-F1 do not depend on order. */
export function confusionSummary(m: number[][]): Evaluation {
  return evaluateConfusion(m);
}
