/**
 * Noisy-student series (paper Fig. 6) from a run record: validation accuracy of the teacher and
 * each student per iteration, per-class recall per iteration, and the pseudo-label class
 * distribution before and after balancing.
 */
import type { PhaseRecord, RunRecord } from '../train/run/record';

export interface IterationPoint {
  /** 0 = teacher, i = student i. */
  iteration: number;
  phase: number;
  name: string;
  kind: 'teacher' | 'student';
  accuracy: number;
  macroF1: number;
}

const evaluated = (run: RunRecord): PhaseRecord[] =>
  run.phases.filter((p) => p.kind !== 'pretrain' && p.evaluation !== null);

/** One point per evaluated teacher / student phase, in iteration order. */
export function iterationSeries(run: RunRecord): IterationPoint[] {
  return evaluated(run)
    .map((p) => ({
      iteration: p.iteration,
      phase: p.index,
      name: p.name,
      kind: p.kind === 'student' ? ('student' as const) : ('teacher' as const),
      accuracy: p.evaluation?.accuracy ?? 0,
      macroF1: p.evaluation?.macroF1 ?? 0,
    }))
    .sort((a, b) => a.iteration - b.iteration || a.phase - b.phase);
}

/** Rows: iterations (as iterationSeries); columns: classes; the validation recall. */
export function perClassRecallSeries(run: RunRecord): { iteration: number; recall: number[] }[] {
  return evaluated(run)
    .sort((a, b) => a.iteration - b.iteration || a.index - b.index)
    .map((p) => ({
      iteration: p.iteration,
      recall: run.classes.map((_, c) => p.evaluation?.perClass[c]?.recall ?? 0),
    }));
}

export interface PseudoLabelRow {
  className: string;
  before: number;
  after: number;
}

/** A student phase's pseudo-labels per class before and after balancing (empty otherwise). */
export function pseudoLabelRows(run: RunRecord, phase: PhaseRecord): PseudoLabelRow[] {
  const pl = phase.pseudoLabels;
  if (!pl) return [];
  return run.classes.map((className, c) => ({
    className,
    before: pl.before[c] ?? 0,
    after: pl.after[c] ?? 0,
  }));
}

/** Phases the views can pick: the evaluated teacher and students, labelled for a picker. */
export function pickablePhases(run: RunRecord): { index: number; label: string }[] {
  return evaluated(run).map((p) => ({
    index: p.index,
    label: p.kind === 'student' ? `student ${p.iteration}` : p.kind,
  }));
}
