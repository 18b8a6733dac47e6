/**
 * The clips a training run can use: one per preprocessed item of a dataset, or one per mined
 * clip of a mined item (each its own track and frames), with its label as an index into the
 * run's classes and the stored frames it may sample from. See docs/data-loading.md.
 */
import { shuffled, stream } from '../../compute/random';
import type { CanonicalClass } from '../../ingest/labels';
import { isCanonicalClass } from '../../ingest/labels';
import { getDataset, listItems } from '../../storage/datasets';
import type { FerDatabase } from '../../storage/db';
import { listFrameIndices, listPreprocessed } from '../../storage/frames';
import type { DatasetRecord, MediaItemRecord } from '../../storage/schema';

export interface ClipRef {
  itemId: string;
  datasetId: string;
  /**
   * The clip's key: the item key, e.g. 'train/happy/clip0007', for an item's first (or only)
   * clip; `${itemKey}@clip${n}` for its n-th mined clip (n >= 1). Unique within a dataset.
   */
  key: string;
  /** Which of the item's mined clips (0-based; 0 or absent for an item without mining). */
  clip?: number;
  /** The face track the mined clip follows (MinedClip.track); null or absent without one. */
  track?: number | null;
  /** Index into the run's class list; null = unlabelled. */
  label: number | null;
  /** The demo pool's withheld label as an index (analysis only), else null. */
  hiddenLabel: number | null;
  subject: string | null;
  split: 'train' | 'val' | 'test' | null;
  /** Stored frame indices (ascending) of the kept frames. */
  frames: number[];
}

export type SkipReason =
  'not-preprocessed' | 'flagged' | 'failed' | 'class-not-in-run' | 'unmapped-label' | 'no-frames';

export interface ClipIndex {
  clips: ClipRef[];
  /** Items left out, by reason (only reasons that occurred). */
  skipped: Partial<Record<SkipReason, number>> & Record<string, number>;
}

function classIndex(
  raw: string | null | undefined,
  dataset: DatasetRecord,
  classes: readonly CanonicalClass[],
): { index: number | null; why: SkipReason | null } {
  if (raw === null || raw === undefined) return { index: null, why: null };
  const mapped =
    raw in dataset.classMap ? dataset.classMap[raw] : isCanonicalClass(raw) ? raw : null;
  if (!mapped) return { index: null, why: 'unmapped-label' };
  const i = classes.indexOf(mapped);
  return i < 0 ? { index: null, why: 'class-not-in-run' } : { index: i, why: null };
}

/**
 * Lists a dataset's usable clips in item-key order. Only items whose preprocessing status is
 * 'done' count; a labelled item's raw label goes through the dataset's class map to an index in
 * `classes`; items without a raw label, and every item of an unlabelled dataset, get label null.
 * A mined item (unlabelled videos) is used only when its mining decision accepted a clip, and
 * then only the frames of the accepted run.
 */
export async function listClips(
  db: FerDatabase,
  datasetId: string,
  classes: readonly CanonicalClass[],
): Promise<ClipIndex> {
  const dataset = await getDataset(db, datasetId);
  if (!dataset) throw new Error(`No dataset '${datasetId}' is stored.`);
  const [items, records, frames] = await Promise.all([
    listItems(db, datasetId),
    listPreprocessed(db, datasetId),
    listFrameIndices(db, datasetId),
  ]);
  const outcome = new Map(records.map((r) => [r.itemId, r]));
  const clips: ClipRef[] = [];
  const skipped: ClipIndex['skipped'] = {};
  const skip = (why: SkipReason): void => {
    skipped[why] = (skipped[why] ?? 0) + 1;
  };
  for (const item of items) {
    const r = outcome.get(item.id);
    if (!r) {
      skip('not-preprocessed');
      continue;
    }
    if (r.status !== 'done') {
      skip(r.status);
      continue;
    }
    if (r.mining && !r.mining.accepted) {
      skip('flagged');
      continue;
    }
    let label: number | null = null;
    if (dataset.labelled) {
      const c = classIndex(item.rawLabel, dataset, classes);
      if (c.why) {
        skip(c.why);
        continue;
      }
      label = c.index;
    }
    const stored = frames.get(item.id) ?? [];
    const hidden = classIndex(item.hiddenLabel, dataset, classes).index;
    // Every mined clip is an example (issue 18): a clip's frames are its run of sampled
    // frames; results from before tracking list only `clip`.
    const mined = r.mining?.accepted ? (r.mining.clips ?? [r.mining.clip]) : null;
    const made = mined
      ? mined.map((m, n) => ({
          n,
          track: m.track ?? null,
          kept: stored.filter((f) => f >= m.startFrame && f <= m.endFrame),
        }))
      : [{ n: 0, track: null, kept: stored }];
    const usable = made.filter((m) => m.kept.length > 0);
    if (usable.length === 0) {
      skip('no-frames');
      continue;
    }
    for (const m of usable) {
      const key = m.n === 0 ? item.key : `${item.key}@clip${m.n}`;
      clips.push({ ...toClip(item, label, hidden, m.kept), key, clip: m.n, track: m.track });
    }
  }
  return { clips, skipped };
}

function toClip(
  item: MediaItemRecord,
  label: number | null,
  hiddenLabel: number | null,
  frames: number[],
): ClipRef {
  return {
    itemId: item.id,
    datasetId: item.datasetId,
    key: item.key,
    clip: 0,
    track: null,
    label,
    hiddenLabel,
    subject: item.subject,
    split: item.split,
    frames,
  };
}

/**
 * One example per item for evaluation by item (`data.evalUnit: 'item'`, docs/training.md):
 * an item's clips become one, keyed by the item key, whose frames are the union of theirs, so
 * TSN sampling spreads over the whole usable video; items with one clip pass unchanged. Order:
 * each item where its first clip was.
 */
