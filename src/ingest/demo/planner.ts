/**
 * The clips a demo dataset consists of: for each of train and val, `perClass` clips of
 * every class; then the unlabelled pool, whose classes follow the (imbalanced) pool mix,
 * in a seeded random order, with paths that do not reveal the class. Each clip has its own
 * seed (derived from the dataset seed and the clip's key) and an identity; train, val and
 * pool draw from disjoint identity sets, so validation measures generalisation to new faces.
 */
import { DEMO_CLASSES, type DemoClass } from './classes';
import type { DemoCounts } from './options';
import { createRng, deriveSeed } from './rng';

export type DemoSplit = 'train' | 'val' | 'unlabelled';

export interface ClipSpec {
  /** `train/happy/clip0007`, `val/sad/clip0002`, `unlabelled/clip0123`. */
  key: string;
  split: DemoSplit;
  cls: DemoClass;
  /** This clip's seed (all its randomness). */
  seed: number;
  /** Identity number (unique across splits). */
  identity: number;
}

/** Identities per split, and their number ranges (train 0.., val 1000.., pool 2000..). */
export const IDENTITIES: Readonly<Record<DemoSplit, { count: number; first: number }>> = {
  train: { count: 12, first: 0 },
  val: { count: 6, first: 1000 },
  unlabelled: { count: 24, first: 2000 },
};

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `total` split over classes by `mix` (largest remainder: sums to total, ties by class order). */
export function poolClassCounts(
  total: number,
  mix: Readonly<Record<DemoClass, number>>,
): Record<DemoClass, number> {
  const sum = DEMO_CLASSES.reduce((s, c) => s + mix[c], 0);
  const exact = DEMO_CLASSES.map((c) => (sum > 0 ? (total * mix[c]) / sum : 0));
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((s, v) => s + v, 0);
  const order = exact
    .map((e, i) => ({ i, r: e - Math.floor(e) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left--;
  }
  return Object.fromEntries(DEMO_CLASSES.map((c, i) => [c, counts[i] ?? 0])) as Record<
    DemoClass,
    number
  >;
}

function identityFor(seed: number, split: DemoSplit, clipSeed: number): number {
  const ids = IDENTITIES[split];
  return ids.first + createRng(deriveSeed(seed, 'identity-of', clipSeed)).int(ids.count);
}

export function planClips(seed: number, counts: DemoCounts): ClipSpec[] {
  const clips: ClipSpec[] = [];
  for (const split of ['train', 'val'] as const) {
    const perClass = split === 'train' ? counts.trainPerClass : counts.valPerClass;
    for (const cls of DEMO_CLASSES)
      for (let i = 0; i < perClass; i++) {
        const key = `${split}/${cls}/clip${pad(i, 4)}`;
        const clipSeed = deriveSeed(seed, 'clip', key);
        clips.push({
          key,
          split,
          cls,
          seed: clipSeed,
          identity: identityFor(seed, split, clipSeed),
        });
      }
  }
  const perClass = poolClassCounts(counts.pool, counts.poolMix);
  const classes: DemoClass[] = DEMO_CLASSES.flatMap((c) =>
    Array.from({ length: perClass[c] }, () => c),
  );
  const rng = createRng(deriveSeed(seed, 'pool-order'));
  for (let i = classes.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [classes[i], classes[j]] = [classes[j] as DemoClass, classes[i] as DemoClass];
  }
  classes.forEach((cls, i) => {
    const key = `unlabelled/clip${pad(i, 4)}`;
    const clipSeed = deriveSeed(seed, 'clip', key);
    clips.push({
      key,
      split: 'unlabelled',
      cls,
      seed: clipSeed,
      identity: identityFor(seed, 'unlabelled', clipSeed),
    });
  });
  return clips;
}

/** The path of frame `k` of a clip: `train/happy/clip0007/f03.jpg`. */
export function framePath(clip: ClipSpec, k: number): string {
  return `${clip.key}/f${pad(k, 2)}.jpg`;
}
