/**
 * Pseudo-labels for noisy-student training (paper Sec. 4.2, 5.2 "Data Balancing").
 * The teacher predicts the unlabelled clips without noise; its outputs become hard (one-hot)
 * or soft targets, then the set is balanced to the labelled set's class distribution.
 */

export interface TeacherPrediction {
  id: string;
  /** Softmax probabilities over the classes. */
  probs: readonly number[];
}

export interface PseudoLabel {
  id: string;
  label: number;
  confidence: number;
  /** The training target: one-hot for hard labels, the teacher's distribution for soft ones. */
  target: number[];
}

export interface PseudoLabelOptions {
  mode: 'hard' | 'soft';
  /** Predictions less confident than this are dropped (google-research/noisystudent: 0.3 on ImageNet; ours: 0). */
  minConfidence: number;
}

export const DEFAULT_PSEUDO_LABEL_OPTIONS: PseudoLabelOptions = { mode: 'hard', minConfidence: 0 };

function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] ?? -Infinity) > (xs[best] ?? -Infinity)) best = i;
  return best;
}

export function makePseudoLabels(
  predictions: readonly TeacherPrediction[],
  opts: PseudoLabelOptions = DEFAULT_PSEUDO_LABEL_OPTIONS,
): PseudoLabel[] {
  const out: PseudoLabel[] = [];
  for (const p of predictions) {
    const label = argmax(p.probs);
    const confidence = p.probs[label] ?? 0;
    if (confidence < opts.minConfidence) continue;
    const target =
      opts.mode === 'soft' ? [...p.probs] : p.probs.map((_, i) => (i === label ? 1 : 0));
    out.push({ id: p.id, label, confidence, target });
  }
  return out;
}

export interface BalanceResult {
  /** The balanced set; duplicated clips appear more than once. */
  selected: PseudoLabel[];
  /** Pseudo-labels per class before and after balancing. */
  before: number[];
  after: number[];
  /** Per class: the count it should have had. */
  target: number[];
  /** Classes that had no pseudo-label at all, so could not be filled. */
  empty: number[];
}

function counts(labels: readonly PseudoLabel[], classes: number): number[] {
  const c = new Array<number>(classes).fill(0);
  for (const l of labels) c[l.label] = (c[l.label] ?? 0) + 1;
  return c;
}

/**
 * Matches the labelled set's class distribution (paper 5.2): for each class, the target is
 * its labelled fraction times the pseudo-label total. An over-represented class keeps its most
 * confident clips; an under-represented one is duplicated: every clip floor(target / n) times,
 * and the (target mod n) most confident once more, so the target is met exactly and the
 * result is deterministic (google-research/noisystudent duplicates with stochastic rounding).
 */
export function balancePseudoLabels(
  labels: readonly PseudoLabel[],
  labelledCounts: readonly number[],
  total: number = labels.length,
): BalanceResult {
  const classes = labelledCounts.length;
  const labelledTotal = labelledCounts.reduce((a, b) => a + b, 0);
  if (labelledTotal === 0)
    throw new Error('Balancing needs a labelled set with at least one clip.');
  const before = counts(labels, classes);
  const target = labelledCounts.map((n) => Math.round((total * n) / labelledTotal));
  const selected: PseudoLabel[] = [];
  const empty: number[] = [];
  for (let c = 0; c < classes; c++) {
    const want = target[c] ?? 0;
    const pool = labels
      .filter((l) => l.label === c)
      .sort((a, b) => b.confidence - a.confidence || (a.id < b.id ? -1 : 1));
    if (pool.length === 0) {
      if (want > 0) empty.push(c);
      continue;
    }
    if (pool.length >= want) {
      selected.push(...pool.slice(0, want));
    } else {
      const copies = Math.floor(want / pool.length);
      for (let k = 0; k < copies; k++) selected.push(...pool);
      selected.push(...pool.slice(0, want - copies * pool.length));
    }
  }
  return { selected, before, after: counts(selected, classes), target, empty };
}
