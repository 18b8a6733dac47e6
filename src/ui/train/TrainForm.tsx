/**
 * The settings of a new run, as a grid grouped as the paper groups them (./formFields.ts): each
 * row a label, the input with its unit, the preset's value (marked when changed, with a reset)
 * and a one-line help. The values are kept across reloads (./formState.ts); "Start training"
 * estimates the run's duration first and asks above an hour (./startGuard.ts).
 */
import { type ReactNode, useState } from 'react';
import { ABLATION_PRESETS, type AblationId } from '../../model/config';
import type { PresetName, TrainConfig } from '../../train/config';
import type { DatasetSummary } from '../datasets/datasetsStore';
import { GROUPS } from './formFields';
import { FormRow } from './FormRow';
import {
  changedFromPreset,
  configFromForm,
  type FormState,
  fromPreset,
  fromRun,
  loadForm,
  PRESET_KEYS,
  type PresetKey,
  resetToPreset,
  saveForm,
} from './formState';
import { StartConfirm } from './StartConfirm';
import { clipCounts, useStartGuard } from './startGuard';

export interface TrainFormProps {
  datasets: DatasetSummary[];
  defaultDatasetId: string | null;
  busy: boolean;
  onStart: (config: TrainConfig, name: string) => void;
  /** The active (or latest) run's config: the form shows it when no form was kept. */
  restoreFrom?: { name: string; config: TrainConfig } | null;
}

const PRESET_LABELS: Record<PresetName, string> = {
  full: 'full (paper: 224 px, ResNet-18 widths x1.5, 100 epochs)',
  small: 'small (48 px, widths / 4: the CPU benchmark, minutes a run)',
  tiny: 'tiny (48 px, widths / 16: for tests)',
};
const STUDENT_INIT = { scratch: 'from scratch', teacher: 'from the teacher' } as const;
const DEPTH = { 18: 'ResNet-18', 34: 'ResNet-34 (larger student)' } as const;
const NUMBER_INPUT: Partial<Record<keyof FormState, { step: number; min: number }>> = {
  seed: { step: 1, min: 0 },
  epochs: { step: 1, min: 1 },
  studentEpochs: { step: 1, min: 1 },
  iterations: { step: 1, min: 0 },
  batchSize: { step: 1, min: 1 },
  microBatch: { step: 1, min: 0 },
  framesPerClip: { step: 1, min: 1 },
  learningRate: { step: 1e-5, min: 0 },
  batchRatio: { step: 0.5, min: 0.5 },
  unlabelledFraction: { step: 0.05, min: 0.05 },
  folds: { step: 1, min: 0 },
  pretrainEpochs: { step: 1, min: 1 },
};

/** A preset value in words, as its input shows it. */
function words(key: PresetKey, v: FormState[PresetKey]): string {
  if (key === 'variant') return ABLATION_PRESETS.find((p) => p.id === v)?.label ?? String(v);
  if (key === 'studentInit') return STUDENT_INIT[v as 'scratch' | 'teacher'];
  if (key === 'studentDepth') return DEPTH[v as 18 | 34];
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return String(v);
}

type Kept = 'stored' | 'edited' | 'run' | 'preset';

