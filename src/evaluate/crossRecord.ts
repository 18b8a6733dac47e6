/**
 * The stored shape of a cross-corpus evaluation (schema v3, store 'evaluations'), apart from
 * the logic in crossCorpus.ts so the storage schema can name it without importing the data
 * loader (no import cycle).
 */
import type { CanonicalClass } from '../ingest/labels';

/** The splits a dataset can be evaluated on. 'all': every labelled clip. */
export const EVAL_SPLITS = ['test', 'validation', 'train', 'all'] as const;
export type EvalSplit = (typeof EVAL_SPLITS)[number];

export function isEvalSplit(s: string): s is EvalSplit {
  return (EVAL_SPLITS as readonly string[]).includes(s);
}

/** One class's line: recall is null ("n/a") when the dataset split has no clip of it. */
export interface CrossClassResult {
  name: string;
  support: number;
  recall: number | null;
  precision: number;
  f1: number;
}

/** A stored cross-corpus evaluation (object store 'evaluations', schema v3). */
export interface CrossEvaluationRecord {
  /** evaluationKey(...): one record per model + dataset + split (a rerun replaces it). */
  id: string;
  /** runId, or 'weights:<source>' for imported weights (index byRun). */
  runKey: string;
  runId: string | null;
  phase: number | null;
  /** The run / phase names, or the weights folder. */
  modelLabel: string;
  datasetId: string;
  datasetName: string;
  split: EvalSplit;
  splitSource: 'items' | 'seeded';
  classes: CanonicalClass[];
  /** confusion[actual][predicted], over the model's classes. */
  confusion: number[][];
  accuracy: number;
  /** Over the classes the split has clips of (as src/evaluate/metrics.ts). */
  macroF1: number;
  perClass: CrossClassResult[];
  total: number;
  /**
   * What `total` and the supports count: items (videos, an item's mined clips joined) or
   * clips. Absent in records stored before it was recorded (they scored clips).
   */
  evalUnit?: 'item' | 'clip';
  /** Model classes the split has no clip of (their recall is n/a). */
  missingClasses: CanonicalClass[];
  framesPerClip: number;
  backend: string;
  /** The kernels that ran (src/model/kernels.ts); absent in records from before (stock). */
  kernels?: 'tfjs' | 'fused';
  seconds: number;
  createdAt: number;
  /**
   * The dataset's preprocessing state when it was scored (datasetState.ts datasetStateKey):
   * differs from the state now once the dataset is preprocessed again, re-mined or grown.
   * Absent in records stored before it was kept.
   */
  datasetState?: string;
}
