/**
 * Classification metrics for the evaluation views (paper Fig. 5: confusion matrices with
 * accuracy and macro-F1). Classes are indices 0..k-1; labels and predictions are arrays of them.
 */

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** How many samples truly belong to this class. */
  support: number;
}

export interface Evaluation {
  /** confusion[actual][predicted] = count. */
  confusion: number[][];
  accuracy: number;
  /** Unweighted mean of the per-class F1 over classes that occur (support > 0). */
  macroF1: number;
  perClass: ClassMetrics[];
  total: number;
}

export function confusionMatrix(
  actual: readonly number[],
  predicted: readonly number[],
  classes: number,
): number[][] {
  if (actual.length !== predicted.length) {
    throw new Error(`confusionMatrix: ${actual.length} labels but ${predicted.length} predictions`);
  }
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  actual.forEach((a, i) => {
    const p = predicted[i] ?? -1;
    const row = m[a];
    if (!row || p < 0 || p >= classes)
      throw new Error(`confusionMatrix: class out of range at ${i}`);
    row[p] = (row[p] ?? 0) + 1;
  });
  return m;
}

/** Metrics from a confusion matrix. Precision of a never-predicted class is 0 (as sklearn's zero_division=0). */
export function evaluateConfusion(confusion: number[][]): Evaluation {
  const k = confusion.length;
  const cell = (r: number, c: number): number => confusion[r]?.[c] ?? 0;
  let total = 0;
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < k; c++) {
    let support = 0;
    let predictedAs = 0;
    for (let j = 0; j < k; j++) {
      support += cell(c, j);
      predictedAs += cell(j, c);
    }
    const tp = cell(c, c);
    total += support;
    correct += tp;
    const precision = predictedAs > 0 ? tp / predictedAs : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ precision, recall, f1, support });
  }
  const present = perClass.filter((c) => c.support > 0);
  return {
    confusion,
    accuracy: total > 0 ? correct / total : 0,
    macroF1: present.length > 0 ? present.reduce((s, c) => s + c.f1, 0) / present.length : 0,
    perClass,
    total,
  };
}

export function evaluate(
  actual: readonly number[],
  predicted: readonly number[],
  classes: number,
): Evaluation {
  return evaluateConfusion(confusionMatrix(actual, predicted, classes));
}

/** Row-normalised confusion matrix (each row sums to 1; empty rows stay 0), as Fig. 5 shows. */
export function rowNormalised(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (sum > 0 ? v / sum : 0));
  });
}

/** Mean and sample standard deviation (n - 1), for k-fold and multi-seed summaries. */
export function meanAndSpread(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}
