/**
 * The settings of one training run (paper Sec. 4.1 "Implementation Details", 4.2, 5.2).
 * Everything a run needs to be reproduced lives here, including the seed; docs/training.md
 * says where each default comes from.
 */
import type * as z from 'zod/mini';
import { CANONICAL_CLASSES, type CanonicalClass } from '../ingest/labels';
import {
  ABLATION_PRESETS,
  type AblationId,
  mergeConfig,
  type ModelConfigInput,
  TINY_OVERRIDES,
} from '../model/config';
import { check } from '../schema/fields';
import { PRESET_NAMES, trainConfigSchema, trainFileSchema } from './configSchema';
import type { PseudoLabelOptions } from './pseudoLabels';

/** The seven classes of AFEW (the paper's label set), in the app's canonical order. */
export const SEVEN_CLASSES: readonly CanonicalClass[] = CANONICAL_CLASSES.slice(0, 7);

export interface OptimConfig {
  /** Adam's initial learning rate (paper: 1e-5). */
  learningRate: number;
  /** Multiplier applied every `decayEvery` epochs (paper: "reduced by 40%" -> 0.6). */
  decayFactor: number;
  decayEvery: number;
  /** Epochs per training phase (paper: 100). */
  epochs: number;
  /** Labelled clips per batch. */
  batchSize: number;
  /**
   * Clips per forward/backward pass: a batch (labelled and unlabelled clips) goes through in
   * slices of this many, gradients summed before one update, so memory follows the slice. Batch
   * norm then uses each slice's statistics. null or absent (runs stored before this setting):
   * the whole batch at once. The full preset uses 2: one 224 x 224 clip of 8 frames peaks at
   * ~1.4 GiB on WASM and two at ~2.7 GiB, within its 4 GiB memory; 8 clips would need ~11 GiB.
   */
  microBatch?: number | null;
  /** 'balanced': class weights n / (C n_c) from the training counts (paper); 'none': all 1. */
  classWeights: 'balanced' | 'none';
}

export interface DataConfig {
  /** The labelled dataset (its items' splits, or a seeded split, give train / validation). */
  datasetId: string;
  /** Unlabelled clips come from this dataset (null: the labelled dataset's unlabelled items). */
  unlabelledDatasetId: string | null;
  /** Frames sampled per clip, T (ours: 8; Emotion-FAN trains on 3, evaluates on all). */
  framesPerClip: number;
  /** Validation share when the dataset has no splits. */
  valFraction: number;
  /**
   * k-fold cross-validation (k >= 2; CK+'s convention is 10, subject-independent where subject
   * ids exist): every fold trains its own teacher (and students) with that fold as validation,
   * and the run reports the mean and spread over folds. null: one train / validation split.
   */
  folds: number | null;
  /**
   * What validation and test score (docs/training.md "Clips and items"): 'item' (default when
   * absent) one example per item, its mined clips' frames together, so accuracy is per video
   * as AFEW reports it; 'clip' every mined clip on its own. Training always uses every clip.
   */
  evalUnit?: 'item' | 'clip';
  /** Decoded-frame cache of the loader, bytes. */
  cacheBytes: number;
}

export interface PretrainConfig {
  /** An image dataset (FERPlus-style): each image is a one-frame clip. */
  datasetId: string;
  epochs: number;
}

export interface NoiseConfig {
  /** RandAugment on the student's inputs (paper: n in [2, 4] ops, m in [0, 9]). */
  randAugment: boolean;
  /** Dropout before the classifier of the student (paper: 0.5). */
  dropout: number;
  /**
   * RandAugment's magnitude range [min, max] (0..10; paper: "m in [0, 9]"), absent: [0, 9].
   * A network as small as the tiny preset absorbs less input noise than the paper's.
   */
  magnitude?: [number, number];
}

export interface NoisyStudentConfig {
  /** Student iterations after the teacher (0: supervised only). */
  iterations: number;
  /** Unlabelled clips per labelled clip in each step (paper: 2-3 for AFEW, 5 for CK+). */
  batchRatio: number;
  /** Match the labelled class distribution (duplicate / drop least confident). */
  balance: boolean;
  pseudoLabels: PseudoLabelOptions;
  noise: NoiseConfig;
  /** 'scratch': a fresh student each iteration; 'teacher': start from the teacher's weights. */
  studentInit: 'scratch' | 'teacher';
  /** 34 for the paper's larger-student ablation. */
  studentDepth: 18 | 34;
  /** Share of the unlabelled clips used (the paper's data-size ablation). */
  unlabelledFraction: number;
  /** Stop early when a student's validation accuracy does not beat its teacher's. */
  stopWhenNoGain: boolean;
  /** Epochs per student (null: optim.epochs). */
  studentEpochs: number | null;
  /**
   * A student's initial learning rate, decayed as optim says (absent or null: optim.learningRate).
   * A student that starts from its teacher's weights is fine-tuned, usually at a lower rate.
   */
  learningRate?: number | null;
}

