/**
 * The Train form's values (one flat record the inputs edit), the preset they start from, what the
 * user changed from it, the run config they make, and their keeping across reloads (issue 17
 * item 5: localStorage, else the latest run's settings, else the preset).
 */
import { ABLATION_PRESETS, type AblationId, mergeConfig } from '../../model/config';
import { PRESETS, type PresetName, type TrainConfig, variantModel } from '../../train/config';

export interface FormState {
  datasetId: string;
  unlabelledId: string;
  preset: PresetName;
  variant: AblationId;
  seed: number;
  epochs: number;
  studentEpochs: number;
  iterations: number;
  batchSize: number;
  /** Clips per forward pass; 0: the whole batch. */
  microBatch: number;
  framesPerClip: number;
  learningRate: number;
  batchRatio: number;
  balance: boolean;
  noise: boolean;
  soft: boolean;
  studentInit: 'scratch' | 'teacher';
  studentDepth: 18 | 34;
  unlabelledFraction: number;
  /** 0: one train / validation split; k >= 2: k-fold cross-validation. */
  folds: number;
  /** An image dataset to pre-train on ('' : none), and its epochs. */
  pretrainId: string;
  pretrainEpochs: number;
}

/** The fields a preset sets (the others: dataset choices, preset, seed, are the user's). */
export const PRESET_KEYS = [
  'variant',
  'epochs',
  'studentEpochs',
  'iterations',
  'batchSize',
  'microBatch',
  'framesPerClip',
  'learningRate',
  'batchRatio',
  'balance',
  'noise',
  'soft',
  'studentInit',
  'studentDepth',
  'unlabelledFraction',
  'folds',
  'pretrainEpochs',
] as const satisfies readonly (keyof FormState)[];
export type PresetKey = (typeof PRESET_KEYS)[number];

export function fromPreset(preset: PresetName, datasetId: string, seed: number): FormState {
  return fromConfig(PRESETS[preset](datasetId, seed), preset);
}

/** The form showing a stored config (made from `preset`). */
export function fromConfig(c: TrainConfig, preset: PresetName): FormState {
  return {
    datasetId: c.data.datasetId,
    unlabelledId: c.data.unlabelledDatasetId ?? '',
    preset,
    variant: 'frameAttention',
    seed: c.seed,
    epochs: c.optim.epochs,
    studentEpochs: c.noisyStudent.studentEpochs ?? c.optim.epochs,
    iterations: c.noisyStudent.iterations,
    batchSize: c.optim.batchSize,
    microBatch: c.optim.microBatch ?? 0,
    framesPerClip: c.data.framesPerClip,
    learningRate: c.optim.learningRate,
    batchRatio: c.noisyStudent.batchRatio,
    balance: c.noisyStudent.balance,
    noise: c.noisyStudent.noise.randAugment,
    soft: c.noisyStudent.pseudoLabels.mode === 'soft',
    studentInit: c.noisyStudent.studentInit,
    studentDepth: c.noisyStudent.studentDepth,
    unlabelledFraction: c.noisyStudent.unlabelledFraction,
    folds: c.data.folds ?? 0,
    pretrainId: c.pretrain?.datasetId ?? '',
    pretrainEpochs: c.pretrain?.epochs ?? 10,
  };
}

/** The preset whose network size (input size, widths) a stored config has; null: none. */
export function presetOf(c: TrainConfig): PresetName | null {
  const size = (m: TrainConfig['model']): string =>
    JSON.stringify([m.backbone?.inputSize ?? null, m.backbone?.widthMultiplier ?? null]);
  const names = Object.keys(PRESETS) as PresetName[];
  return names.find((p) => size(PRESETS[p]('', 1).model) === size(c.model)) ?? null;
}

/** The form a stored run was started with (its preset guessed from its network size). */
export function fromRun(c: TrainConfig): FormState {
  return fromConfig(c, presetOf(c) ?? 'full');
}

export function configFromForm(f: FormState): TrainConfig {
  const base = PRESETS[f.preset](f.datasetId, f.seed);
  const variant = variantModel(f.variant);
  return {
    ...base,
    model: mergeConfig(variant, base.model),
    data: {
      ...base.data,
      unlabelledDatasetId: f.unlabelledId || null,
      framesPerClip: f.framesPerClip,
      folds: f.folds >= 2 ? f.folds : null,
    },
    pretrain: f.pretrainId ? { datasetId: f.pretrainId, epochs: f.pretrainEpochs } : null,
    optim: {
      ...base.optim,
      epochs: f.epochs,
      batchSize: f.batchSize,
      microBatch: f.microBatch >= 1 ? f.microBatch : null,
      learningRate: f.learningRate,
    },
    noisyStudent: {
      ...base.noisyStudent,
      iterations: f.iterations,
      studentEpochs: f.studentEpochs,
      batchRatio: f.batchRatio,
      balance: f.balance,
      pseudoLabels: { ...base.noisyStudent.pseudoLabels, mode: f.soft ? 'soft' : 'hard' },
      noise: { randAugment: f.noise, dropout: f.noise ? base.noisyStudent.noise.dropout : 0 },
      studentInit: f.studentInit,
      studentDepth: f.studentDepth,
      unlabelledFraction: f.unlabelledFraction,
    },
  };
}

/** The fields whose value differs from the form's preset. */
export function changedFromPreset(f: FormState): PresetKey[] {
  const p = fromPreset(f.preset, f.datasetId, f.seed);
  return PRESET_KEYS.filter((k) => f[k] !== p[k]);
}

/** `keys` (all preset fields when absent) set back to the preset's values. */
export function resetToPreset(f: FormState, keys: readonly PresetKey[] = PRESET_KEYS): FormState {
  const p = fromPreset(f.preset, f.datasetId, f.seed);
  const next = { ...f };
  for (const k of keys) Object.assign(next, { [k]: p[k] });
  return next;
}

export const FORM_KEY = 'fer.trainForm';

/** A stored form, if it has every field with the right type (older or damaged ones: null). */
export function parseStoredForm(raw: string | null): FormState | null {
  if (raw === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const template = fromPreset('full', '', 1);
  for (const [k, t] of Object.entries(template)) if (typeof o[k] !== typeof t) return null;
  if (!(typeof o.preset === 'string' && o.preset in PRESETS)) return null;
  if (!ABLATION_PRESETS.some((p) => p.id === o.variant)) return null;
  if (o.studentInit !== 'scratch' && o.studentInit !== 'teacher') return null;
  if (o.studentDepth !== 18 && o.studentDepth !== 34) return null;
  const picked = Object.fromEntries(Object.keys(template).map((k) => [k, o[k]]));
  return picked as unknown as FormState;
}

export function loadForm(storage: Pick<Storage, 'getItem'> = localStorage): FormState | null {
  try {
    return parseStoredForm(storage.getItem(FORM_KEY));
  } catch {
    return null;
  }
}

export function saveForm(f: FormState, storage: Pick<Storage, 'setItem'> = localStorage): void {
  try {
    storage.setItem(FORM_KEY, JSON.stringify(f));
  } catch {
    // storage full or disabled: the form still works, it is just not kept
  }
}
