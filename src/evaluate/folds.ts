import { shuffled, stream } from '../compute/random';

export interface FoldItem {
  id: string;
  /** Items of one subject always share a fold (subject-independent CV, the CK+ convention). */
  subject: string | null;
  label: number;
}

/**
 * Splits items into k folds for cross-validation. With subject ids, every subject's items
 * land in one fold; groups are dealt (seeded shuffle, then largest first) to the fold with
 * the fewest items so far, which keeps folds near-equal in size. Without subjects, each item
 * is its own group and the deal is stratified by label (round-robin within each class).
 * Returns, per fold, the indices of its test items.
 */
export function kFolds(items: readonly FoldItem[], k: number, seed: number): number[][] {
  if (k < 2) throw new Error(`k-fold needs k >= 2 (got ${k})`);
  const rng = stream(seed, 'folds');
  const folds: number[][] = Array.from({ length: k }, () => []);
  const hasSubjects = items.some((i) => i.subject !== null);
  if (!hasSubjects) {
    const byLabel = new Map<number, number[]>();
    items.forEach((it, i) => byLabel.set(it.label, [...(byLabel.get(it.label) ?? []), i]));
    let next = 0;
    for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
      for (const i of shuffled(byLabel.get(label) ?? [], rng)) {
        folds[next % k]?.push(i);
        next++;
      }
    }
    return folds.map((f) => f.sort((a, b) => a - b));
  }
  const groups = new Map<string, number[]>();
  items.forEach((it, i) => {
    const key = it.subject ?? `item:${it.id}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const ordered = shuffled([...groups.values()], rng).sort((a, b) => b.length - a.length);
  for (const g of ordered) {
    let smallest = 0;
    for (let f = 1; f < k; f++)
      if ((folds[f]?.length ?? 0) < (folds[smallest]?.length ?? 0)) smallest = f;
    folds[smallest]?.push(...g);
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}
