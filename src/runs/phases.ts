/**
 * Which phases of a run can be picked (Results, Export, Inference, Compare) and which one is
 * picked by default: the BEST on validation (issue 17 item 10), not the last — a student that
 * did worse than its teacher is not what a researcher exports. "Best" uses the engine's rule
 * for a phase's best epoch: higher validation accuracy, then lower validation loss; on a tie
 * the earlier phase stays (a later one has to beat it).
 */
import type { PhaseRecord, RunRecord } from '../train/run/record';

/** Phases with a validation result (and so a stored best model), in run order. */
export function selectablePhases(run: RunRecord): PhaseRecord[] {
  return run.phases.filter((p) => p.evaluation !== null);
}

const score = (p: PhaseRecord): number => {
  const ev = p.evaluation;
  if (!ev) return -Infinity;
  const loss = Number.isFinite(ev.loss) ? Math.min(ev.loss, 1e5) : 1e5;
  return ev.accuracy - 1e-6 * loss;
};

/** The selectable phase with the best validation result, or null when none has one. */
export function bestPhase(run: RunRecord): PhaseRecord | null {
  let best: PhaseRecord | null = null;
  for (const p of selectablePhases(run)) if (!best || score(p) > score(best)) best = p;
  return best;
}

/** The phase `wanted` when it can be picked, else the best one. */
export function pickPhase(run: RunRecord, wanted: number | null): PhaseRecord | null {
  const phases = selectablePhases(run);
  return phases.find((p) => p.index === wanted) ?? bestPhase(run);
}

/** "Student 1 (best on validation)" for the best phase, the plain name for the others. */
export function phaseLabel(run: RunRecord, phase: PhaseRecord): string {
  return bestPhase(run)?.index === phase.index ? `${phase.name} (best on validation)` : phase.name;
}
