import type { ClassCount, FileProblem, ImportPlan, LayoutKind, ProblemCode } from './types';
import { summarisePlan } from './plan';

/** The numbers an import shows before anything is stored (also the CLI's JSON). */
export interface ImportSummary {
  name: string;
  layout: LayoutKind;
  labelled: boolean;
  /** Per raw label; unlabelled items are the row with rawLabel ''. */
  classes: ClassCount[];
  itemCount: number;
  fileCount: number;
  totalBytes: number;
  totalDurationSec: number | null;
  splits: Record<string, number>;
  problems: FileProblem[];
  problemCounts: Partial<Record<ProblemCode, number>>;
}

export function summarise(plan: ImportPlan): ImportSummary {
  const s = summarisePlan(plan);
  let duration: number | null = null;
  for (const item of plan.items) {
    if (item.durationSec != null) duration = (duration ?? 0) + item.durationSec;
  }
  const classes =
    s.unlabelledCount > 0
      ? [...s.classes, { rawLabel: '', canonical: null, count: s.unlabelledCount }]
      : s.classes;
  const splits: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.splits)) splits[k] = v;
  return {
    name: plan.name,
    layout: plan.layout,
    labelled: plan.labelled,
    classes,
    itemCount: s.itemCount,
    fileCount: s.fileCount,
    totalBytes: s.totalBytes,
    totalDurationSec: duration,
    splits,
    problems: plan.problems,
    problemCounts: s.problemCounts,
  };
}
