import { describe, expect, it } from 'vitest';
import { tinyTrainConfig } from '../../train/config';
import {
  changedFromPreset,
  configFromForm,
  FORM_KEY,
  fromPreset,
  fromRun,
  loadForm,
  parseStoredForm,
  resetToPreset,
  saveForm,
} from './formState';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

describe('the Train form state', () => {
  it('is kept: what is saved is what loads, damaged or older forms are ignored', () => {
    const storage = memoryStorage();
    expect(loadForm(storage)).toBeNull();
    const f = { ...fromPreset('tiny', 'ds-1', 3), epochs: 7, soft: true };
    saveForm(f, storage);
    expect(loadForm(storage)).toEqual(f);
    expect(parseStoredForm('{not json')).toBeNull();
    expect(parseStoredForm(JSON.stringify({ ...f, preset: 'huge' }))).toBeNull();
    expect(parseStoredForm(JSON.stringify({ ...f, epochs: '7' }))).toBeNull();
    const older: Partial<typeof f> = { ...f };
    delete older.folds;
    expect(parseStoredForm(JSON.stringify(older))).toBeNull();
    expect(FORM_KEY).toBe('fer.trainForm');
  });

  it('marks what differs from the preset, and resets one field or all', () => {
    const f = { ...fromPreset('tiny', 'ds-1', 3), epochs: 7, soft: true, seed: 9 };
    expect(changedFromPreset(f)).toEqual(['epochs', 'soft']); // the seed is not a preset value
    expect(resetToPreset(f, ['epochs']).epochs).toBe(30);
    expect(changedFromPreset(resetToPreset(f, ['epochs']))).toEqual(['soft']);
    expect(changedFromPreset(resetToPreset(f))).toEqual([]);
    expect(resetToPreset(f).seed).toBe(9);
  });

  it('shows a stored run as it was started: its size and values', () => {
    const c = {
      ...tinyTrainConfig('ds-2', 4),
      optim: { ...tinyTrainConfig('ds-2', 4).optim, epochs: 12 },
    };
    const f = fromRun(c);
    expect(f.preset).toBe('tiny');
    expect(f.epochs).toBe(12);
    expect(f.datasetId).toBe('ds-2');
    expect(configFromForm(f).optim).toEqual(c.optim);
    expect(configFromForm(f).model).toEqual(configFromForm(fromPreset('tiny', 'ds-2', 4)).model);
  });
});
