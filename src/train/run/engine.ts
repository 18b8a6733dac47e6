/**
 * Runs (or resumes) a training run phase by phase: [pre-training], the teacher, then the
 * noisy-student iterations (paper Sec. 4.1-4.2). After every epoch the run record and a
 * checkpoint (weights, Adam state, the next epoch) are saved in one transaction, so a reload or
 * a crash loses at most the epoch in progress; the data order depends only on (seed, epoch),
 * so a resumed run continues with the numbers it would have had.
 */
import * as tf from '@tensorflow/tfjs';
import { createAdam } from '../../compute/fusedAdam';
import { balancedClassWeights } from '../../model/loss';
import { createModel, disposeModel } from '../../model/model';
import { writeRunChange } from '../../runs/writer';
import { getCheckpoint, getRun, phaseModelKey } from '../../storage/runs';
import { phaseLearningRate } from '../config';
import { evaluatePredictions, predictClips } from '../loop/predict';
import { restoreModel, restoreOptimizer, snapshotModel, snapshotOptimizer } from '../loop/snapshot';
import { classCounts, loadRunData, makeLoader, type RunData } from './data';
import { pseudoLabel } from './pseudo';
import { adoptTeacher, findTeacherDonor } from './reuse';
import type { EpochRecord, PhaseRecord, RunRecord, StoredTensor } from './record';

import { type EngineDeps, NonFiniteLossError, RunContext } from './context';
import { trainEpoch } from './epoch';
import { initialModel, loadPhaseModel, phaseClips, phaseLoaders } from './phase';
import { crossValidationSummary, noGain } from './summary';

export {
  NonFiniteLossError,
  type EngineDeps,
  type TrainProgress,
  type TrainStage,
} from './context';
export { crossValidationSummary } from './summary';

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

  const clips = phaseClips(ctx, phase);
  if (!resuming && run.config.reuseTeacher === true && run.environment) {
    const donor = await findTeacherDonor(db, run, phase, run.environment.backend, {
      train: clips.train.length,
      val: clips.val.length,
      test: clips.test.length,
    });
    if (donor) {
      adoptTeacher(phase, donor);
      run.position = { phase: phase.index + 1, epoch: 0 };
      await ctx.save(null, {
        ...donor.model,
        id: phaseModelKey(run.id, phase.index),
        runId: run.id,
      });
      return;
    }
  }

  const loaders = phaseLoaders(ctx, phase);
  const trainClips = clips.train;
  const counts = classCounts(trainClips, k);
  phase.classCounts = counts;
  phase.data = {
    train: trainClips.length,
    val: clips.val.length,
    pseudo: phase.pseudoLabels?.selected.length ?? 0,
    test: clips.test.length,
  };
  const classWeights =
    run.config.optim.classWeights === 'balanced' ? balancedClassWeights(counts) : undefined;

  const model = resuming ? createModel(phase.modelConfig) : await initialModel(ctx, phase);
  const optimizer = createAdam(run.config.optim.learningRate);
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
      const lr = phaseLearningRate(run.config, phase.kind === 'student', epoch);
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
    // The reported number: the checkpoint chosen on validation, evaluated once on held-out clips.
    phase.test = loaders.test
      ? evaluatePredictions(await predictClips(model, loaders.test, { signal }), k)
      : null;
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

/**
 * Starts or resumes the run `runId`. Resolves with the final record (status 'done', or
 * 'paused' when the signal was aborted with reason 'pause' or the loss became NaN / infinite:
 * the run waits at its last checkpoint, the message saying why); other failures are recorded
 * in the run (status 'failed', the message saying why) and rethrown.
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
    data = await loadRunData(db, run.config, deps.clips);
  } catch (e) {
    // Nothing trained: the run says why (e.g. the dataset is not preprocessed) and can be
    // resumed once that is fixed.
    run.status = 'failed';
    run.message = e instanceof Error ? e.message : String(e);
    run.updatedAt = Date.now();
    await writeRunChange(db, { type: 'progress', run });
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
    const reason: unknown = deps.signal.aborted ? deps.signal.reason : null;
    // An abort with an Error (e.g. the GPU device was lost) is the real cause of whatever failed.
    const cause = reason instanceof Error ? reason : e;
    const numeric = !(reason instanceof Error) && e instanceof NonFiniteLossError;
    // The record in memory may be ahead of the last checkpoint (an epoch half recorded): the
    // writer puts the status on the stored record, the one consistent with the checkpoint.
    const stored =
      (await writeRunChange(db, {
        type: 'stopped',
        runId,
        fallback: run,
        why: reason === 'pause' ? 'pause' : numeric ? 'non-finite' : 'failed',
        message: numeric ? e.message : cause instanceof Error ? cause.message : String(cause),
      })) ?? run;
    deps.onSaved?.(structuredClone(stored));
    if (reason === 'pause' || numeric) return stored;
    throw cause;
  }
}