export function TrainForm({
  datasets,
  defaultDatasetId,
  busy,
  onStart,
  restoreFrom = null,
}: TrainFormProps) {
  const labelled = datasets.filter((d) => d.labelled);
  const first = defaultDatasetId ?? labelled[0]?.id ?? '';
  // The user's form (kept in localStorage) once there is one; else the run that trains (or
  // trained last), else the full preset.
  const [own, setOwn] = useState<{ f: FormState; stored: boolean } | null>(() => {
    const stored = loadForm();
    return stored ? { f: stored, stored: true } : null;
  });
  const f = own?.f ?? (restoreFrom ? fromRun(restoreFrom.config) : fromPreset('full', first, 1));
  const kept: Kept = own ? (own.stored ? 'stored' : 'edited') : restoreFrom ? 'run' : 'preset';
  const guard = useStartGuard();
  const datasetId = labelled.some((d) => d.id === f.datasetId) ? f.datasetId : first;
  const update = (next: FormState): void => {
    saveForm(next);
    setOwn({ f: next, stored: own?.stored ?? false });
  };
  const set = (p: Partial<FormState>): void =>
    update({ ...f, ...p, datasetId: p.datasetId ?? datasetId });
  const preset = fromPreset(f.preset, datasetId, f.seed);
  const changed = new Set(changedFromPreset({ ...f, datasetId }));

  const control = (key: keyof FormState, p: { id: string; 'aria-describedby': string }) => {
    const sel = (value: string | number, options: ReactNode, onChange: (v: string) => void) => (
      <select
        {...p}
        value={value}
        data-testid={`train.${key === 'datasetId' ? 'dataset' : key === 'unlabelledId' ? 'unlabelled' : key === 'pretrainId' ? 'pretrain' : key}`}
        onChange={(e) => onChange(e.target.value)}
      >
        {options}
      </select>
    );
    const others = (exclude: string) =>
      labelled
        .filter((d) => d.id !== exclude)
        .map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ));
    switch (key) {
      case 'datasetId':
        return sel(datasetId, others(''), (v) => set({ datasetId: v }));
      case 'unlabelledId':
        return sel(
          f.unlabelledId,
          <>
            <option value="">the labelled dataset&apos;s unlabelled items</option>
            {datasets
              .filter((d) => d.id !== datasetId)
              .map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
          </>,
          (v) => set({ unlabelledId: v }),
        );
      case 'pretrainId':
        return sel(
          f.pretrainId,
          <>
            <option value="">no pre-training</option>
            {others(datasetId)}
          </>,
          (v) => set({ pretrainId: v }),
        );
      case 'preset':
        return sel(
          f.preset,
          (Object.keys(PRESET_LABELS) as PresetName[]).map((n) => (
            <option key={n} value={n}>
              {PRESET_LABELS[n]}
            </option>
          )),
          // A new size sets every preset value; the dataset choices and the seed stay.
          (v) =>
            update({
              ...fromPreset(v as PresetName, datasetId, f.seed),
              unlabelledId: f.unlabelledId,
              pretrainId: f.pretrainId,
            }),
        );
      case 'variant':
        return sel(
          f.variant,
          ABLATION_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          )),
          (v) => set({ variant: v as AblationId }),
        );
      case 'studentInit':
        return sel(
          f.studentInit,
          Object.entries(STUDENT_INIT).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          )),
          (v) => set({ studentInit: v as 'scratch' | 'teacher' }),
        );
      case 'studentDepth':
        return sel(
          f.studentDepth,
          Object.entries(DEPTH).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          )),
          (v) => set({ studentDepth: Number(v) as 18 | 34 }),
        );
      case 'balance':
      case 'noise':
      case 'soft':
        return (
          <input
            {...p}
            type="checkbox"
            checked={f[key]}
            data-testid={`train.${key}`}
            onChange={(e) => set({ [key]: e.target.checked })}
          />
        );
      default: {
        const n = NUMBER_INPUT[key] ?? { step: 1, min: 0 };
        return (
          <input
            {...p}
            type="number"
            step={n.step}
            min={n.min}
            value={f[key]}
            data-testid={`train.${key}`}
            onChange={(e) => set({ [key]: Number(e.target.value) })}
          />
        );
      }
    }
  };

  if (labelled.length === 0)
    return (
      <p data-testid="train.noDataset">Import or generate a labelled dataset first (Data tab).</p>
    );
  const isPresetKey = (k: keyof FormState): k is PresetKey =>
    (PRESET_KEYS as readonly string[]).includes(k);
  return (
    <form
      className="train-form"
      data-testid="train.form"
      data-kept={kept}
      onSubmit={(e) => {
        e.preventDefault();
        const name = `${f.preset} · ${f.variant} · seed ${f.seed}`;
        const config = configFromForm({ ...f, datasetId });
        void guard.request(config, name, clipCounts(config, datasets), onStart);
      }}
    >
      <p className="muted" data-testid="train.kept">
        {kept === 'stored'
          ? 'Your settings from the last visit; changed values are marked against the preset.'
          : kept === 'run'
            ? `The settings of “${restoreFrom?.name ?? 'the last run'}”.`
            : kept === 'edited'
              ? 'Values changed from the preset are marked.'
              : 'The preset’s values; changed values are marked.'}{' '}
        <button
          type="button"
          className="link"
          disabled={changed.size === 0}
          data-testid="train.resetAll"
          onClick={() => update(resetToPreset({ ...f, datasetId }))}
        >
          Reset all to the preset
        </button>
      </p>
      {GROUPS.map((g) => (
        <fieldset key={g.id} className="field-grid" data-testid={`train.group.${g.id}`}>
          <legend>{g.legend}</legend>
          {g.keys
            .filter((k) => k !== 'pretrainEpochs' || f.pretrainId !== '')
            .map((k) => (
              <FormRow
                key={k}
                field={k}
                {...(isPresetKey(k)
                  ? {
                      presetValue: words(k, preset[k]),
                      changed: changed.has(k),
                      onReset: () => update(resetToPreset({ ...f, datasetId }, [k])),
                    }
                  : {})}
              >
                {(p) => control(k, p)}
              </FormRow>
            ))}
        </fieldset>
      ))}
      <button type="submit" disabled={busy || guard.phase !== 'idle'} data-testid="train.start">
        {guard.phase === 'estimating' ? 'Estimating the duration…' : 'Start training'}
      </button>
      <StartConfirm />
    </form>
  );
}