export function clipsPerItem(clips: readonly ClipRef[]): ClipRef[] {
  const byItem = new Map<string, ClipRef[]>();
  for (const c of clips) byItem.set(c.itemId, [...(byItem.get(c.itemId) ?? []), c]);
  return [...byItem.values()].map((group) => {
    const [first] = group;
    if (!first || group.length === 1) return first as ClipRef;
    const frames = [...new Set(group.flatMap((c) => c.frames))].sort((a, b) => a - b);
    const itemKey = (first.clip ?? 0) === 0 ? first.key : first.key.replace(/@clip\d+$/, '');
    return { ...first, key: itemKey, clip: 0, track: null, frames };
  });
}

/**
 * The example an item was scored as: with evalUnit 'item' its joined clip (clipsPerItem),
 * with 'clip' its first clip; undefined when the item has no clip.
 */
export function scoredClipOf(
  clips: readonly ClipRef[],
  itemId: string,
  evalUnit: 'item' | 'clip',
  key?: string,
): ClipRef | undefined {
  const own = clips.filter((c) => c.itemId === itemId);
  const scored = evalUnit === 'item' ? clipsPerItem(own) : own;
  // An item mined into several clips: the one with this key (a prediction names its clip); a
  // key no longer listed finds nothing, rather than another clip's frames under its name.
  return key === undefined ? scored[0] : scored.find((c) => c.key === key);
}

export interface ClipSplits {
  train: ClipRef[];
  /** Model selection (best epoch, early stop): never reported as the result when `test` exists. */
  val: ClipRef[];
  /** Held out for the reported numbers only; empty when the dataset has no separate test split. */
  test: ClipRef[];
  unlabelled: ClipRef[];
}

/**
 * Splits labelled clips into train, validation and test; clips with label null go to
 * `unlabelled`. When any labelled clip carries a 'val' or 'test' split, the items' splits are
 * used: with both 'val' and 'test' present, 'val' selects and 'test' reports (nothing is chosen
 * on it); with only one of them, that one validates and `test` is empty (AFEW and CK+ as the
 * paper uses them); clips without a split train. Otherwise a seeded split: stratified by class
 * and subject-independent (all clips of a subject on one side), aiming at `valFraction` of each
 * class, and no test split. Input order is kept within each part.
 */
export function splitClips(
  clips: readonly ClipRef[],
  opts: { valFraction: number; seed: number },
): ClipSplits {
  if (!(opts.valFraction >= 0 && opts.valFraction < 1)) {
    throw new RangeError(`valFraction must be in [0, 1), got ${opts.valFraction}`);
  }
  const labelled = clips.filter((c) => c.label !== null);
  const unlabelled = clips.filter((c) => c.label === null);
  const hasVal = labelled.some((c) => c.split === 'val');
  const hasTest = labelled.some((c) => c.split === 'test');
  if (hasVal && hasTest)
    return {
      train: labelled.filter((c) => c.split !== 'val' && c.split !== 'test'),
      val: labelled.filter((c) => c.split === 'val'),
      test: labelled.filter((c) => c.split === 'test'),
      unlabelled,
    };
  if (hasVal || hasTest) {
    const isVal = (c: ClipRef): boolean => c.split === 'val' || c.split === 'test';
    return {
      train: labelled.filter((c) => !isVal(c)),
      val: labelled.filter(isVal),
      test: [],
      unlabelled,
    };
  }
  const val = seededValSet(labelled, opts.valFraction, opts.seed);
  return {
    train: labelled.filter((_, i) => !val.has(i)),
    val: labelled.filter((_, i) => val.has(i)),
    test: [],
    unlabelled,
  };
}

/**
 * Greedy: groups (a subject's clips, or one clip without a subject) in seeded order; a group
 * joins validation when it brings the per-class counts closer to valFraction x class size
 * (summed absolute error). Returns indices into `clips`.
 */
function seededValSet(clips: readonly ClipRef[], valFraction: number, seed: number): Set<number> {
  const val = new Set<number>();
  if (valFraction === 0 || clips.length === 0) return val;
  const classes = new Map<number, number>();
  for (const c of clips) classes.set(c.label ?? -1, (classes.get(c.label ?? -1) ?? 0) + 1);
  const target = new Map([...classes].map(([k, n]) => [k, n * valFraction]));
  const have = new Map<number, number>();
  const groups = new Map<string, number[]>();
  // An item's clips share a group (never on both sides); named by its first clip's index so
  // one-clip items keep the names, and so the split, they had before items had several clips.
  const firstOf = new Map<string, number>();
  clips.forEach((c, i) => {
    if (!firstOf.has(c.itemId)) firstOf.set(c.itemId, i);
    const g = c.subject !== null ? `s:${c.subject}` : `i:${c.itemId}:${firstOf.get(c.itemId)}`;
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  const names = [...groups.keys()].sort();
  for (const name of shuffled(names, stream(seed, 'val-split'))) {
    const members = groups.get(name) ?? [];
    const add = new Map<number, number>();
    for (const i of members) {
      const l = clips[i]?.label ?? -1;
      add.set(l, (add.get(l) ?? 0) + 1);
    }
    let gain = 0;
    for (const [l, n] of add) {
      const h = have.get(l) ?? 0;
      const t = target.get(l) ?? 0;
      gain += Math.abs(h - t) - Math.abs(h + n - t);
    }
    if (gain > 0) {
      for (const i of members) val.add(i);
      for (const [l, n] of add) have.set(l, (have.get(l) ?? 0) + n);
    }
  }
  return val;
}
