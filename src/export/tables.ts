/**
 * The run's per-clip tables as CSV: validation predictions of every evaluated phase, and the
 * pseudo-labels of every student phase. Every number comes from the stored record unchanged.
 */
import type { ClipPrediction, RunRecord } from '../train/run/record';
import { toCsv, type CsvValue } from './csv';

const className = (run: RunRecord, i: number | null): string =>
  i === null ? '' : (run.classes[i] ?? String(i));

/** The stored frame index with the largest frame-attention weight (first on ties), or null. */
export function topFrame(p: ClipPrediction): { frame: number; weight: number } | null {
  let best = -1;
  for (let i = 0; i < p.frameWeights.length; i++)
    if (best < 0 || (p.frameWeights[i] ?? -Infinity) > (p.frameWeights[best] ?? -Infinity))
      best = i;
  const frame = p.frames[best];
  const weight = p.frameWeights[best];
  return best < 0 || frame === undefined || weight === undefined ? null : { frame, weight };
}

export function predictionsHeader(run: RunRecord): string[] {
  return [
    'run',
    'phase_index',
    'phase',
    'clip_key',
    'item_id',
    'true_label',
    'predicted',
    ...run.classes.map((c) => `p_${c}`),
    'top_frame',
    'top_frame_weight',
  ];
}

/** One row per validation clip of each phase with an evaluation (or only `phase`). */
export function predictionsRows(run: RunRecord, phase?: number): CsvValue[][] {
  const rows: CsvValue[][] = [];
  for (const ph of run.phases) {
    if (phase !== undefined && ph.index !== phase) continue;
    for (const p of ph.evaluation?.predictions ?? []) {
      const top = topFrame(p);
      rows.push([
        run.name,
        ph.index,
        ph.name,
        p.key,
        p.itemId,
        className(run, p.label),
        className(run, p.predicted),
        ...run.classes.map((_, k) => p.probs[k] ?? null),
        top?.frame ?? null,
        top?.weight ?? null,
      ]);
    }
  }
  return rows;
}

export function predictionsCsv(run: RunRecord, phase?: number): string {
  return toCsv(predictionsHeader(run), predictionsRows(run, phase));
}

export const PSEUDO_LABELS_HEADER = [
  'run',
  'phase_index',
  'phase',
  'clip_key',
  'item_id',
  'pseudo_label',
  'confidence',
  'hidden_label',
  'kept_after_balancing',
] as const;

/**
 * One row per unlabelled clip the teacher saw, per student phase: the pseudo-label (the
 * teacher's arg-max), its confidence, the hidden label where the pool has one, and how many
 * times balancing kept the clip (0 = dropped, more than 1 = duplicated).
 */
export function pseudoLabelRows(run: RunRecord): CsvValue[][] {
  const rows: CsvValue[][] = [];
  for (const ph of run.phases) {
    const pl = ph.pseudoLabels;
    if (!pl) continue;
    const kept = new Map<string, number>();
    for (const s of pl.selected) kept.set(s.key, (kept.get(s.key) ?? 0) + 1);
    for (const p of pl.teacherPredictions) {
      let label = 0;
      for (let k = 1; k < p.probs.length; k++)
        if ((p.probs[k] ?? -Infinity) > (p.probs[label] ?? -Infinity)) label = k;
      rows.push([
        run.name,
        ph.index,
        ph.name,
        p.key,
        p.itemId,
        className(run, label),
        p.probs[label] ?? null,
        className(run, p.label),
        kept.get(p.key) ?? 0,
      ]);
    }
  }
  return rows;
}

export function pseudoLabelsCsv(run: RunRecord): string {
  return toCsv(PSEUDO_LABELS_HEADER, pseudoLabelRows(run));
}
