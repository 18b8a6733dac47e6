/**
 * The training config's schema (zod, src/schema/fields.ts): `trainConfigSchema` checks a whole
 * config (validateTrainConfig in ./config.ts, which also holds the documented types and the
 * presets); `trainFileSchema` is what a file or the CLI gives, a preset name plus any subset of
 * fields (parseTrainConfig), and the `base` / `runs[].train` blocks of experiments/schema.json.
 */
import { z } from 'zod';
import { CANONICAL_CLASSES } from '../ingest/labels';
import { modelConfigInputSchema, modelConfigSchema } from '../model/config';
import { ABLATION_PRESETS, type AblationId } from '../model/presets';
import { block, bool, int, num, oneOf, oneOfNumbers, text } from '../schema/fields';

/** The presets parseTrainConfig starts from (./config.ts `PRESETS` has one function per name). */
export const PRESET_NAMES = ['full', 'small', 'tiny'] as const;

const positive = int('an integer ≥ 1', { min: 1 });

const data = {
  datasetId: text().describe('The labelled dataset (its id); the CLI and experiments fill it in.'),
  unlabelledDatasetId: z
    .string({ error: 'a dataset id or null' })
    .nullable()
    .describe("Unlabelled clips come from this dataset (null: the labelled dataset's own)."),
  framesPerClip: positive.describe('Frames sampled per clip, T.'),
  valFraction: num('a number in (0, 1)', { gt: 0, lt: 1 }).describe(
    'Validation share when the dataset has no splits.',
  ),
  folds: int('null or an integer ≥ 2', { min: 2 })
    .nullable()
    .describe('k-fold cross-validation (k ≥ 2), null: one train / validation split.'),
  cacheBytes: int('a whole number of bytes ≥ 0', { min: 0 }).describe(
    'Decoded-frame cache of the loader, bytes.',
  ),
};

const optim = {
  learningRate: num('a positive number', { gt: 0 }).describe("Adam's initial rate (paper: 1e-5)."),
  decayFactor: num('a number in (0, 1]', { gt: 0, max: 1 }).describe(
    'Rate multiplier every decayEvery epochs (paper: 0.6).',
  ),
  decayEvery: positive.describe('Epochs between rate decays (paper: 30).'),
  epochs: positive.describe('Epochs per training phase (paper: 100).'),
  batchSize: positive.describe('Labelled clips per batch.'),
  microBatch: int('null or an integer ≥ 1', { min: 1 })
    .nullable()
    .optional()
    .describe('Clips per forward/backward pass (gradients summed); null: the whole batch.'),
  classWeights: oneOf(['balanced', 'none']).describe(
    "'balanced': class weights n / (C n_c) (paper); 'none': all 1.",
  ),
};

const pretrain = block({
  datasetId: text().describe('An image dataset: each image is a one-frame clip.'),
  epochs: positive,
});

const pseudoLabels = {
  mode: oneOf(['hard', 'soft']).describe("The teacher's outputs as one-hot or soft targets."),
  minConfidence: num('a number in [0, 1]', { min: 0, max: 1 }).describe(
    'Predictions less confident than this are dropped.',
  ),
};

const magnitudeEnd = int('an integer in [0, 10]', { min: 0, max: 10 });
const noise = {
  randAugment: bool().describe("RandAugment on the student's inputs."),
  dropout: num('a number in [0, 1)', { min: 0, lt: 1 }).describe(
    "Dropout before the student's classifier (paper: 0.5).",
  ),
  magnitude: z
    .tuple([magnitudeEnd, magnitudeEnd], { error: '[min, max]' })
    .refine(([lo, hi]) => lo <= hi, { error: 'must be [min, max] with min ≤ max' })
    .optional()
    .describe("RandAugment's magnitude range [min, max] in 0..10; absent: [0, 9]."),
};

const noisyStudent = {
  iterations: int('an integer ≥ 0', { min: 0 }).describe(
    'Student iterations after the teacher (0: supervised only).',
  ),
  batchRatio: num('a positive number', { gt: 0 }).describe(
    'Unlabelled clips per labelled clip in each step.',
  ),
  balance: bool().describe('Match the labelled class distribution.'),
  studentInit: oneOf(['scratch', 'teacher']).describe(
    "'scratch': a fresh student; 'teacher': start from the teacher's weights.",
  ),
  studentDepth: oneOfNumbers([18, 34]).describe('ResNet depth of the students.'),
  unlabelledFraction: num('a number in (0, 1]', { gt: 0, max: 1 }).describe(
    'Share of the unlabelled clips used.',
  ),
  stopWhenNoGain: bool().describe("Stop when a student does not beat its teacher's accuracy."),
  studentEpochs: positive.nullable().describe('Epochs per student (null: optim.epochs).'),
  learningRate: num('null or a positive number', { gt: 0 })
    .nullable()
    .optional()
    .describe("A student's initial learning rate (absent or null: optim.learningRate)."),
};

const classes = z
  .array(oneOf(CANONICAL_CLASSES), { error: 'a list of at least two classes' })
  .min(2, { error: 'a list of at least two classes' })
  .refine((cs) => new Set(cs).size === cs.length, { error: 'must be distinct (each once)' });

const seed = int('an integer ≥ 0', { min: 0 }).describe(
  'The one seed of the run: initialisation, shuffling, augmentation, dropout, pseudo-labels.',
);
const reuseTeacher = bool()
  .optional()
  .describe(
    'Copy the teacher of a stored run with the same teacher settings instead of training it.',
  );

/** A whole training config; the model block is filled and checked as validateModelConfig does. */
export const trainConfigSchema = block({
  seed,
  classes,
  model: modelConfigSchema,
  data: block(data),
  optim: block(optim),
  pretrain: pretrain.nullable(),
  noisyStudent: block({
    ...noisyStudent,
    pseudoLabels: block(pseudoLabels),
    noise: block(noise),
  }),
  reuseTeacher,
});

const ablationIds = ABLATION_PRESETS.map((p) => p.id) as [AblationId, ...AblationId[]];

/** A training config as a file gives it: a preset, a Table 2 variant and overrides, all optional. */
export const trainFileSchema = block({
  preset: oneOf(PRESET_NAMES)
    .optional()
    .describe("The preset the fields below override (absent: 'full', the paper's settings)."),
  variant: oneOf(ablationIds)
    .optional()
    .describe("The model of one of Table 2's rows (absent: the full model)."),
  seed: seed.optional(),
  classes: classes.optional(),
  model: modelConfigInputSchema.optional(),
  data: block(data).partial().optional(),
  optim: block(optim).partial().optional(),
  pretrain: pretrain.nullable().optional(),
  noisyStudent: block({
    ...noisyStudent,
    pseudoLabels: block(pseudoLabels).partial(),
    noise: block(noise).partial(),
  })
    .partial()
    .optional(),
  reuseTeacher,
});

export type TrainFile = z.output<typeof trainFileSchema>;
