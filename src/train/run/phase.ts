/** Per phase: its clips (fold-aware), the model it starts from, and its loaders. */
import { createModel, type FerModel } from '../../model/model';
import { getPhaseModel } from '../../storage/runs';
import type { ClipRef } from '../data/clips';
import type { ClipLoader } from '../data/loader';
import { restoreModel } from '../loop/snapshot';
import { DEFAULT_RAND_AUGMENT, type RandAugmentConfig } from '../augment/randAugment';
import type { NoiseConfig } from '../config';
import { makeLoader } from './data';
import { pseudoClips } from './pseudo';
import type { PhaseRecord } from './record';

import { RunContext, TEACHER_STREAM } from './context';

export function phaseClips(
  ctx: RunContext,
  phase: PhaseRecord,
): { train: ClipRef[]; val: ClipRef[]; test: ClipRef[]; frames: number } {
  if (phase.kind === 'pretrain') {
    const p = ctx.data.pretrain;
    if (!p) throw new Error('pre-training phase without a pre-training dataset');
    return { ...p, test: [], frames: 1 };
  }
  const frames = ctx.config.data.framesPerClip;
  if (phase.fold !== null) {
    const f = ctx.data.folds?.[phase.fold];
    if (!f) throw new Error(`fold ${phase.fold + 1} has no clips`);
    return { ...f, test: ctx.data.test, frames };
  }
  return { train: ctx.data.train, val: ctx.data.val, test: ctx.data.test, frames };
}

export async function loadPhaseModel(ctx: RunContext, phase: number): Promise<FerModel> {
  const rec = await getPhaseModel(ctx.deps.db, ctx.run.id, phase);
  const planned = ctx.run.phases[phase];
  if (!rec || !planned)
    throw new Error(`The model of phase ${phase + 1} is missing; it cannot seed the next phase.`);
  const model = createModel(planned.modelConfig);
  restoreModel(model, rec.weights);
  return model;
}

/** The model a phase starts from: pre-trained weights, the teacher's (student init), or fresh. */
export async function initialModel(ctx: RunContext, phase: PhaseRecord): Promise<FerModel> {
  const model = createModel(phase.modelConfig);
  // A teacher starts from the pre-trained model (phase 0) when there is one; a student from its
  // teacher (the phase before it, same fold) when studentInit is 'teacher'.
  const fromPhase =
    phase.kind === 'teacher' && ctx.run.phases[0]?.kind === 'pretrain'
      ? 0
      : phase.kind === 'student' && ctx.config.noisyStudent.studentInit === 'teacher'
        ? phase.index - 1
        : null;
  if (fromPhase !== null) {
    const rec = await getPhaseModel(ctx.deps.db, ctx.run.id, fromPhase);
    if (!rec) throw new Error(`The model of phase ${fromPhase + 1} is missing.`);
    restoreModel(model, rec.weights);
  }
  return model;
}

/** The student's input noise: RandAugment at the paper's ranges, or the configured magnitudes. */
export function studentAugment(noise: NoiseConfig): RandAugmentConfig | false {
  if (!noise.randAugment) return false;
  const [minMagnitude, maxMagnitude] = noise.magnitude ?? [
    DEFAULT_RAND_AUGMENT.minMagnitude,
    DEFAULT_RAND_AUGMENT.maxMagnitude,
  ];
  return { ...DEFAULT_RAND_AUGMENT, minMagnitude, maxMagnitude };
}

export interface PhaseLoaders {
  labelled: ClipLoader;
  pseudo: ClipLoader | null;
  targets: Map<string, number[]>;
  val: ClipLoader;
  /** The held-out test clips (null: the dataset has no test split). */
  test: ClipLoader | null;
  steps: number;
}

export function phaseLoaders(ctx: RunContext, phase: PhaseRecord): PhaseLoaders {
  const { seed, optim, noisyStudent } = ctx.config;
  const { train, val, test, frames } = phaseClips(ctx, phase);
  const inputSize = phase.modelConfig.backbone.inputSize;
  const student = phase.kind === 'student';
  const common = { seed, framesPerClip: frames, inputSize };
  const labelled = makeLoader(train, ctx.deps.source, {
    ...common,
    streamName: `${TEACHER_STREAM}/${phase.index}`,
    batchSize: optim.batchSize,
    mode: 'train',
    augment: student && studentAugment(noisyStudent.noise),
  });
  const evalLoader = makeLoader(val, ctx.deps.source, {
    ...common,
    streamName: 'val',
    batchSize: optim.batchSize,
    mode: 'eval',
    augment: false,
  });
  const testLoader =
    test.length > 0
      ? makeLoader(test, ctx.deps.source, {
          ...common,
          streamName: 'test',
          batchSize: optim.batchSize,
          mode: 'eval',
          augment: false,
        })
      : null;
  let pseudo: ClipLoader | null = null;
  let targets = new Map<string, number[]>();
  if (student && phase.pseudoLabels) {
    const p = pseudoClips(phase.pseudoLabels, ctx.data.unlabelled);
    targets = p.targets;
    if (p.clips.length > 0)
      pseudo = makeLoader(p.clips, ctx.deps.source, {
        ...common,
        streamName: `pseudo/${phase.index}`,
        batchSize: Math.max(1, Math.round(optim.batchSize * noisyStudent.batchRatio)),
        mode: 'train',
        augment: studentAugment(noisyStudent.noise),
      });
  }
  const steps = Math.max(labelled.batchesPerEpoch(), pseudo?.batchesPerEpoch() ?? 0);
  return { labelled, pseudo, targets, val: evalLoader, test: testLoader, steps };
}
