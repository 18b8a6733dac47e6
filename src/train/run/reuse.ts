/**
 * Teacher reuse (`reuseTeacher`): runs that differ only in their noisy-student settings
 * (noise on/off, balancing, pseudo-label mode, iterations) train bit-identical teachers, since
 * the teacher depends only on the seed, the data, the model and the optimiser. With the setting
 * on, a run copies the finished teacher of such a stored run (its record and its model) instead
 * of training it again, and says so in the phase (`reusedFrom`). Only a donor trained on the
 * same backend, after the dataset's frames were last preprocessed, on the same clip counts
 * qualifies; anything else trains as usual.
 */
import { getPhaseModel, listRuns } from '../../storage/runs';
import { listPreprocessed } from '../../storage/frames';
import type { FerDatabase } from '../../storage/db';
import type { TrainConfig } from '../config';
import type { PhaseModelRecord, PhaseRecord, RunRecord } from './record';

/** JSON with object keys sorted, so equal configs give equal strings whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** What decides a run's teacher: everything but the noisy-student settings and the pool. */
export function teacherSignature(config: TrainConfig): string {
  return stableJson({
    ...config,
    noisyStudent: null,
    reuseTeacher: null,
    data: { ...config.data, unlabelledDatasetId: null },
  });
}

export interface TeacherDonor {
  run: RunRecord;
  phase: PhaseRecord;
  model: PhaseModelRecord;
}

/**
 * A stored run whose teacher phase `phase` can stand for this run's, or null. `counts` are this
 * run's clip counts (train, val, test), which must match the donor's.
 */
export async function findTeacherDonor(
  db: FerDatabase,
  run: RunRecord,
  phase: PhaseRecord,
  backend: string,
  counts: { train: number; val: number; test: number },
): Promise<TeacherDonor | null> {
  if (phase.kind !== 'teacher' || phase.index !== 0 || phase.fold !== null) return null;
  const signature = teacherSignature(run.config);
  const preprocessed = await listPreprocessed(db, run.config.data.datasetId);
  const framesAt = preprocessed.reduce((t, r) => Math.max(t, r.processedAt), 0);
  for (const other of await listRuns(db)) {
    if (other.id === run.id || other.environment?.backend !== backend) continue;
    // Same kernels too: a teacher trained with the other mode would defeat a comparison of the
    // modes (docs/backends.md "Kernel modes"); records from before the setting ran 'tfjs'.
    if ((other.environment.kernels ?? 'tfjs') !== (run.environment?.kernels ?? 'tfjs')) continue;
    const p = other.phases[phase.index];
    if (!p || p.kind !== 'teacher' || p.finishedAt === null || !p.evaluation) continue;
    if ((p.startedAt ?? 0) < framesAt) continue;
    if (p.data.train !== counts.train || p.data.val !== counts.val) continue;
    if ((p.data.test ?? 0) !== counts.test || (counts.test > 0 && !p.test)) continue;
    if (teacherSignature(other.config) !== signature) continue;
    const model = await getPhaseModel(db, other.id, phase.index);
    if (model) return { run: other, phase: p, model };
  }
  return null;
}

/** Copies the donor's teacher results into `phase` (this run's record keeps its own identity). */
export function adoptTeacher(phase: PhaseRecord, donor: TeacherDonor): void {
  const d = structuredClone(donor.phase);
  phase.epochs = d.epochs;
  phase.bestEpoch = d.bestEpoch;
  phase.evaluation = d.evaluation;
  phase.test = d.test ?? null;
  phase.data = d.data;
  phase.classCounts = d.classCounts;
  phase.startedAt = d.startedAt;
  phase.finishedAt = d.finishedAt;
  phase.reusedFrom = { runId: donor.run.id, runName: donor.run.name };
}
