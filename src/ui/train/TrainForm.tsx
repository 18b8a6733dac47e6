/**
 * The settings of a new run: dataset, preset (the full-size network the app ships, or the tiny
 * one for a CPU), the model variant (Table 2's ladder) and the noisy-student switches of the
 * paper's ablations. Everything lands in the run's saved config.
 */
import { useState } from 'react';
import { ABLATION_PRESETS, type AblationId, mergeConfig } from '../../model/config';
import { PRESETS, type PresetName, type TrainConfig, variantModel } from '../../train/config';
import type { DatasetSummary } from '../datasets/datasetsStore';

export interface TrainFormProps {
  datasets: DatasetSummary[];
  defaultDatasetId: string | null;
  busy: boolean;
  onStart: (config: TrainConfig, name: string) => void;
}

interface FormState {
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

function fromPreset(preset: PresetName, datasetId: string, seed: number): FormState {
  const c = PRESETS[preset](datasetId, seed);
  return {
    datasetId,
    unlabelledId: '',
    preset,
    variant: 'frameAttention',
    seed,
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
    folds: 0,
    pretrainId: '',
    pretrainEpochs: 10,
  };
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

export function TrainForm({ datasets, defaultDatasetId, busy, onStart }: TrainFormProps) {
  const labelled = datasets.filter((d) => d.labelled);
  const first = defaultDatasetId ?? labelled[0]?.id ?? '';
  const [f, setF] = useState<FormState>(() => fromPreset('full', first, 1));
  const datasetId = labelled.some((d) => d.id === f.datasetId) ? f.datasetId : first;
  const set = (p: Partial<FormState>): void =>
    setF({ ...f, ...p, datasetId: p.datasetId ?? datasetId });
  const num = (key: keyof FormState, label: string, step = 1, min = 0) => (
    <label>
      {label}
      <input
        type="number"
        step={step}
        min={min}
        value={f[key] as number}
        data-testid={`train.${key}`}
        onChange={(e) => set({ [key]: Number(e.target.value) })}
      />
    </label>
  );
  const check = (key: 'balance' | 'noise' | 'soft', label: string) => (
    <label>
      <input
        type="checkbox"
        checked={f[key]}
        data-testid={`train.${key}`}
        onChange={(e) => set({ [key]: e.target.checked })}
      />
      {label}
    </label>
  );
  if (labelled.length === 0)
    return (
      <p data-testid="train.noDataset">Import or generate a labelled dataset first (Data tab).</p>
    );
  return (
    <form
      className="train-form"
      data-testid="train.form"
      onSubmit={(e) => {
        e.preventDefault();
        const name = `${f.preset} · ${f.variant} · seed ${f.seed}`;
        onStart(configFromForm({ ...f, datasetId }), name);
      }}
    >
      <fieldset>
        <legend>Data and network</legend>
        <label>
          Labelled dataset
          <select
            value={datasetId}
            data-testid="train.dataset"
            onChange={(e) => set({ datasetId: e.target.value })}
          >
            {labelled.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Unlabelled clips
          <select
            value={f.unlabelledId}
            data-testid="train.unlabelled"
            onChange={(e) => set({ unlabelledId: e.target.value })}
          >
            <option value="">the labelled dataset&apos;s unlabelled items</option>
            {datasets
              .filter((d) => d.id !== datasetId)
              .map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
          </select>
        </label>
        <label>
          Size
          <select
            value={f.preset}
            data-testid="train.preset"
            onChange={(e) => setF(fromPreset(e.target.value as PresetName, datasetId, f.seed))}
          >
            <option value="full">full (paper: 224 px, ResNet-18 widths x1.5, 100 epochs)</option>
            <option value="small">
              small (48 px, widths / 4: the CPU benchmark, minutes a run)
            </option>
            <option value="tiny">tiny (48 px, widths / 16: for tests)</option>
          </select>
        </label>
        <label>
          Network (Table 2)
          <select
            value={f.variant}
            data-testid="train.variant"
            onChange={(e) => set({ variant: e.target.value as AblationId })}
          >
            {ABLATION_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        {num('seed', 'Seed')}
        {num('framesPerClip', 'Frames per clip', 1, 1)}
        {num('folds', 'Cross-validation folds (0: one split; CK+: 10)', 1, 0)}
        <label>
          Pre-train on (images, one frame per clip)
          <select
            value={f.pretrainId}
            data-testid="train.pretrain"
            onChange={(e) => set({ pretrainId: e.target.value })}
          >
            <option value="">no pre-training</option>
            {labelled
              .filter((d) => d.id !== datasetId)
              .map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
          </select>
        </label>
        {f.pretrainId !== '' && num('pretrainEpochs', 'Pre-training epochs', 1, 1)}
      </fieldset>
      <fieldset>
        <legend>Optimisation</legend>
        {num('epochs', 'Teacher epochs', 1, 1)}
        {num('batchSize', 'Labelled clips per batch', 1, 1)}
        {num('microBatch', 'Clips per forward pass (0: whole batch; less memory)', 1, 0)}
        {num('learningRate', 'Learning rate (Adam)', 1e-5, 0)}
      </fieldset>
      <fieldset>
        <legend>Noisy student</legend>
        {num('iterations', 'Iterations', 1, 0)}
        {num('studentEpochs', 'Student epochs', 1, 1)}
        {num('batchRatio', 'Unlabelled : labelled per batch', 0.5, 0.5)}
        {num('unlabelledFraction', 'Share of unlabelled clips used', 0.05, 0.05)}
        {check('balance', 'Balance pseudo-labels')}
        {check('noise', 'Noise (RandAugment + dropout)')}
        {check('soft', 'Soft pseudo-labels')}
        <label>
          Student starts
          <select
            value={f.studentInit}
            data-testid="train.studentInit"
            onChange={(e) => set({ studentInit: e.target.value as 'scratch' | 'teacher' })}
          >
            <option value="scratch">from scratch</option>
            <option value="teacher">from the teacher</option>
          </select>
        </label>
        <label>
          Student depth
          <select
            value={f.studentDepth}
            data-testid="train.studentDepth"
            onChange={(e) => set({ studentDepth: Number(e.target.value) as 18 | 34 })}
          >
            <option value={18}>ResNet-18</option>
            <option value={34}>ResNet-34 (larger student)</option>
          </select>
        </label>
      </fieldset>
      <button type="submit" disabled={busy} data-testid="train.start">
        Start training
      </button>
    </form>
  );
}
