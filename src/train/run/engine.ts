/**
 * Runs (or resumes) a training run phase by phase: [pre-training], the teacher, then the
 * noisy-student iterations (paper Sec. 4.1-4.2). After every epoch the run record and a
 * checkpoint (weights, Adam state, the next epoch) are saved in one transaction, so a reload or
 * a crash loses at most the epoch in progress; the data order depends only on (seed, epoch),
 * so a resumed run continues with the numbers it would have had.
 */
import * as tf from '@tensorflow/tfjs';
import { stream } from '../../compute/random';
import { balancedClassWeights } from '../../model/loss';
import { createModel, disposeModel, type FerModel } from '../../model/model';
import type { FerDatabase } from '../../storage/db';
import {
  getCheckpoint,
  getPhaseModel,
  getRun,
  phaseModelKey,
  putRun,
  saveCheckpoint,
} from '../../storage/runs';
import { learningRateAt, type TrainConfig } from '../config';
import type { ClipRef } from '../data/clips';
import type { ClipLoader } from '../data/loader';
import type { FrameSource } from '../data/source';
import { evaluatePredictions, predictClips } from '../loop/predict';
import { restoreModel, restoreOptimizer, snapshotModel, snapshotOptimizer } from '../loop/snapshot';
import { oneHotRows, optimiserStep } from '../loop/step';
import { classCounts, loadRunData, makeLoader, type RunData } from './data';
import { pseudoClips, pseudoLabel } from './pseudo';
import { meanAndSpread } from '../../evaluate/metrics';
import type {
  CheckpointRecord,
  CrossValidationSummary,
  EpochRecord,
  PhaseRecord,
  RunEnvironment,
  RunRecord,
  StoredTensor,
} from './record';

export type TrainStage = 'loading' | 'pseudo-labelling' | 'training' | 'validating' | 'saving';

export interface TrainProgress {
  runId: string;
  phase: number;
  phases: number;
  phaseName: string;
  stage: TrainStage;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Running mean training loss of the epoch so far. */
  loss: number | null;
  clipsPerSec: number | null;
  /** Seconds left in the whole run, from the speed so far; null until measured. */
  etaSec: number | null;
  numTensors: number;
  numBytes: number;
  /** Bytes on the GPU where the backend reports them (WebGPU / WebGL), else null. */
  gpuBytes: number | null;
}

export interface EngineDeps {
  db: FerDatabase;
  source: FrameSource;
  environment: RunEnvironment;
  /** Abort with reason 'pause' to stop after saving nothing more (resume from the checkpoint). */
  signal: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** After every save of the run record. */
  onSaved?: (run: RunRecord) => void;
}

/** Loss that is not a finite number: the run stops instead of training on garbage. */
export class NonFiniteLossError extends Error {
  constructor(phase: string, epoch: number, batch: number) {
    super(
      `The training loss became NaN or infinite (${phase}, epoch ${epoch + 1}, batch ${batch + 1}). ` +
        'The run was stopped at its last checkpoint; lower the learning rate and resume.',
    );
    this.name = 'NonFiniteLossError';
  }
}

function gpuBytes(): number | null {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return typeof m.numBytesInGPU === 'number' ? m.numBytesInGPU : null;
}

const TEACHER_STREAM = 'labelled';

class RunContext {
  private readonly started = performance.now();
  private epochMsSum = 0;
  private epochsTimed = 0;

  constructor(
    readonly run: RunRecord,
    readonly data: RunData,
    readonly deps: EngineDeps,
  ) {}

  get config(): TrainConfig {
    return this.run.config;
  }

  async save(checkpoint: CheckpointRecord | null, phaseModel: PhaseModelArg = null): Promise<void> {
    this.run.updatedAt = Date.now();
    this.run.totalMs += performance.now() - this.lastSave;
    this.lastSave = performance.now();
    await saveCheckpoint(this.deps.db, this.run, checkpoint, phaseModel);
    this.deps.onSaved?.(structuredClone(this.run));
  }
  private lastSave = this.started;

  timeEpoch(ms: number): void {
    this.epochMsSum += ms;
    this.epochsTimed++;
  }