export interface TrainConfig {
  /** The one seed of the run: initialisation, shuffling, augmentation, dropout, pseudo-labels. */
  seed: number;
  classes: CanonicalClass[];
  model: ModelConfigInput;
  data: DataConfig;
  optim: OptimConfig;
  pretrain: PretrainConfig | null;
  noisyStudent: NoisyStudentConfig;
  /**
   * Copy the teacher of a stored run with the same teacher settings (seed, data, model, optimiser,
   * backend) instead of training it again (src/train/run/reuse.ts). Absent: false. Experiments
   * that vary only the noisy-student settings turn it on.
   */
  reuseTeacher?: boolean;
}

export const DEFAULT_OPTIM: OptimConfig = {
  learningRate: 1e-5,
  decayFactor: 0.6,
  decayEvery: 30,
  epochs: 100,
  batchSize: 8,
  microBatch: 2,
  classWeights: 'balanced',
};

export const DEFAULT_NOISY_STUDENT: NoisyStudentConfig = {
  iterations: 3,
  batchRatio: 3,
  balance: true,
  pseudoLabels: { mode: 'hard', minConfidence: 0 },
  noise: { randAugment: true, dropout: 0.5 },
  studentInit: 'scratch',
  studentDepth: 18,
  unlabelledFraction: 1,
  stopWhenNoGain: false,
  studentEpochs: null,
};

/** The full-size configuration the app ships (paper defaults). */
export function defaultTrainConfig(datasetId: string, seed = 1): TrainConfig {
  return {
    seed,
    classes: [...SEVEN_CLASSES],
    model: {},
    data: {
      datasetId,
      unlabelledDatasetId: null,
      framesPerClip: 8,
      valFraction: 0.2,
      folds: null,
      cacheBytes: 512 * 1024 * 1024,
    },
    optim: { ...DEFAULT_OPTIM },
    pretrain: null,
    noisyStudent: structuredClone(DEFAULT_NOISY_STUDENT),
  };
}

/**
 * The tiny configuration for tests and this machine's CPU: the full topology at 48x48 with
 * widths / 16, 4 frames, a learning rate that moves a network from scratch in a few epochs.
 * (On the demo, 48 px reached 42% validation accuracy where 32 px reached 32-37%: docs/results.md.)
 */
export function tinyTrainConfig(datasetId: string, seed = 1): TrainConfig {
  const c = defaultTrainConfig(datasetId, seed);
  return {
    ...c,
    model: mergeConfig(TINY_OVERRIDES, { dropout: 0, backbone: { inputSize: 48 } }),
    data: { ...c.data, framesPerClip: 4, cacheBytes: 64 * 1024 * 1024 },
    optim: {
      ...c.optim,
      learningRate: 3e-3,
      decayEvery: 10,
      epochs: 30,
      batchSize: 6,
      microBatch: null,
    },
    noisyStudent: { ...c.noisyStudent, iterations: 1, studentEpochs: 10 },
  };
}

/**
 * The CPU benchmark's configuration (experiments/paper-claims-tiny.json, docs/results.md): the
 * tiny preset at a quarter of the paper's widths instead of a sixteenth, which took the demo's
 * teacher from ~31 % to ~50 % on test, with the noisy-student recipe the claims benchmark
 * measured: students start from their teacher and are fine-tuned at a lower rate under
 * lighter noise, sized for a network this small, on soft pseudo-labels the teacher gave with
 * at least 0.7 confidence.
 */
export function smallTrainConfig(datasetId: string, seed = 1): TrainConfig {
  const c = tinyTrainConfig(datasetId, seed);
  return {
    ...c,
    model: mergeConfig(c.model, { backbone: { widthMultiplier: SMALL_WIDTH } }),
    optim: { ...c.optim, epochs: 20 },
    noisyStudent: { ...c.noisyStudent, ...SMALL_NOISY_STUDENT },
  };
}

/** The small preset's width (the paper's widths x 1/4: 24..192 over the three regions). */
export const SMALL_WIDTH = 0.25;

