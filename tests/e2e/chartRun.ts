/**
 * A hand-made 7-class run record (teacher + one student, 14 validation clips, a cosine learning
 * rate that ends at 0) for the chart tests: written straight into the app's IndexedDB, so the
 * Results and Compare charts draw without training anything.
 */
import type { Page } from '@playwright/test';
import { validateModelConfig } from '../../src/model/config';
import { tinyTrainConfig } from '../../src/train/config';
import type {
  ClipPrediction,
  EpochRecord,
  PhaseRecord,
  RunRecord,
} from '../../src/train/run/record';

export const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function predictions(rand: () => number, skill: number): ClipPrediction[] {
  const out: ClipPrediction[] = [];
  for (let c = 0; c < CLASSES.length; c++)
    for (let j = 0; j < 2; j++) {
      const raw = CLASSES.map((_, k) => rand() + (k === c ? skill : 0));
      const sum = raw.reduce((a, b) => a + b, 0);
      const probs = raw.map((v) => v / sum);
      const predicted = probs.indexOf(Math.max(...probs));
      const fw = [rand() + 0.2, rand() + 0.2, rand() + 0.2, rand() + 0.2];
      const fs = fw.reduce((a, b) => a + b, 0);
      out.push({
        itemId: `item-${c}-${j}`,
        key: `val/${CLASSES[c]}/${j}`,
        label: c,
        predicted,
        probs,
        frames: [0, 3, 6, 9],
        frameWeights: fw.map((v) => v / fs),
        regionWeights: fw.map(() => {
          const r = [rand() + 0.3, rand() + 0.3, rand() + 0.3];
          const s = r.reduce((a, b) => a + b, 0);
          return r.map((v) => v / s);
        }),
      });
    }
  return out;
}

function evaluation(preds: ClipPrediction[]): NonNullable<PhaseRecord['evaluation']> {
  const k = CLASSES.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const p of preds) {
    const row = p.label === null ? undefined : confusion[p.label];
    if (row) row[p.predicted] = (row[p.predicted] ?? 0) + 1;
  }
  const perClass = confusion.map((row, c) => {
    const tp = row[c] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, r) => a + (r[c] ?? 0), 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  const correct = confusion.reduce((a, r, c) => a + (r[c] ?? 0), 0);
  return {
    confusion,
    accuracy: correct / preds.length,
    macroF1: perClass.reduce((a, p) => a + p.f1, 0) / k,
    perClass,
    total: preds.length,
    loss: 1.1,
    predictions: preds,
  };
}

function epochs(n: number, lr0: number): EpochRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    epoch: i,
    // Cosine decay to exactly 0 at the last epoch.
    learningRate: (lr0 * (1 + Math.cos((Math.PI * i) / (n - 1)))) / 2,
    trainLoss: 1.9 - 0.1 * i,
    trainAccuracy: 0.2 + 0.05 * i,
    valLoss: 1.95 - 0.08 * i,
    valAccuracy: 0.18 + 0.04 * i,
    valMacroF1: 0.15 + 0.04 * i,
    ms: 1000,
    clipsPerSec: 10,
    numTensors: 100,
    numBytes: 1e6,
  }));
}

export function chartRun(id = 'chart-run'): RunRecord {
  const rand = rng(7);
  const modelConfig = validateModelConfig({
    numClasses: CLASSES.length,
    backbone: { widthMultiplier: 1 / 16, inputSize: 32 },
  });
  const teacher: PhaseRecord = {
    index: 0,
    kind: 'teacher',
    iteration: 0,
    fold: null,
    name: 'teacher',
    modelConfig,
    epochsPlanned: 6,
    data: { train: 14, val: 14, pseudo: 0 },
    classCounts: CLASSES.map(() => 2),
    epochs: epochs(6, 0.003),
    bestEpoch: 5,
    evaluation: evaluation(predictions(rand, 0.6)),
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
    data: { train: 14, val: 14, pseudo: 20 },
    epochs: epochs(4, 0.003),
    bestEpoch: 3,
    evaluation: evaluation(predictions(rand, 0.9)),
    pseudoLabels: {
      unlabelled: 20,
      labelled: 14,
      before: [1, 2, 3, 9, 3, 1, 1],
      after: [2, 2, 3, 4, 3, 2, 4],
      selected: [],
      teacherPredictions: [],
      hiddenAccuracy: 0.6,
    },
    startedAt: 3,
    finishedAt: 4,
  };
  const config = tinyTrainConfig('chart-ds', 5);
  return {
    format: 'fer-workbench/run',
    formatVersion: 1,
    id,
    name: 'chart test run',
    createdAt: Date.UTC(2026, 0, 1),
    updatedAt: Date.UTC(2026, 0, 1),
    status: 'done',
    crossValidation: null,
    message: null,
    config,
    classes: CLASSES,
    environment: null,
    phases: [teacher, student],
    position: { phase: 2, epoch: 0 },
    resumes: [],
    totalMs: 1000,
  };
}

/** Writes the record into the open app's IndexedDB (the app has created the stores). */
export async function storeRun(page: Page, run: RunRecord): Promise<void> {
  await page.evaluate(
    (r) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('fer-workbench');
        open.onerror = () => reject(open.error ?? new Error('open failed'));
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('runs', 'readwrite');
          tx.objectStore('runs').put(r);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error ?? new Error('put failed'));
        };
      }),
    run,
  );
}