  /** Remaining epochs of the run times the mean epoch time (phases differ; a rough guide). */
  etaSec(phase: number, epochDone: number, batchFraction: number): number | null {
    if (this.epochsTimed === 0) return null;
    let epochs = 0;
    for (const p of this.run.phases.slice(phase)) epochs += p.epochsPlanned;
    epochs -= epochDone + batchFraction;
    return (Math.max(0, epochs) * this.epochMsSum) / this.epochsTimed / 1000;
  }

  progress(
    p: Omit<TrainProgress, 'runId' | 'phases' | 'numTensors' | 'numBytes' | 'gpuBytes'>,
  ): void {
    const m = tf.memory();
    this.deps.onProgress?.({
      ...p,
      runId: this.run.id,
      phases: this.run.phases.length,
      numTensors: m.numTensors,
      numBytes: m.numBytes,
      gpuBytes: gpuBytes(),
    });
  }
}

type PhaseModelArg = Parameters<typeof saveCheckpoint>[3];

function phaseClips(
  ctx: RunContext,
  phase: PhaseRecord,
): { train: ClipRef[]; val: ClipRef[]; frames: number } {
  if (phase.kind === 'pretrain') {
    const p = ctx.data.pretrain;
    if (!p) throw new Error('pre-training phase without a pre-training dataset');
    return { ...p, frames: 1 };
  }
  const frames = ctx.config.data.framesPerClip;
  if (phase.fold !== null) {
    const f = ctx.data.folds?.[phase.fold];
    if (!f) throw new Error(`fold ${phase.fold + 1} has no clips`);
    return { ...f, frames };
  }
  return { train: ctx.data.train, val: ctx.data.val, frames };
}

async function loadPhaseModel(ctx: RunContext, phase: number): Promise<FerModel> {
  const rec = await getPhaseModel(ctx.deps.db, ctx.run.id, phase);
  const planned = ctx.run.phases[phase];
  if (!rec || !planned)
    throw new Error(`The model of phase ${phase + 1} is missing; it cannot seed the next phase.`);
  const model = createModel(planned.modelConfig);
  restoreModel(model, rec.weights);
  return model;
}

/** The model a phase starts from: pre-trained weights, the teacher's (student init), or fresh. */
async function initialModel(ctx: RunContext, phase: PhaseRecord): Promise<FerModel> {
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

interface PhaseLoaders {
  labelled: ClipLoader;
  pseudo: ClipLoader | null;
  targets: Map<string, number[]>;
  val: ClipLoader;
  steps: number;
}

function phaseLoaders(ctx: RunContext, phase: PhaseRecord): PhaseLoaders {
  const { seed, optim, noisyStudent } = ctx.config;
  const { train, val, frames } = phaseClips(ctx, phase);
  const inputSize = phase.modelConfig.backbone.inputSize;
  const student = phase.kind === 'student';
  const common = { seed, framesPerClip: frames, inputSize };
  const labelled = makeLoader(train, ctx.deps.source, {
    ...common,
    streamName: `${TEACHER_STREAM}/${phase.index}`,
    batchSize: optim.batchSize,
    mode: 'train',
    augment: student && noisyStudent.noise.randAugment,
  });
  const evalLoader = makeLoader(val, ctx.deps.source, {
    ...common,
    streamName: 'val',
    batchSize: optim.batchSize,
    mode: 'eval',
    augment: false,
  });
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
        augment: noisyStudent.noise.randAugment,
      });
  }
  const steps = Math.max(labelled.batchesPerEpoch(), pseudo?.batchesPerEpoch() ?? 0);
  return { labelled, pseudo, targets, val: evalLoader, steps };
}

/**
 * `steps` batches of `loader` for epoch `epoch`, cycling through the loader's own epochs when
 * it has fewer batches than the phase's epoch (the smaller of the labelled and pseudo sets).
 */
async function* cycle(loader: ClipLoader, epoch: number, steps: number) {
  const per = loader.batchesPerEpoch();
  let global = epoch * steps;
  let yielded = 0;
  while (yielded < steps) {
    const loaderEpoch = Math.floor(global / per);
    for await (const b of loader.epoch(loaderEpoch, global % per)) {
      yield b;
      yielded++;
      global++;
      if (yielded >= steps) return;
    }
  }
}

