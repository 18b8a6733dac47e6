/**
 * Cross-corpus evaluation (issue 18 part 4; the paper evaluates its models on AFEW and CK+):
 * a stored or imported model's accuracy, macro-F1, per-class recall and confusion matrix on
 * another stored dataset's split. This module is pure: which clips a split holds, how the
 * dataset's classes meet the model's (by name), and the record that is stored
 * (src/storage/evaluations.ts). The forward pass runs in the inference worker
 * (src/inference/evaluateDataset.ts), through the same code as validation.
 */
import { CANONICAL_CLASSES, type CanonicalClass, isCanonicalClass } from '../ingest/labels';
import { type ClipRef, splitClips } from '../train/data/clips';
import type { PhaseRecord, RunRecord } from '../train/run/record';
import { type CrossEvaluationRecord, type EvalSplit, EVAL_SPLITS } from './crossRecord';
import { evaluate } from './metrics';

export { EVAL_SPLITS, isEvalSplit } from './crossRecord';
export type { CrossClassResult, CrossEvaluationRecord, EvalSplit } from './crossRecord';

/** How clips are parted into splits: the run's rule (src/train/data/clips.ts splitClips). */
export interface SplitOptions {
  valFraction: number;
  seed: number;
}

export interface ResolvedSplit {
  split: EvalSplit;
  /** True when the split was chosen by default (test if any, else validation). */
  byDefault: boolean;
  /** 'items': the dataset's own split labels; 'seeded': the seeded subject-independent split. */
  source: 'items' | 'seeded';
  clips: ClipRef[];
}

export class CrossEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrossEvalError';
  }
}

function parts(clips: readonly ClipRef[], opts: SplitOptions): Record<EvalSplit, ClipRef[]> {
  const s = splitClips(clips, opts);
  return {
    test: s.test,
    validation: s.val,
    train: s.train,
    all: clips.filter((c) => c.label !== null),
  };
}

/**
 * The clips of split `wanted` (null: test when the dataset has one, else validation), parted
 * exactly as a run with these split options parts them, so a run's own validation split is
 * the clips it validated on.
 */
export function resolveSplit(
  clips: readonly ClipRef[],
  wanted: EvalSplit | null,
  opts: SplitOptions,
): ResolvedSplit {
  const p = parts(clips, opts);
  const source = clips.some((c) => c.label !== null && (c.split === 'val' || c.split === 'test'))
    ? 'items'
    : 'seeded';
  const split = wanted ?? (p.test.length > 0 ? 'test' : 'validation');
  const chosen = p[split];
  if (chosen.length === 0) {
    const have = EVAL_SPLITS.filter((s) => p[s].length > 0);
    throw new CrossEvalError(
      `The dataset has no preprocessed labelled clips in its ${split} split` +
        (have.length > 0 ? ` (splits with clips: ${have.join(', ')}).` : ' (it has none at all).'),
    );
  }
  return { split, byDefault: wanted === null, source, clips: chosen };
}

/**
 * The class list to read a dataset with: the model's classes first (so a clip's label is the
 * model's class index), then every other canonical class (so clips of classes the model does
 * not know are seen, not silently skipped).
 */
export function readingClasses(modelClasses: readonly CanonicalClass[]): CanonicalClass[] {
  return [...modelClasses, ...CANONICAL_CLASSES.filter((c) => !modelClasses.includes(c))];
}

/** Class names as canonical classes, or a clear error. */
export function canonicalClasses(names: readonly string[]): CanonicalClass[] {
  const bad = names.filter((n) => !isCanonicalClass(n));
  if (bad.length > 0)
    throw new CrossEvalError(
      `Unknown class name(s) ${bad.join(', ')}: classes are ${CANONICAL_CLASSES.join(', ')}.`,
    );
  return names.filter(isCanonicalClass);
}

/**
 * Parts the clips read with `readingClasses(model)` into those the model can be scored on and
 * checks the chosen split holds no class the model does not know (a clear error naming them).
 */
export function selectClips(
  read: readonly ClipRef[],
  modelClasses: readonly CanonicalClass[],
  wanted: EvalSplit | null,
  opts: SplitOptions,
): ResolvedSplit {
  const k = modelClasses.length;
  const all = readingClasses(modelClasses);
  // What a run with the model's classes would list: clips of other classes are left out before
  // the split, as src/train/data/clips.ts listClips leaves them out ('class-not-in-run').
  const known = read.filter((c) => c.label === null || c.label < k);
  const resolved = resolveSplit(known, wanted, opts);
  const unknownParts = parts(read, opts)[resolved.split].filter((c) => (c.label ?? 0) >= k);
  if (unknownParts.length > 0) {
    const names = [...new Set(unknownParts.map((c) => all[c.label ?? 0] ?? '?'))];
    throw new CrossEvalError(
      `The model does not know the class(es) ${names.join(', ')} that ${unknownParts.length} ` +
        `clip(s) of the ${resolved.split} split carry (model classes: ${modelClasses.join(', ')}).`,
    );
  }
  return resolved;
}

