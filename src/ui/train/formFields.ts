/**
 * The words of the Train form: per field its label, unit and one-line help, and the groups the
 * fields are shown in, as the paper groups its settings (Sec. 4.1 "Implementation Details":
 * the model, the teacher's training, the noisy-student loop, data and augmentation; and the
 * compute this browser spends).
 */
import type { FormState } from './formState';

export interface FieldText {
  label: string;
  /** Shown after the input (e.g. "epochs"); empty: none. */
  unit: string;
  help: string;
}

export const FIELD_TEXT: Record<keyof FormState, FieldText> = {
  datasetId: {
    label: 'Labelled dataset',
    unit: '',
    help: 'Its train / validation (/ test) splits, or a seeded split, give the clips.',
  },
  unlabelledId: {
    label: 'Unlabelled clips',
    unit: '',
    help: 'Where the teacher finds clips to pseudo-label (paper: AFEW uses extra videos).',
  },
  preset: {
    label: 'Size',
    unit: '',
    help: 'Sets every value below; full is the paper, small and tiny fit a CPU.',
  },
  variant: {
    label: 'Network (Table 2)',
    unit: '',
    help: 'A row of the paper’s ablation ladder; the last is the full model.',
  },
  seed: {
    label: 'Seed',
    unit: '',
    help: 'One seed for initialisation, shuffling, augmentation and pseudo-labels.',
  },
  epochs: { label: 'Teacher epochs', unit: 'epochs', help: 'Passes over the labelled clips.' },
  batchSize: {
    label: 'Labelled clips per batch',
    unit: 'clips',
    help: 'Labelled clips in one optimiser step.',
  },
  learningRate: {
    label: 'Learning rate',
    unit: 'Adam',
    help: 'Initial rate, reduced by 40 % every few epochs (paper: 1e-5).',
  },
  pretrainId: {
    label: 'Pre-train on',
    unit: '',
    help: 'An image dataset, one frame per clip, trained on before the teacher.',
  },
  pretrainEpochs: {
    label: 'Pre-training epochs',
    unit: 'epochs',
    help: 'Passes over the pre-training images.',
  },
  iterations: {
    label: 'Student iterations',
    unit: 'students',
    help: 'Each student becomes the next teacher (0: supervised only).',
  },
  studentEpochs: { label: 'Student epochs', unit: 'epochs', help: 'Epochs of each student.' },
  batchRatio: {
    label: 'Unlabelled : labelled',
    unit: 'per labelled clip',
    help: 'Pseudo-labelled clips per labelled clip in a batch (paper: 2–3 for AFEW).',
  },
  unlabelledFraction: {
    label: 'Unlabelled share used',
    unit: 'of the pool',
    help: 'The paper’s data-size ablation: 1 uses every unlabelled clip.',
  },
  balance: {
    label: 'Balance pseudo-labels',
    unit: '',
    help: 'Match the labelled class distribution (duplicate or drop clips).',
  },
  soft: {
    label: 'Soft pseudo-labels',
    unit: '',
    help: 'Train on the teacher’s probabilities instead of its top class.',
  },
  studentInit: {
    label: 'Student starts',
    unit: '',
    help: 'A fresh network (paper) or the teacher’s weights, fine-tuned.',
  },
  studentDepth: {
    label: 'Student depth',
    unit: '',
    help: 'ResNet-34 is the paper’s larger-student ablation.',
  },
  framesPerClip: {
    label: 'Frames per clip',
    unit: 'frames',
    help: 'Frames sampled from each clip, T.',
  },
  folds: {
    label: 'Cross-validation folds',
    unit: 'folds',
    help: '0: one train / validation split; CK+ uses 10.',
  },
  noise: {
    label: 'Noise',
    unit: '',
    help: 'RandAugment on the student’s inputs and dropout before its classifier.',
  },
  microBatch: {
    label: 'Clips per forward pass',
    unit: 'clips',
    help: '0: the whole batch at once; fewer use less memory, same gradients.',
  },
};

export type GroupId = 'model' | 'teacher' | 'student' | 'data' | 'compute';

export const GROUPS: readonly { id: GroupId; legend: string; keys: (keyof FormState)[] }[] = [
  { id: 'model', legend: 'Model', keys: ['preset', 'variant'] },
  {
    id: 'teacher',
    legend: 'Teacher training',
    keys: ['epochs', 'batchSize', 'learningRate', 'pretrainId', 'pretrainEpochs'],
  },
  {
    id: 'student',
    legend: 'Noisy student',
    keys: [
      'iterations',
      'studentEpochs',
      'batchRatio',
      'unlabelledFraction',
      'balance',
      'soft',
      'studentInit',
      'studentDepth',
    ],
  },
  {
    id: 'data',
    legend: 'Data and augmentation',
    keys: ['datasetId', 'unlabelledId', 'framesPerClip', 'folds', 'noise'],
  },
  { id: 'compute', legend: 'Compute', keys: ['microBatch', 'seed'] },
];