async function trainEpoch(
  ctx: RunContext,
  phase: PhaseRecord,
  model: FerModel,
  optimizer: tf.Optimizer,
  loaders: PhaseLoaders,
  epoch: number,
  classWeights: number[] | undefined,
): Promise<{ loss: number; accuracy: number; clips: number; ms: number }> {
  const k = phase.modelConfig.numClasses;
  const t0 = performance.now();
  const labelled = cycle(loaders.labelled, epoch, loaders.steps);
  const pseudo = loaders.pseudo ? cycle(loaders.pseudo, epoch, loaders.steps) : null;
  let lossSum = 0;
  let correct = 0;
  let scored = 0;
  let clips = 0;
  try {
    for (let step = 0; step < loaders.steps; step++) {
      ctx.deps.signal.throwIfAborted();
      const a = await labelled.next();
      const b = pseudo ? await pseudo.next() : null;
      if (a.done) break;
      const batches = b && !b.done ? [a.value, b.value] : [a.value];
      const labels: number[] = [];
      const targetRows: number[][] = [];
      for (const batch of batches)
        for (const c of batch.clips) {
          const target =
            c.label === null ? loaders.targets.get(c.key) : oneHotRows([c.label], k)[0];
          if (!target) throw new Error(`No training target for clip ${c.key}`);
          targetRows.push(target);
          labels.push(c.label ?? -1);
        }
      const joined = batches.length > 1;
      const x = joined
        ? tf.concat(
            batches.map((q) => q.x),
            0,
          )
        : a.value.x; // (B_l + B_u, T, S, S, 9)
      const mask = joined
        ? tf.concat(
            batches.map((q) => q.mask),
            0,
          )
        : a.value.mask; // (B_l + B_u, T)
      const targets = tf.tensor2d(targetRows, [targetRows.length, k]);
      try {
        const r = await optimiserStep(model, optimizer, {
          x,
          mask,
          targets,
          classWeights,
          dropoutSeed: stream(ctx.config.seed, `dropout/${phase.index}/${epoch}/${step}`).seed(),
        });
        if (!Number.isFinite(r.loss)) throw new NonFiniteLossError(phase.name, epoch, step);
        lossSum += r.loss;
        r.predicted.forEach((p, i) => {
          const l = labels[i] ?? -1;
          if (l < 0) return;
          scored++;
          if (p === l) correct++;
        });
        clips += labels.length;
      } finally {
        tf.dispose([targets, ...batches.flatMap((q) => [q.x, q.mask])]);
        if (joined) tf.dispose([x, mask]);
      }
      const elapsed = (performance.now() - t0) / 1000;
      ctx.progress({
        phase: phase.index,
        phaseName: phase.name,
        stage: 'training',
        epoch,
        epochs: phase.epochsPlanned,
        batch: step + 1,
        batches: loaders.steps,
        loss: lossSum / (step + 1),
        clipsPerSec: clips / Math.max(elapsed, 1e-3),
        etaSec: ctx.etaSec(phase.index, epoch, (step + 1) / loaders.steps),
      });
    }
  } finally {
    await labelled.return(undefined);
    if (pseudo) await pseudo.return(undefined);
  }
  return {
    loss: lossSum / Math.max(loaders.steps, 1),
    accuracy: scored > 0 ? correct / scored : 0,
    clips,
    ms: performance.now() - t0,
  };
}

/** Better = higher validation accuracy, then lower validation loss. */
const score = (acc: number, loss: number): number => acc - 1e-6 * Math.min(loss, 1e5);

