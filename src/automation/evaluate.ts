/**
 * `window.__ferEvaluate`: the headless runner's `evaluate` command (cross-corpus evaluation).
 * A stored run's phase or imported weights on a stored dataset's split, in the inference worker
 * through the stage API the Results tab uses (src/evaluate/crossEval.ts); the worker stores the
 * record.
 */
import {
  canonicalClasses,
  CrossEvalError,
  type CrossEvaluationRecord,
  type EvalSplit,
  WEIGHTS_EVAL_DEFAULTS,
} from '../evaluate/crossCorpus';
import { evaluateRunOnDataset, listStoredEvaluations } from '../evaluate/crossEval';
import { evaluateOnDataset, importModel } from '../inference/client';
import { CANONICAL_CLASSES } from '../ingest/labels';
import { computeChoice } from '../ui/store';
import { base64ToBytes } from './base64';

export interface EvaluateWeightsRequest {
  /** model.json and its shards, bytes as base64. */
  files: { name: string; base64: string }[];
  /** The weights folder (names the record). */
  source: string;
  /** Class names in output order; null: the canonical classes when the count matches. */
  classes: string[] | null;
  framesPerClip: number | null;
  datasetId: string;
  split: EvalSplit | null;
}

/** The record, or why the request cannot be evaluated (bad split, unknown class...). */
export type EvaluateOutcome =
  { record: CrossEvaluationRecord; refused: null } | { record: null; refused: string };

export interface EvaluateDebugApi {
  evaluateRun: (
    runId: string,
    phase: number | null,
    datasetId: string,
    split: EvalSplit | null,
  ) => Promise<EvaluateOutcome>;
  evaluateWeights: (req: EvaluateWeightsRequest) => Promise<EvaluateOutcome>;
  /** Stored evaluations of a run id (or 'weights:<source>'), newest first. */
  list: (runKey: string) => Promise<CrossEvaluationRecord[]>;
}

declare global {
  interface Window {
    /** Installed by installEvaluateDebugHook (src/automation/evaluate.ts). */
    __ferEvaluate?: EvaluateDebugApi;
  }
}

const compute = computeChoice;

async function evaluateWeights(req: EvaluateWeightsRequest): Promise<CrossEvaluationRecord> {
  const loaded = await importModel(
    compute(),
    req.files.map((f) => ({ name: f.name, bytes: base64ToBytes(f.base64) })),
    null,
  );
  const n = loaded.config.numClasses;
  let classes = req.classes;
  if (classes === null) {
    if (n !== CANONICAL_CLASSES.length && n !== 7)
      throw new CrossEvalError(
        `The weights have ${n} outputs: give their class names in order (--classes a,b,...).`,
      );
    // Seven outputs: the paper's seven classes in the app's order; eight: with contempt.
    classes = CANONICAL_CLASSES.slice(0, n);
  }
  canonicalClasses(classes);
  const { framesPerClip, batchSize, seed, valFraction } = WEIGHTS_EVAL_DEFAULTS;
  return evaluateOnDataset(compute(), null, {
    datasetId: req.datasetId,
    split: req.split,
    classes,
    splitOptions: { seed, valFraction },
    framesPerClip: req.framesPerClip ?? framesPerClip,
    batchSize,
    evalUnit: 'item',
    trainedOnAllOf: null,
    modelLabel: `imported: ${req.source}`,
    weightsSource: req.source,
  });
}

/** A CrossEvalError (from this thread or the worker) is a refusal; anything else a failure. */
async function outcome(work: () => Promise<CrossEvaluationRecord>): Promise<EvaluateOutcome> {
  try {
    return { record: await work(), refused: null };
  } catch (e) {
    if (e instanceof Error && e.name === 'CrossEvalError')
      return { record: null, refused: e.message };
    throw e;
  }
}

export function installEvaluateDebugHook(): void {
  window.__ferEvaluate = {
    evaluateRun: (runId, phase, datasetId, split) =>
      outcome(() => evaluateRunOnDataset(compute(), { runId, phase, datasetId, split })),
    evaluateWeights: (req) => outcome(() => evaluateWeights(req)),
    list: listStoredEvaluations,
  };
}
