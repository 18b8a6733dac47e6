/** A small hand-made run record for the export tests (two phases, names with commas, quotes, unicode). */
import { validateModelConfig } from '../../model/config';
import type { ClipPrediction, EpochRecord, PhaseRecord, RunRecord } from '../../train/run/record';
import { tinyTrainConfig } from '../../train/config';

export const CLASSES = ['angry', 'happy', 'neutral'];

function pred(
  key: string,
  label: number | null,
  probs: number[],
  frames: number[],
  frameWeights: number[],
): ClipPrediction {
  let predicted = 0;
  probs.forEach((p, i) => {
    if (p > (probs[predicted] ?? 0)) predicted = i;
  });
  return {
    itemId: `item-${key}`,
    key,
    label,
    predicted,
    probs,
    frames,
    frameWeights,
    regionWeights: frames.map(() => [0.5, 0.3, 0.2]),
  };
}

function epoch(i: number): EpochRecord {
  return {
    epoch: i,
    learningRate: 0.003,
    trainLoss: 1.2 - 0.1 * i,
    trainAccuracy: 0.3 + 0.1 * i,
    valLoss: 1.3 - 0.05 * i,
    valAccuracy: 0.25 + 0.1 * i,
    valMacroF1: 0.2 + 0.1 * i,
    ms: 1000,
    clipsPerSec: 10,
    numTensors: 100,
    numBytes: 1e6,
  };
}

export function makeRun(): RunRecord {
  const modelConfig = validateModelConfig({
    numClasses: 3,
    backbone: { widthMultiplier: 1 / 16, inputSize: 32 },
  });
  const teacherPreds = [
    pred('val/angry/a, "one"', 0, [0.7, 0.2, 0.1], [0, 2, 4], [0.2, 0.5, 0.3]),
    pred('val/happy/ünï ☺', 1, [0.1, 0.6, 0.3], [1, 3], [0.6, 0.4]),
    pred('val/neutral/c\nd', 2, [0.5, 0.1, 0.4], [0], [1]),
  ];
  const pool = [
    pred('pool/x1', 1, [0.1, 0.8, 0.1], [0], [1]),
    pred('pool/x2', null, [0.6, 0.3, 0.1], [0], [1]),
    pred('pool/x3', 2, [0.2, 0.2, 0.6], [0], [1]),
  ];
  const teacher: PhaseRecord = {
    index: 0,
    kind: 'teacher',
    iteration: 0,
    fold: null,
    name: 'teacher',
    modelConfig,
    epochsPlanned: 2,
    data: { train: 6, val: 3, pseudo: 0 },
    classCounts: [2, 2, 2],
    epochs: [epoch(0), epoch(1)],
    bestEpoch: 1,
    evaluation: {
      confusion: [
        [1, 0, 0],
        [0, 1, 0],
        [1, 0, 0],
      ],
      accuracy: 2 / 3,
      macroF1: 0.5555555555555556,
      perClass: [
        { precision: 0.5, recall: 1, f1: 2 / 3, support: 1 },
        { precision: 1, recall: 1, f1: 1, support: 1 },
        { precision: 0, recall: 0, f1: 0, support: 1 },
      ],
      total: 3,
      loss: 0.61,
      predictions: teacherPreds,
    },
    pseudoLabels: null,
    startedAt: 1,
    finishedAt: 2,
  };
  const student: PhaseRecord = {
    ...teacher,
    index: 1,
    kind: 'student',
    iteration: 1,
    name: 'student 1',
    data: { train: 6, val: 3, pseudo: 3 },
    epochs: [epoch(0)],
    bestEpoch: 0,
    evaluation: {
      ...(teacher.evaluation as NonNullable<PhaseRecord['evaluation']>),
      accuracy: 0.75,
      macroF1: 0.7,
    },
    pseudoLabels: {
      unlabelled: 3,
      labelled: 3,
      before: [1, 1, 1],
      after: [0, 2, 1],
      selected: [
        { key: 'pool/x1', itemId: 'item-pool/x1', label: 1, confidence: 0.8, target: [0, 1, 0] },
        { key: 'pool/x1', itemId: 'item-pool/x1', label: 1, confidence: 0.8, target: [0, 1, 0] },
        { key: 'pool/x3', itemId: 'item-pool/x3', label: 2, confidence: 0.6, target: [0, 0, 1] },
      ],
      teacherPredictions: pool,
      hiddenAccuracy: 1,
    },
  };
  const config = tinyTrainConfig('ds1', 3);
  return {
    format: 'fer-workbench/run',
    formatVersion: 1,
    id: 'run-1',
    name: 'My <b>run</b>, "quoted" & ünïcode',
    createdAt: Date.UTC(2025, 0, 1),
    updatedAt: Date.UTC(2025, 0, 1),
    status: 'done',
    crossValidation: null,
    message: null,
    config: { ...config, data: { ...config.data, framesPerClip: 4 } },
    classes: CLASSES,
    environment: {
      backend: 'wasm',
      backendReason: 'test <script>alert(1)</script>',
      device: 'cpu',
      tfjsVersion: '4.22.0',
      appVersion: '0.1.0',
      userAgent: 'vitest',
    },
    phases: [teacher, student],
    position: { phase: 2, epoch: 0 },
    resumes: [],
    totalMs: 12345,
  };
}
