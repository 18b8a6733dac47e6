/**
 * The training config's schema (zod, src/schema/fields.ts): `trainConfigSchema` checks a whole
 * config (validateTrainConfig in ./config.ts, which also holds the documented types and the
 * presets); `trainFileSchema` is what a file or the CLI gives, a preset name plus any subset of
 * fields (parseTrainConfig), and the `base` / `runs[].train` blocks of experiments/schema.json.
 */
import * as z from 'zod/mini';
import { CANONICAL_CLASSES } from '../ingest/labels';
import { modelConfigInputSchema, modelConfigSchema } from '../model/config';
import { ABLATION_PRESETS, type AblationId } from '../model/presets';
import { block, bool, doc, int, num, oneOf, oneOfNumbers, text } from '../schema/fields';

/** The presets parseTrainConfig starts from (./config.ts `PRESETS` has one function per name). */
export const PRESET_NAMES = ['full', 'small', 'tiny'] as const;

const positive = int('an integer ≥ 1', { min: 1 });

const data = {
  datasetId: doc(text(), 'The labelled dataset (its id); the CLI and experiments fill it in.'),
  unlabelledDatasetId: doc(
    z.nullable(z.string({ error: 'a dataset id or null' })),
    "Unlabelled clips come from this dataset (null: the labelled dataset's own).",
  ),
  framesPerClip: doc(positive, 'Frames sampled per clip, T.'),
  valFraction: doc(
    num('a number in (0, 1)', { gt: 0, lt: 1 }),
    'Validation share when the dataset has no splits.',
  ),
  folds: doc(
    z.nullable(int('null or an integer ≥ 2', { min: 2 })),
    'k-fold cross-validation (k ≥ 2), null: one train / validation split.',
  ),
  evalUnit: doc(
    z.optional(oneOf(['item', 'clip'])),
    "What validation and test score: 'item' (default) one example per video, 'clip' each mined clip.",
  ),
  cacheBytes: doc(
    int('a whole number of bytes ≥ 0', { min: 0 }),
    'Decoded-frame cache of the loader, bytes.',
  ),
};

const optim = {
  learningRate: doc(num('a positive number', { gt: 0 }), "Adam's initial rate (paper: 1e-5)."),
  decayFactor: doc(
    num('a number in (0, 1]', { gt: 0, max: 1 }),
    'Rate multiplier every decayEvery epochs (paper: 0.6).',
  ),
  decayEvery: doc(positive, 'Epochs between rate decays (paper: 30).'),
  epochs: doc(positive, 'Epochs per training phase (paper: 100).'),
  batchSize: doc(positive, 'Labelled clips per batch.'),
  microBatch: doc(
    z.optional(z.nullable(int('null or an integer ≥ 1', { min: 1 }))),
    'Clips per forward/backward pass (gradients summed); null: the whole batch.',
  ),
  classWeights: doc(
    oneOf(['balanced', 'none']),
    "'balanced': class weights n / (C n_c) (paper); 'none': all 1.",
  ),
};

const pretrain = block({
  datasetId: doc(text(), 'An image dataset: each image is a one-frame clip.'),
  epochs: positive,
});

const pseudoLabels = {
  mode: doc(oneOf(['hard', 'soft']), "The teacher's outputs as one-hot or soft targets."),
  minConfidence: doc(
    num('a number in [0, 1]', { min: 0, max: 1 }),
    'Predictions less confident than this are dropped.',
  ),
};

const magnitudeEnd = int('an integer in [0, 10]', { min: 0, max: 10 });
const noise = {
  randAugment: doc(bool(), "RandAugment on the student's inputs."),
  dropout: doc(
    num('a number in [0, 1)', { min: 0, lt: 1 }),
    "Dropout before the student's classifier (paper: 0.5).",
  ),
  magnitude: doc(
    z.optional(
      z
        .tuple([magnitudeEnd, magnitudeEnd], { error: '[min, max]' })
        .check(z.refine(([lo, hi]) => lo <= hi, { error: 'must be [min, max] with min ≤ max' })),
    ),
    "RandAugment's magnitude range [min, max] in 0..10; absent: [0, 9].",
  ),
};

const noisyStudent = {
  iterations: doc(
    int('an integer ≥ 0', { min: 0 }),
    'Student iterations after the teacher (0: supervised only).',
  ),
  batchRatio: doc(
    num('a positive number', { gt: 0 }),
    'Unlabelled clips per labelled clip in each step.',
  ),
  balance: doc(bool(), 'Match the labelled class distribution.'),
  studentInit: doc(
    oneOf(['scratch', 'teacher']),
    "'scratch': a fresh student; 'teacher': start from the teacher's weights.",
  ),
  studentDepth: doc(oneOfNumbers([18, 34]), 'ResNet depth of the students.'),
  unlabelledFraction: doc(
    num('a number in (0, 1]', { gt: 0, max: 1 }),
    'Share of the unlabelled clips used.',
  ),
  stopWhenNoGain: doc(bool(), "Stop when a student does not beat its teacher's accuracy."),
  studentEpochs: doc(z.nullable(positive), 'Epochs per student (null: optim.epochs).'),
  learningRate: doc(
    z.optional(z.nullable(num('null or a positive number', { gt: 0 }))),
    "A student's initial learning rate (absent or null: optim.learningRate).",
  ),
};

const classes = z
  .array(oneOf(CANONICAL_CLASSES), { error: 'a list of at least two classes' })
  .check(
    z.minLength(2, { error: 'a list of at least two classes' }),
    z.refine((cs) => new Set(cs).size === cs.length, { error: 'must be distinct (each once)' }),
  );

const seed = doc(
  int('an integer ≥ 0', { min: 0 }),
  'The one seed of the run: initialisation, shuffling, augmentation, dropout, pseudo-labels.',
);
const reuseTeacher = doc(
  z.optional(bool()),
  'Copy the teacher of a stored run with the same teacher settings instead of training it.',
);

/** A whole training config; the model block is filled and checked as validateModelConfig does. */
export const trainConfigSchema = block({
  seed,
  classes,
  model: modelConfigSchema,
  data: block(data),
  optim: block(optim),
  pretrain: z.nullable(pretrain),
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
  preset: doc(
    z.optional(oneOf(PRESET_NAMES)),
    "The preset the fields below override (absent: 'full', the paper's settings).",
  ),
  variant: doc(
    z.optional(oneOf(ablationIds)),
    "The model of one of Table 2's rows (absent: the full model).",
  ),
  seed: z.optional(seed),
  classes: z.optional(classes),
  model: z.optional(modelConfigInputSchema),
  data: z.optional(z.partial(block(data))),
  optim: z.optional(z.partial(block(optim))),
  pretrain: z.optional(z.nullable(pretrain)),
  noisyStudent: z.optional(
    z.partial(
      block({
        ...noisyStudent,
        pseudoLabels: z.partial(block(pseudoLabels)),
        noise: z.partial(block(noise)),
      }),
    ),
  ),
  reuseTeacher,
});

export type TrainFile = z.output<typeof trainFileSchema>;
