/**
 * Which phase's stored predictions a loaded model is compared with on the Inference tab: the
 * loaded phase's own (a stored model knows its phase), else, for imported weights of a run, the
 * run's last evaluated phase. Comparing a best-on-validation teacher with the last student's
 * predictions showed differences that were not there.
 */
import type { RunRecord } from '../train/run/record';

type Phase = RunRecord['phases'][number];

export function storedPredictionsPhase(
  run: Pick<RunRecord, 'phases'>,
  loadedPhase: number | null,
): Phase | null {
  if (loadedPhase !== null) {
    return run.phases.find((p) => p.index === loadedPhase && p.evaluation) ?? null;
  }
  return [...run.phases].reverse().find((p) => p.evaluation) ?? null;
}
