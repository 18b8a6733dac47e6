/**
 * The clips a demo dataset consists of: for each of train, val and test, `perClass` clips of
 * every class; then the unlabelled pool, whose classes follow the (imbalanced) pool mix,
 * in a seeded random order, with paths that do not reveal the class. Each clip has its own
 * seed (derived from the dataset seed and the clip's key) and an identity; train, val, test
 * and pool draw from disjoint identity sets, so validation and test measure generalisation to
 * new faces.
 */
import { DEMO_CLASSES, type DemoClass } from './classes';
import type { DemoCounts } from './options';
import { createRng, deriveSeed } from './rng';

export type DemoSplit = 'train' | 'val' | 'test' | 'unlabelled';

export interface ClipSpec {
  /** `train/happy/clip0007`, `val/sad/clip0002`, `test/fear/clip0011`, `unlabelled/clip0123`. */
  key: string;
  split: DemoSplit;
  cls: DemoClass;
  /** This clip's seed (all its randomness). */
  seed: number;
  /** Identity number (unique across splits). */
  identity: number;
}

/**
 * Identities per split, and their number ranges (train 0.., val 1000.., pool 2000..,
 * test 3000..). The base photo of identity n is photo n mod photos, so with several photos
 * every split sees every photo, each under identities (shape, colour, age, ...) of its own.
 */
export const IDENTITIES: Readonly<Record<DemoSplit, { count: number; first: number }>> = {
  train: { count: 24, first: 0 },
  val: { count: 12, first: 1000 },
  test: { count: 24, first: 3000 },
  unlabelled: { count: 48, first: 2000 },
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
  const perSplit = {
    train: counts.trainPerClass,
    val: counts.valPerClass,
    test: counts.testPerClass,
  };
  for (const split of ['train', 'val', 'test'] as const) {
    const perClass = perSplit[split];
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
