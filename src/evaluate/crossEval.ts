/**
 * Cross-corpus evaluation as the UI (the Results tab's store) and the headless runner call it:
 * a run's phase on a stored dataset's split, run in the inference worker (src/inference/client.ts,
 * evaluateDataset.ts there; the worker stores the record), and the stored records read back.
 */
import type { ComputeChoice } from '../compute/choice';
import { evaluateOnDataset } from '../inference/client';
import { readStoredRun } from '../runs/api';
import { pickPhase } from '../runs/phases';
import { getDb } from '../storage/db';
import { listEvaluations } from '../storage/evaluations';
import { evaluationStaleness } from './datasetState';
import {
  CrossEvalError,
  type CrossEvaluationRecord,
  type EvalSplit,
  runEvalRequest,
} from './crossCorpus';

export interface RunEvaluation {
  runId: string;
  /** null: the best phase on validation (src/runs/phases.ts). */
  phase: number | null;
  datasetId: string;
  /** null: test when the dataset has a test split, else validation. */
  split: EvalSplit | null;
}

export async function evaluateRunOnDataset(
  compute: ComputeChoice,
  want: RunEvaluation,
  progress?: (done: number, total: number) => void,
): Promise<CrossEvaluationRecord> {
  const run = await readStoredRun(want.runId);
  if (!run) throw new CrossEvalError(`No run with id ${want.runId}.`);
  if (want.phase !== null && !run.phases.some((p) => p.index === want.phase && p.evaluation))
    throw new CrossEvalError(`Run '${run.name}' has no finished phase ${want.phase}.`);
  const phase = pickPhase(run, want.phase);
  if (!phase) throw new CrossEvalError(`Run '${run.name}' has no finished phase yet.`);
  const req = runEvalRequest(run, phase, want.datasetId, want.split);
  return evaluateOnDataset(compute, { runId: run.id, phase: phase.index }, req, progress);
}

/** The stored evaluations of a run (or 'weights:<source>'), newest first. */
export async function listStoredEvaluations(runKey: string): Promise<CrossEvaluationRecord[]> {
  return listEvaluations(await getDb(), runKey);
}

/** Which of these records' datasets were deleted or changed since (datasetState.ts). */
export async function storedEvaluationStaleness(
  records: readonly CrossEvaluationRecord[],
): Promise<Record<string, 'deleted' | 'changed'>> {
  return evaluationStaleness(await getDb(), records);
}
