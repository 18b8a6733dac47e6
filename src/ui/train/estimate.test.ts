import { describe, expect, it } from 'vitest';
import { tinyTrainConfig, type TrainConfig } from '../../train/config';
import { newRunRecord } from '../../train/run/plan';
import type { EpochRecord, RunRecord } from '../../train/run/record';
import {
  CONFIRM_ABOVE_MS,
  estimateRun,
  formatDuration,
  missingRates,
  needsConfirmation,
  planWork,
  recordedRates,
  sizeKey,
} from './estimate';

function epoch(ms: number, clipsPerSec: number): EpochRecord {
  return {
    epoch: 0,
    learningRate: 1e-3,
    trainLoss: 1,
    trainAccuracy: 0,
    valLoss: 1,
    valAccuracy: 0,
    valMacroF1: 0,
    ms,
    clipsPerSec,
    numTensors: 0,
    numBytes: 0,
  };
}

/** A stored tiny run on `backend` whose teacher trained 40 clips at 20 clips/s + 10 val clips. */
function storedRun(config: TrainConfig, backend: string, updatedAt = 1): RunRecord {
  const run = newRunRecord(config, `run-${backend}`, `old ${backend}`, 0);
  run.updatedAt = updatedAt;
  run.environment = {
    backend,
    backendReason: '',
    device: '',
    tfjsVersion: '',
    appVersion: '',
    userAgent: '',
  };
  const teacher = run.phases[0];
  if (!teacher) throw new Error('no teacher');
  teacher.data = { train: 40, val: 10, pseudo: 0 };
  // Epoch 0 is a slow warm-up (left out); then 40 clips at 20 clips/s = 2 s, + 0.5 s validation.
  teacher.epochs = [epoch(9000, 5), epoch(2500, 20), epoch(2500, 20)];
  return run;
}

const config = (): TrainConfig => ({
  ...tinyTrainConfig('d', 1),
  optim: { ...tinyTrainConfig('d', 1).optim, batchSize: 4, epochs: 10 },
  noisyStudent: {
    ...tinyTrainConfig('d', 1).noisyStudent,
    iterations: 1,
    studentEpochs: 5,
    batchRatio: 2,
  },
});

describe('the duration estimate: steps x measured step time', () => {
  it('takes the step time of a stored run on the same backend and network size', () => {
    const c = config();
    const rates = recordedRates([storedRun(c, 'webgpu', 2), storedRun(c, 'wasm', 1)], 'wasm');
    const plan = planWork(c, { labelled: 50, unlabelled: 30, pretrain: 0 });
    expect(plan.map((p) => p.key)).toEqual([plan[0]?.key, plan[0]?.key]); // student: same size
    const rate = rates.get(plan[0]?.key ?? '');
    expect(rate?.source).toBe('run “old wasm”');
    expect(rate?.trainMsPerClip).toBeCloseTo(50, 9); // 1000 / 20 clips per second
    expect(rate?.evalMsPerClip).toBeCloseTo(50, 9); // (2500 - 40 x 50) / 10
    // 50 labelled: 10 validate, 40 train -> 10 steps of 4; the student: 30 pseudo / 8 -> 4
    // steps, so 10 steps of 4 + 8 clips.
    expect(plan.map((p) => [p.epochs, p.stepsPerEpoch, p.trainClips, p.valClips])).toEqual([
      [10, 10, 40, 10],
      [5, 10, 120, 10],
    ]);
    const e = estimateRun(plan, rates);
    // 10 x (40 + 10) x 50 + 5 x (120 + 10) x 50 + 30 x 50 (pseudo-labelling)
    expect(e.ms).toBe(25_000 + 32_500 + 1_500);
    expect(e.steps).toBe(10 * 10 + 5 * 10);
    expect(e.sources).toEqual(['run “old wasm”']);
  });

  it('asks for a warm-up step where no stored run matches (other backend, other size)', () => {
    const c = config();
    const plan = planWork(c, { labelled: 50, unlabelled: 30, pretrain: 0 });
    expect(missingRates(plan, recordedRates([storedRun(c, 'webgpu')], 'wasm'), c)).toHaveLength(1);
    // Same backend, other kernels (the fused WebGPU ones time differently from tfjs's).
    const fused = storedRun(c, 'webgpu');
    if (fused.environment) fused.environment.kernels = 'fused';
    expect(missingRates(plan, recordedRates([fused], 'webgpu', 'tfjs'), c)).toHaveLength(1);
    expect(missingRates(plan, recordedRates([fused], 'webgpu', 'fused'), c)).toHaveLength(0);
    // A run recorded before `kernels` existed ran the stock ones.
    expect(missingRates(plan, recordedRates([storedRun(c, 'webgpu')], 'webgpu'), c)).toHaveLength(
      0,
    );
    const bigger = { ...c, data: { ...c.data, framesPerClip: 8 } };
    const other = planWork(bigger, { labelled: 50, unlabelled: 30, pretrain: 0 });
    const missing = missingRates(other, recordedRates([storedRun(c, 'wasm')], 'wasm'), bigger);
    expect(missing.map((m) => m.request.framesPerClip)).toEqual([8]);
    expect(missing[0]?.request.clips).toBe(2);
    expect(() => estimateRun(other, new Map())).toThrow(/No step time/);
    const model = other[0]?.model;
    if (!model) throw new Error('no phase');
    expect(sizeKey(model, 8)).not.toBe(sizeKey(model, 4));
  });

  it('asks for a confirmation above an hour, not at or below it', () => {
    expect(CONFIRM_ABOVE_MS).toBe(3_600_000);
    expect(needsConfirmation(3_600_000)).toBe(false);
    expect(needsConfirmation(3_600_001)).toBe(true);
    expect(needsConfirmation(59_000)).toBe(false);
  });

  it('writes durations for people', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(200 * 60_000)).toBe('3 h 20 min');
    expect(formatDuration(102 * 3_600_000)).toBe('4 days 6 h');
  });
});
