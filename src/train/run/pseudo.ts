/**
 * Step 1-2 of noisy-student training (paper Sec. 4.2, 5.2): the teacher predicts the
 * unlabelled clips without noise; its predictions become pseudo-labels (hard or soft), which
 * are balanced to the labelled set's class distribution. The result is stored in the
 * student's phase record before the student trains, so a resumed student sees the same set.
 */
import type { FerModel } from '../../model/model';
import type { NoisyStudentConfig } from '../config';
import type { ClipRef } from '../data/clips';
import type { ClipLoader } from '../data/loader';
import { predictClips } from '../loop/predict';
import { balancePseudoLabels, makePseudoLabels } from '../pseudoLabels';
import type { PseudoLabelRecord } from './record';

export async function pseudoLabel(
  teacher: FerModel,
  poolLoader: ClipLoader,
  labelledCounts: readonly number[],
  config: NoisyStudentConfig,
  signal?: AbortSignal,
): Promise<PseudoLabelRecord> {
  const predictions = await predictClips(teacher, poolLoader, {
    labelOf: (c) => c.hiddenLabel,
    signal,
  });
  const labels = makePseudoLabels(
    predictions.map((p) => ({ id: p.key, probs: p.probs })),
    config.pseudoLabels,
  );
  const balanced = config.balance ? balancePseudoLabels(labels, labelledCounts) : null;
  const selected = balanced ? balanced.selected : labels;
  const classes = labelledCounts.length;
  const count = (ls: readonly { label: number }[]): number[] => {
    const c = new Array<number>(classes).fill(0);
    for (const l of ls) c[l.label] = (c[l.label] ?? 0) + 1;
    return c;
  };
  const itemOf = new Map(predictions.map((p) => [p.key, p.itemId]));
  const withHidden = predictions.filter((p) => p.label !== null);
  return {
    unlabelled: predictions.length,
    labelled: labels.length,
    before: count(labels),
    after: count(selected),
    selected: selected.map((l) => ({
      key: l.id,
      itemId: itemOf.get(l.id) ?? '',
      label: l.label,
      confidence: l.confidence,
      target: l.target,
    })),
    teacherPredictions: predictions,
    hiddenAccuracy:
      withHidden.length > 0
        ? withHidden.filter((p) => p.predicted === p.label).length / withHidden.length
        : null,
  };
}

/**
 * The student's pseudo-labelled clips: one clip per selected entry. A clip duplicated by
 * balancing gets its own key per copy, so each copy draws its own frames and augmentation.
 */
export function pseudoClips(
  record: PseudoLabelRecord,
  pool: readonly ClipRef[],
): { clips: ClipRef[]; targets: Map<string, number[]> } {
  const byKey = new Map(pool.map((c) => [c.key, c]));
  const seen = new Map<string, number>();
  const clips: ClipRef[] = [];
  const targets = new Map<string, number[]>();
  for (const s of record.selected) {
    const clip = byKey.get(s.key);
    if (!clip) continue;
    const n = seen.get(s.key) ?? 0;
    seen.set(s.key, n + 1);
    const key = n === 0 ? s.key : `${s.key}#copy${n}`;
    clips.push({ ...clip, key });
    targets.set(key, s.target);
  }
  return { clips, targets };
}