export function evaluationKey(
  runKey: string,
  phase: number | null,
  datasetId: string,
  split: EvalSplit,
): string {
  return `${runKey}|${phase ?? '-'}|${datasetId}|${split}`;
}

export interface CrossEvalInput {
  runId: string | null;
  phase: number | null;
  modelLabel: string;
  /** For imported weights: the folder / file names (the runKey is 'weights:' + this). */
  weightsSource: string | null;
  datasetId: string;
  datasetName: string;
  split: ResolvedSplit;
  classes: CanonicalClass[];
  framesPerClip: number;
  evalUnit: 'item' | 'clip';
}

/** The record from the scored clips (labels and predictions are model class indices). */
export function crossEvaluationRecord(
  input: CrossEvalInput,
  scored: readonly { label: number; predicted: number }[],
  run: {
    backend: string;
    kernels?: 'tfjs' | 'fused';
    seconds: number;
    createdAt: number;
    datasetState?: string;
  },
): CrossEvaluationRecord {
  const k = input.classes.length;
  const ev = evaluate(
    scored.map((s) => s.label),
    scored.map((s) => s.predicted),
    k,
  );
  const runKey = input.runId ?? `weights:${input.weightsSource ?? '?'}`;
  const perClass = ev.perClass.map((c, i) => ({
    name: input.classes[i] ?? `class ${i}`,
    support: c.support,
    recall: c.support > 0 ? c.recall : null,
    precision: c.precision,
    f1: c.f1,
  }));
  return {
    id: evaluationKey(runKey, input.phase, input.datasetId, input.split.split),
    runKey,
    runId: input.runId,
    phase: input.phase,
    modelLabel: input.modelLabel,
    datasetId: input.datasetId,
    datasetName: input.datasetName,
    split: input.split.split,
    splitSource: input.split.source,
    classes: [...input.classes],
    confusion: ev.confusion,
    accuracy: ev.accuracy,
    macroF1: ev.macroF1,
    perClass,
    total: ev.total,
    evalUnit: input.evalUnit,
    missingClasses: input.classes.filter((_, i) => (ev.perClass[i]?.support ?? 0) === 0),
    framesPerClip: input.framesPerClip,
    backend: run.backend,
    seconds: run.seconds,
    createdAt: run.createdAt,
    ...(run.datasetState === undefined ? {} : { datasetState: run.datasetState }),
    ...(run.kernels === undefined ? {} : { kernels: run.kernels }),
  };
}

/** What the worker needs besides the loaded model (src/inference/evaluateDataset.ts). */
export interface CrossEvalRequest {
  datasetId: string;
  split: EvalSplit | null;
  /** The model's class names, in its output order. */
  classes: string[];
  splitOptions: SplitOptions;
  framesPerClip: number;
  batchSize: number;
  /**
   * One example per item (an item's mined clips joined, per video as AFEW is reported) or per
   * clip; a run's phase uses the unit its validation used (data.evalUnit), so its own split
   * reproduces its matrix.
   */
  evalUnit: 'item' | 'clip';
  /**
   * A k-fold run trained on every train and validation clip of its dataset: that dataset's
   * id, so only its test split is scored there (anything else would score trained clips).
   */
  trainedOnAllOf: string | null;
  modelLabel: string;
  /** Imported weights: their source (folder name); null for a stored run's phase. */
  weightsSource: string | null;
}

/** Defaults for imported weights: the app's default split options and batch size. */
export const WEIGHTS_EVAL_DEFAULTS = { framesPerClip: 8, batchSize: 8, seed: 1, valFraction: 0.2 };

/**
 * A run's phase evaluated as the run validated it: its classes, frames per clip (1 for
 * pre-training on images), batch size and split options.
 */
export function runEvalRequest(
  run: Pick<RunRecord, 'name' | 'classes' | 'config'>,
  phase: Pick<PhaseRecord, 'name' | 'kind'>,
  datasetId: string,
  split: EvalSplit | null,
): CrossEvalRequest {
  return {
    datasetId,
    split,
    classes: [...run.classes],
    splitOptions: { valFraction: run.config.data.valFraction, seed: run.config.seed },
    framesPerClip: phase.kind === 'pretrain' ? 1 : run.config.data.framesPerClip,
    batchSize: run.config.optim.batchSize,
    evalUnit: run.config.data.evalUnit ?? 'item',
    trainedOnAllOf: run.config.data.folds !== null ? run.config.data.datasetId : null,
    modelLabel: `${run.name} / ${phase.name}`,
    weightsSource: null,
  };
}
