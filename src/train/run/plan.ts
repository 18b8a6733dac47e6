/**
 * A run's phases, planned from its config: [pre-training], the teacher, then one student per
 * noisy-student iteration (paper Sec. 4.2). Each phase records its own model config, so a
 * record says exactly which network every number came from.
 */
import { validateModelConfig } from '../../model/config';
import { studentModelConfig, type TrainConfig, teacherModelConfig } from '../config';
import { type PhaseRecord, RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type RunRecord } from './record';

function emptyPhase(
  p: Omit<
    PhaseRecord,
    | 'epochs'
    | 'bestEpoch'
    | 'evaluation'
    | 'test'
    | 'pseudoLabels'
    | 'startedAt'
    | 'finishedAt'
    | 'data'
    | 'classCounts'
  >,
): PhaseRecord {
  return {
    ...p,
    data: { train: 0, val: 0, pseudo: 0 },
    classCounts: [],
    epochs: [],
    bestEpoch: null,
    evaluation: null,
    test: null,
    pseudoLabels: null,
    startedAt: null,
    finishedAt: null,
  };
}

export function planPhases(config: TrainConfig): PhaseRecord[] {
  const phases: PhaseRecord[] = [];
  const teacher = validateModelConfig(teacherModelConfig(config));
  const folds: (number | null)[] =
    config.data.folds === null ? [null] : Array.from({ length: config.data.folds }, (_, f) => f);
  const suffix = (fold: number | null): string => (fold === null ? '' : `, fold ${fold + 1}`);
  if (config.pretrain)
    phases.push(
      emptyPhase({
        index: 0,
        kind: 'pretrain',
        iteration: 0,
        fold: null,
        name: 'Pre-training (images)',
        modelConfig: teacher,
        epochsPlanned: config.pretrain.epochs,
      }),
    );
  for (const fold of folds) {
    phases.push(
      emptyPhase({
        index: phases.length,
        kind: 'teacher',
        iteration: 0,
        fold,
        name: `Teacher${suffix(fold)}`,
        modelConfig: teacher,
        epochsPlanned: config.optim.epochs,
      }),
    );
    for (let i = 1; i <= config.noisyStudent.iterations; i++)
      phases.push(
        emptyPhase({
          index: phases.length,
          kind: 'student',
          iteration: i,
          fold,
          name: `Student ${i}${suffix(fold)}`,
          modelConfig: validateModelConfig(studentModelConfig(config, i)),
          epochsPlanned: config.noisyStudent.studentEpochs ?? config.optim.epochs,
        }),
      );
  }
  return phases;
}

export function newRunRecord(
  config: TrainConfig,
  id: string,
  name: string,
  now: number,
): RunRecord {
  if (
    config.noisyStudent.studentInit === 'teacher' &&
    config.noisyStudent.studentDepth !== (config.model.backbone?.depth ?? 18)
  )
    throw new Error(
      'A student initialised from its teacher must have the teacher\'s depth; use studentInit "scratch" for the larger student.',
    );
  return {
    format: RUN_RECORD_FORMAT,
    formatVersion: RUN_RECORD_VERSION,
    id,
    name,
    createdAt: now,
    updatedAt: now,
    status: 'queued',
    message: null,
    config,
    classes: [...config.classes],
    environment: null,
    phases: planPhases(config),
    position: { phase: 0, epoch: 0 },
    crossValidation: null,
    resumes: [],
    totalMs: 0,
  };
}
