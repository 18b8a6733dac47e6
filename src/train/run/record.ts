/**
 * The run record: everything needed to read, compare and reproduce a run (issue #5 "Runs and
 * reliability"). Stored in IndexedDB (`runs`), exported as JSON; the checkpoint that resumes
 * it lives beside it (`checkpoints`), written in the same transaction.
 */
import type { Evaluation } from '../../evaluate/metrics';
import type { ModelConfig } from '../../model/config';
import type { TrainConfig } from '../config';

export const RUN_RECORD_FORMAT = 'fer-workbench/run';
export const RUN_RECORD_VERSION = 1;

export type RunStatus = 'queued' | 'running' | 'paused' | 'interrupted' | 'failed' | 'done';

export type PhaseKind = 'pretrain' | 'teacher' | 'student';

export interface RunEnvironment {
  backend: string;
  backendReason: string;
  /** WebGPU adapter or WASM details, in words. */
  device: string;
  tfjsVersion: string;
  appVersion: string;
  userAgent: string;
  /**
   * The backbone's kernels (src/model/kernels.ts): 'fused' or the stock 'tfjs' ops. They agree
   * to ~1e-6, not bit for bit, so a run is reproduced exactly only with the same. Absent in
   * runs recorded before the fused kernels (all 'tfjs').
   */
  kernels?: 'tfjs' | 'fused';
}

export interface EpochRecord {
  epoch: number;
  learningRate: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  valMacroF1: number;
  /** Wall time of the epoch (training and validation), ms. */
  ms: number;
  /** Training clips per second. */
  clipsPerSec: number;
  /** tf.memory() after the epoch. */
  numTensors: number;
  numBytes: number;
}

/** One clip's prediction with the attention summaries the views draw. */
export interface ClipPrediction {
  itemId: string;
  key: string;
  /** True (or hidden, for the unlabelled pool) class index; null when unknown. */
  label: number | null;
  predicted: number;
  probs: number[];
  /** The stored frame indices that were fed, with their frame-attention weights (Eq. 6). */
  frames: number[];
  frameWeights: number[];
  /** Per fed frame: the face / eyes / mouth weights of Eq. 4 (empty without channel attention). */
  regionWeights: number[][];
}

export interface EvaluationRecord extends Evaluation {
  loss: number;
  predictions: ClipPrediction[];
}

export interface PseudoLabelRecord {
  /** Unlabelled clips the teacher saw, and how many pseudo-labels survived the filter. */
  unlabelled: number;
  labelled: number;
  /** Per class, before and after balancing (paper Fig. 6 right). */
  before: number[];
  after: number[];
  /** Training targets per clip key (one-hot, or soft); duplicates repeat the key. */
  selected: { key: string; itemId: string; label: number; confidence: number; target: number[] }[];
  /** The teacher's predictions on the pool (per-clip, with hidden labels where known). */
  teacherPredictions: ClipPrediction[];
  /** Accuracy of the pseudo-labels against hidden labels (demo pool), or null. */
  hiddenAccuracy: number | null;
}

export interface PhaseRecord {
  index: number;
  kind: PhaseKind;
  /** 0 for pretrain and teacher, i for the i-th student. */
  iteration: number;
  /** Cross-validation: the fold (0-based) whose clips validate this phase; null otherwise. */
  fold: number | null;
  name: string;
  modelConfig: ModelConfig;
  epochsPlanned: number;
  data: { train: number; val: number; pseudo: number; test?: number };
  classCounts: number[];
  epochs: EpochRecord[];
  bestEpoch: number | null;
  /** The best checkpoint on the validation set, with per-clip predictions. */
  evaluation: EvaluationRecord | null;
  /**
   * The same checkpoint on the held-out test split (chosen on validation, never on this), or
   * null when the dataset has none (absent in records stored before test splits existed).
   */
  test?: EvaluationRecord | null;
  pseudoLabels: PseudoLabelRecord | null;
  /** Set when this teacher was copied from an identical stored run's (reuse.ts), not trained. */
  reusedFrom?: { runId: string; runName: string } | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface RunRecord {
  format: typeof RUN_RECORD_FORMAT;
  formatVersion: typeof RUN_RECORD_VERSION;
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  status: RunStatus;
  /** Why the run stopped (failed / interrupted / paused), in words. */
  message: string | null;
  config: TrainConfig;
  classes: string[];
  environment: RunEnvironment | null;
  phases: PhaseRecord[];
  /** Where training stands: the phase and the next epoch to run. */
  position: { phase: number; epoch: number };
  /** k-fold runs: per fold the teacher's and the last student's accuracy, with mean and spread. */
  crossValidation: CrossValidationSummary | null;
  /** Times the run was resumed from a checkpoint (reloads, crashes, pauses). */
  resumes: { at: number; phase: number; epoch: number; why: string }[];
  totalMs: number;
}

export interface CrossValidationSummary {
  folds: number;
  teacher: number[];
  final: number[];
  teacherMean: number;
  teacherStd: number;
  finalMean: number;
  finalStd: number;
}

/** One tensor's values as stored in a checkpoint. */
export interface StoredTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** What resumes a run: the current model and optimiser after `position`'s previous epoch. */
export interface CheckpointRecord {
  kind: 'checkpoint';
  id: string;
  runId: string;
  phase: number;
  /** The next epoch to run. */
  epoch: number;
  savedAt: number;
  weights: StoredTensor[];
  optimizer: StoredTensor[];
  /** The best epoch's weights of this phase so far (null before the first validation). */
  best: StoredTensor[] | null;
  bestScore: number | null;
}

/** A finished phase's best model, kept for the next phase, export and inference. */
export interface PhaseModelRecord {
  kind: 'phase-model';
  id: string;
  runId: string;
  phase: number;
  modelConfig: ModelConfig;
  weights: StoredTensor[];
}