async function runPhase(ctx: RunContext, phase: PhaseRecord): Promise<void> {
  const { db, signal } = ctx.deps;
  const run = ctx.run;
  const k = phase.modelConfig.numClasses;
  const checkpoint = await getCheckpoint(db, run.id);
  const resuming =
    checkpoint !== undefined && checkpoint.phase === phase.index && run.position.epoch > 0;

  if (phase.kind === 'student' && !phase.pseudoLabels) {
    ctx.progress({
      phase: phase.index,
      phaseName: phase.name,
      stage: 'pseudo-labelling',
      epoch: 0,
      epochs: phase.epochsPlanned,
      batch: 0,
      batches: 0,
      loss: null,
      clipsPerSec: null,
      etaSec: null,
    });
    const teacher = await loadPhaseModel(ctx, phase.index - 1);
    try {
      const pool = makeLoader(ctx.data.unlabelled, ctx.deps.source, {
        seed: run.config.seed,
        streamName: 'pool',
        batchSize: run.config.optim.batchSize,
        framesPerClip: run.config.data.framesPerClip,
        inputSize: teacher.config.backbone.inputSize,
        mode: 'eval',
        augment: false,
      });
      phase.pseudoLabels = await pseudoLabel(
        teacher,
        pool,
        classCounts(phaseClips(ctx, phase).train, k),
        run.config.noisyStudent,
        signal,
      );
    } finally {
      disposeModel(teacher);
    }
    await ctx.save(null);
  }

  const loaders = phaseLoaders(ctx, phase);
  const trainClips = phaseClips(ctx, phase).train;
  const counts = classCounts(trainClips, k);
  phase.classCounts = counts;
  phase.data = {
    train: trainClips.length,
    val: phaseClips(ctx, phase).val.length,
    pseudo: phase.pseudoLabels?.selected.length ?? 0,
  };
  const classWeights =
    run.config.optim.classWeights === 'balanced' ? balancedClassWeights(counts) : undefined;

  const model = resuming ? createModel(phase.modelConfig) : await initialModel(ctx, phase);
  const optimizer = tf.train.adam(run.config.optim.learningRate);
  let best: StoredTensor[] | null = null;
  let bestScore = -Infinity;
  let startEpoch = 0;
  try {
    if (resuming) {
      restoreModel(model, checkpoint.weights);
      await restoreOptimizer(optimizer, checkpoint.optimizer);
      best = checkpoint.best;
      bestScore = checkpoint.bestScore ?? -Infinity;
      startEpoch = checkpoint.epoch;
    } else {
      phase.epochs = [];
      phase.startedAt = Date.now();
    }
    for (let epoch = startEpoch; epoch < phase.epochsPlanned; epoch++) {
      const lr = learningRateAt(run.config.optim, epoch);
      (optimizer as tf.AdamOptimizer & { learningRate: number }).learningRate = lr;
      const trained = await trainEpoch(ctx, phase, model, optimizer, loaders, epoch, classWeights);
      ctx.progress({
        phase: phase.index,
        phaseName: phase.name,
        stage: 'validating',
        epoch,
        epochs: phase.epochsPlanned,
        batch: loaders.steps,
        batches: loaders.steps,
        loss: trained.loss,
        clipsPerSec: null,
        etaSec: ctx.etaSec(phase.index, epoch + 1, 0),
      });
      const t1 = performance.now();
      const ev = evaluatePredictions(await predictClips(model, loaders.val, { signal }), k);
      const m = tf.memory();
      const rec: EpochRecord = {
        epoch,
        learningRate: lr,
        trainLoss: trained.loss,
        trainAccuracy: trained.accuracy,
        valLoss: ev.loss,
        valAccuracy: ev.accuracy,
        valMacroF1: ev.macroF1,
        ms: trained.ms + (performance.now() - t1),
        clipsPerSec: trained.clips / Math.max(trained.ms / 1000, 1e-3),
        numTensors: m.numTensors,
        numBytes: m.numBytes,
      };
      ctx.timeEpoch(rec.ms);
      phase.epochs.push(rec);
      const s = score(ev.accuracy, ev.loss);
      if (s > bestScore) {
        bestScore = s;
        best = await snapshotModel(model);
        phase.bestEpoch = epoch;
      }
      run.position = { phase: phase.index, epoch: epoch + 1 };
      signal.throwIfAborted();
      await ctx.save({
        kind: 'checkpoint',
        id: `${run.id}/latest`,
        runId: run.id,
        phase: phase.index,
        epoch: epoch + 1,
        savedAt: Date.now(),
        weights: await snapshotModel(model),
        optimizer: await snapshotOptimizer(optimizer),
        best,
        bestScore,
      });
    }
    // The phase's result: its best epoch, evaluated with per-clip predictions and kept.
    if (best) restoreModel(model, best);
    const final = evaluatePredictions(await predictClips(model, loaders.val, { signal }), k);
    phase.evaluation = final;
    phase.finishedAt = Date.now();
    run.position = { phase: phase.index + 1, epoch: 0 };
    await ctx.save(null, {
      kind: 'phase-model',
      id: phaseModelKey(run.id, phase.index),
      runId: run.id,
      phase: phase.index,
      modelConfig: phase.modelConfig,
      weights: await snapshotModel(model),
    });
  } finally {
    optimizer.dispose();
    disposeModel(model);
  }
}