/** The small preset's noisy-student recipe (docs/results.md says what each choice measured). */
export const SMALL_NOISY_STUDENT: Partial<NoisyStudentConfig> = {
  iterations: 2,
  studentInit: 'teacher',
  studentEpochs: 5,
  learningRate: 5e-4,
  pseudoLabels: { mode: 'soft', minConfidence: 0.7 },
  noise: { randAugment: true, dropout: 0.3, magnitude: [0, 5] },
};

export type PresetName = (typeof PRESET_NAMES)[number];
export const PRESETS: Readonly<
  Record<PresetName, (datasetId: string, seed?: number) => TrainConfig>
> = { full: defaultTrainConfig, small: smallTrainConfig, tiny: tinyTrainConfig };

export class TrainConfigError extends Error {
  readonly problems: readonly string[];
  /** One problem or several, each naming its field ("optim.epochs must be ..."). */
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('; '));
    this.name = 'TrainConfigError';
    this.problems = list;
  }
}

// The schema accepts exactly the documented type (./configSchema.ts cannot import this file).
trainConfigSchema satisfies z.ZodMiniType<TrainConfig>;

/**
 * Checks every field (./configSchema.ts); throws TrainConfigError listing every problem, each
 * naming its field. Returns the config as given (nothing filled) when it is usable.
 */
export function validateTrainConfig(c: TrainConfig): TrainConfig {
  const r = check(trainConfigSchema, c);
  if (!r.ok) throw new TrainConfigError(r.problems);
  return c;
}

/** The model config of a run's teacher (the classes decide numClasses; the run seed, the init). */
export function teacherModelConfig(c: TrainConfig): ModelConfigInput {
  return { ...c.model, numClasses: c.classes.length, seed: c.seed };
}

/** A student's model: the teacher's, with the student's depth, noise dropout and its own seed. */
export function studentModelConfig(c: TrainConfig, iteration: number): ModelConfigInput {
  const base = teacherModelConfig(c);
  return mergeConfig(base, {
    seed: c.seed + 1000 * iteration,
    dropout: c.noisyStudent.noise.dropout,
    backbone: { depth: c.noisyStudent.studentDepth },
  });
}

/** Learning rate of epoch `epoch` (0-based): step decay (paper: x0.6 every 30 epochs). */
export function learningRateAt(o: OptimConfig, epoch: number): number {
  return o.learningRate * o.decayFactor ** Math.floor(epoch / o.decayEvery);
}

/** A phase's learning rate at `epoch`: students may start from their own rate (noisyStudent.learningRate). */
export function phaseLearningRate(c: TrainConfig, student: boolean, epoch: number): number {
  const start = student
    ? (c.noisyStudent.learningRate ?? c.optim.learningRate)
    : c.optim.learningRate;
  return learningRateAt({ ...c.optim, learningRate: start }, epoch);
}

/** The model of one of Table 2's rows (the full model when absent). */
export function variantModel(id: AblationId | undefined): ModelConfigInput {
  if (id === undefined) return {};
  const preset = ABLATION_PRESETS.find((p) => p.id === id);
  if (!preset)
    throw new TrainConfigError(
      `unknown variant "${id}" (use ${ABLATION_PRESETS.map((p) => p.id).join(', ')})`,
    );
  return preset.config;
}

/**
 * Reads a config from JSON: a preset name plus overrides
 * (`{"preset": "tiny", "seed": 3, "optim": {"epochs": 5}}`) or a whole config.
 */
export function parseTrainConfig(json: unknown, datasetId: string): TrainConfig {
  const r = check(trainFileSchema, json);
  if (!r.ok) throw new TrainConfigError(r.problems);
  const o = r.value;
  const base = PRESETS[o.preset ?? 'full'](datasetId, o.seed ?? 1);
  const merged: TrainConfig = {
    seed: o.seed ?? base.seed,
    classes: o.classes ?? base.classes,
    model: mergeConfig(mergeConfig(variantModel(o.variant), base.model), o.model ?? {}),
    data: { ...base.data, ...o.data, datasetId: o.data?.datasetId ?? datasetId },
    optim: { ...base.optim, ...o.optim },
    pretrain: o.pretrain === undefined ? base.pretrain : o.pretrain,
    noisyStudent: {
      ...base.noisyStudent,
      ...o.noisyStudent,
      pseudoLabels: { ...base.noisyStudent.pseudoLabels, ...o.noisyStudent?.pseudoLabels },
      noise: { ...base.noisyStudent.noise, ...o.noisyStudent?.noise },
    },
    ...(o.reuseTeacher !== undefined ? { reuseTeacher: o.reuseTeacher } : {}),
  };
  return validateTrainConfig(merged);
}
