/**
 * The clips of a run: labelled train / validation from the labelled dataset (its splits, or a
 * seeded subject-independent split), the unlabelled pool (the labelled dataset's unlabelled
 * items, or another dataset), and the image dataset for pre-training; plus the loaders.
 */
import { shuffled, stream } from '../../compute/random';
import { kFolds } from '../../evaluate/folds';
import type { FerDatabase } from '../../storage/db';
import type { TrainConfig } from '../config';
import { DEFAULT_RAND_AUGMENT, type RandAugmentConfig } from '../augment/randAugment';
import { type ClipRef, clipsPerItem, listClips, splitClips } from '../data/clips';
import { ClipLoader, DEFAULT_NORMALISE, type LoaderConfig } from '../data/loader';
import type { FrameSource } from '../data/source';

export interface RunData {
  train: ClipRef[];
  /** Selects each phase's best epoch. */
  val: ClipRef[];
  /** Held out: evaluated once per phase at its selected epoch, never used to choose anything. */
  test: ClipRef[];
  unlabelled: ClipRef[];
  pretrain: { train: ClipRef[]; val: ClipRef[] } | null;
  /** k-fold runs: per fold, its training and validation clips (all labelled clips in all). */
  folds: { train: ClipRef[]; val: ClipRef[] }[] | null;
  /** Items left out, by reason, per dataset role. */
  skipped: Record<string, Record<string, number>>;
}

export class RunDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunDataError';
  }
}

/** A dataset's usable clips in the run's classes: listClips (the database), or a stand-in. */
export type ClipLister = typeof listClips;

/**
 * `list` lists a dataset's clips: the database's (listClips) by default; the Node runtime passes
 * the clip lists exported with the frames (scripts/lib/frames).
 */
export async function loadRunData(
  db: FerDatabase,
  config: TrainConfig,
  list: ClipLister = listClips,
): Promise<RunData> {
  const classes = config.classes;
  const labelled = await list(db, config.data.datasetId, classes);
  const split = splitClips(labelled.clips, {
    valFraction: config.data.valFraction,
    seed: config.seed,
  });
  const skipped: RunData['skipped'] = { labelled: labelled.skipped };
  let unlabelled = split.unlabelled;
  if (config.data.unlabelledDatasetId) {
    const pool = await list(db, config.data.unlabelledDatasetId, classes);
    skipped.unlabelled = pool.skipped;
    // A labelled dataset used as the pool keeps its labels aside (analysis only).
    unlabelled = pool.clips.map((c) => ({
      ...c,
      hiddenLabel: c.label ?? c.hiddenLabel,
      label: null,
    }));
  }
  const fraction = config.noisyStudent.unlabelledFraction;
  if (fraction < 1) {
    const keep = Math.max(1, Math.round(unlabelled.length * fraction));
    unlabelled = shuffled(unlabelled, stream(config.seed, 'unlabelled-fraction')).slice(0, keep);
  }
  let pretrain: RunData['pretrain'] = null;
  if (config.pretrain) {
    const images = await list(db, config.pretrain.datasetId, classes);
    skipped.pretrain = images.skipped;
    const s = splitClips(images.clips, { valFraction: config.data.valFraction, seed: config.seed });
    pretrain = { train: s.train, val: s.val };
    if (pretrain.train.length === 0)
      throw new RunDataError('The pre-training dataset has no preprocessed labelled images.');
  }
  // Validation and test score items (one example per item, the default) or clips.
  const scored = (clips: ClipRef[]): ClipRef[] =>
    (config.data.evalUnit ?? 'item') === 'item' ? clipsPerItem(clips) : clips;
  let folds: RunData['folds'] = null;
  const k = config.data.folds;
  if (k !== null) {
    const all = [...split.train, ...split.val];
    // Folds are dealt per item, so an item's clips are never on both sides.
    const items = clipsPerItem(all);
    if (items.length < k)
      throw new RunDataError(
        `${k}-fold cross-validation needs at least ${k} labelled clips (${items.length} are usable).`,
      );
    const testSets = kFolds(
      items.map((c) => ({ id: c.key, subject: c.subject, label: c.label ?? 0 })),
      k,
      config.seed,
    );
    folds = testSets.map((idx) => {
      const held = new Set(idx.map((i) => items[i]?.itemId));
      return {
        train: all.filter((c) => !held.has(c.itemId)),
        val: scored(all.filter((c) => held.has(c.itemId))),
      };
    });
    return { train: all, val: [], test: scored(split.test), unlabelled, pretrain, skipped, folds };
  }
  if (split.train.length === 0)
    throw new RunDataError(
      "The dataset has no preprocessed labelled training clips in the run's classes. Preprocess it first (Data tab).",
    );
  if (split.val.length === 0)
    throw new RunDataError('The dataset has no validation clips; add some or lower valFraction.');
  if (config.noisyStudent.iterations > 0 && unlabelled.length === 0)
    throw new RunDataError(
      'Noisy-student iterations need unlabelled clips: add an unlabelled dataset (or set iterations to 0).',
    );
  return {
    train: split.train,
    val: scored(split.val),
    test: scored(split.test),
    unlabelled,
    pretrain,
    skipped,
    folds,
  };
}

/** Clips per class (labels must be set). */
export function classCounts(clips: readonly ClipRef[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const c of clips) if (c.label !== null) counts[c.label] = (counts[c.label] ?? 0) + 1;
  return counts;
}

export interface LoaderOptions {
  seed: number;
  streamName: string;
  batchSize: number;
  framesPerClip: number;
  inputSize: number;
  mode: 'train' | 'eval';
  augment: boolean | RandAugmentConfig;
}

export function makeLoader(
  clips: readonly ClipRef[],
  source: FrameSource,
  o: LoaderOptions,
): ClipLoader {
  const config: LoaderConfig = {
    framesPerClip: o.framesPerClip,
    inputSize: o.inputSize,
    batchSize: o.batchSize,
    seed: o.seed,
    streamName: o.streamName,
    shuffle: o.mode === 'train',
    mode: o.mode,
    augment: o.augment === true ? DEFAULT_RAND_AUGMENT : o.augment === false ? null : o.augment,
    normalise: DEFAULT_NORMALISE,
    prefetch: 1,
  };
  return new ClipLoader(clips, source, config);
}
