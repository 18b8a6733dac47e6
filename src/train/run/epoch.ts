/** One training epoch of a phase: labelled (+ pseudo-labelled) batches, steps, progress. */
import * as tf from '@tensorflow/tfjs';
import { stream } from '../../compute/random';
import { type FerModel } from '../../model/model';
import type { ClipLoader } from '../data/loader';
import { oneHotRows, optimiserStep } from '../loop/step';
import type { PhaseRecord } from './record';

import { NonFiniteLossError, RunContext } from './context';
import type { PhaseLoaders } from './phase';

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

export async function trainEpoch(
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
          microBatch: ctx.config.optim.microBatch ?? null,
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