/** The student did not beat its teacher on validation (the paper's stopping rule). */
function noGain(run: RunRecord, phase: PhaseRecord): boolean {
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

/**
 * Starts or resumes the run `runId`. Resolves with the final record (status 'done', or
 * 'paused' when the signal was aborted with reason 'pause'); other failures are recorded in the
 * run (status 'failed', the message saying why) and rethrown.
 */
export async function runTraining(runId: string, deps: EngineDeps): Promise<RunRecord> {
  const { db } = deps;
  const run = await getRun(db, runId);
  if (!run) throw new Error(`No run ${runId}`);
  if (run.status === 'done') return run;
  const started = run.position.phase > 0 || run.position.epoch > 0;
  if (started)
    run.resumes.push({
      at: Date.now(),
      phase: run.position.phase,
      epoch: run.position.epoch,
      why: run.message ?? `resumed (${run.status})`,
    });
  run.status = 'running';
  run.message = null;
  run.environment = deps.environment;
  let data: RunData;
  try {
    data = await loadRunData(db, run.config);
  } catch (e) {
    // Nothing trained: the run says why (e.g. the dataset is not preprocessed) and can be
    // resumed once that is fixed.
    run.status = 'failed';
    run.message = e instanceof Error ? e.message : String(e);
    run.updatedAt = Date.now();
    await putRun(db, run);
    deps.onSaved?.(structuredClone(run));
    throw e;
  }
  const ctx = new RunContext(run, data, deps);
  await ctx.save(null);
  try {
    for (let p = run.position.phase; p < run.phases.length; p++) {
      const phase = run.phases[p];
      if (!phase) break;
      await runPhase(ctx, phase);
      if (run.config.noisyStudent.stopWhenNoGain && noGain(run, phase)) {
        // The rest of this fold's students are skipped; the next fold (if any) goes on.
        const next = run.phases.findIndex((q) => q.index > p && q.kind === 'teacher');
        const skipTo = next < 0 ? run.phases.length : next;
        run.message = `${phase.name} did not beat its teacher on validation; its iterations stopped there.`;
        run.position = { phase: skipTo, epoch: 0 };
        await ctx.save(null);
        p = skipTo - 1;
      }
    }
    run.crossValidation = crossValidationSummary(run);
    run.status = 'done';
    await ctx.save(null);
    return run;
  } catch (e) {
    // The record in memory may be ahead of the last checkpoint (an epoch half recorded): the
    // stored record is the one consistent with the checkpoint, so the status goes on that.
    const stored = (await getRun(db, runId).catch(() => undefined)) ?? run;
    const reason: unknown = deps.signal.aborted ? deps.signal.reason : null;
    // An abort with an Error (e.g. the GPU device was lost) is the real cause of whatever failed.
    const cause = reason instanceof Error ? reason : e;
    const where = `epoch ${stored.position.epoch + 1} of ${stored.phases[stored.position.phase]?.name ?? 'the run'}`;
    if (reason === 'pause') {
      stored.status = 'paused';
      stored.message = `Paused; resumes from ${where}.`;
    } else {
      stored.status = 'failed';
      stored.message = `${cause instanceof Error ? cause.message : String(cause)} (resumable from ${where})`;
    }
    stored.updatedAt = Date.now();
    await putRun(db, stored).catch(() => undefined);
    deps.onSaved?.(structuredClone(stored));
    if (reason === 'pause') return stored;
    throw cause;
  }
}
