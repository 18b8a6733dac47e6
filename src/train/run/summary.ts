/** Run-level summaries: the noisy-student stopping rule and k-fold means. */
import { meanAndSpread } from '../../evaluate/metrics';
import type { CrossValidationSummary, PhaseRecord, RunRecord } from './record';

/** The student did not beat its teacher on validation (the paper's stopping rule). */
export function noGain(run: RunRecord, phase: PhaseRecord): boolean {
  if (phase.kind !== 'student') return false;
  const teacher = run.phases[phase.index - 1]?.evaluation;
  return (
    teacher !== null &&
    teacher !== undefined &&
    (phase.evaluation?.accuracy ?? 0) <= teacher.accuracy
  );
}

/** k-fold runs: per fold the teacher's and the fold's last evaluated phase's accuracy. */
export function crossValidationSummary(run: RunRecord): CrossValidationSummary | null {
  const k = run.config.data.folds;
  if (k === null) return null;
  const teacher: number[] = [];
  const final: number[] = [];
  for (let f = 0; f < k; f++) {
    const mine = run.phases.filter((p) => p.fold === f && p.evaluation);
    const t = mine.find((p) => p.kind === 'teacher')?.evaluation;
    const last = mine[mine.length - 1]?.evaluation;
    if (t) teacher.push(t.accuracy);
    if (last) final.push(last.accuracy);
  }
  const t = meanAndSpread(teacher);
  const l = meanAndSpread(final);
  return {
    folds: k,
    teacher,
    final,
    teacherMean: t.mean,
    teacherStd: t.std,
    finalMean: l.mean,
    finalStd: l.std,
  };
}
