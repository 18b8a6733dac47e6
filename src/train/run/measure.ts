/**
 * A short measured warm-up for the Train form's duration estimate (issue 17 item 5), used when
 * no stored run of the same network size on this backend has timed epochs: one untimed
 * optimiser step (kernels compiled, memory allocated), then one timed step and one timed
 * inference pass, on seeded random clips of the run's size. Per clip, so that the estimate can
 * scale it to the run's batches.
 */
import * as tf from '@tensorflow/tfjs';
import { createAdam } from '../../compute/fusedAdam';
import { type ModelConfig, validateModelConfig } from '../../model/config';
import { createModel, disposeForwardOutput, disposeModel, forward } from '../../model/model';
import { optimiserStep } from '../loop/step';

export interface StepTimingRequest {
  /** The phase's network (a teacher's or a student's). */
  model: ModelConfig;
  framesPerClip: number;
  /** Clips in the measured step (a run's batch, capped: the warm-up must stay short). */
  clips: number;
  microBatch: number | null;
}

export interface StepTiming {
  /** Forward + backward + update, per clip, ms. */
  trainMsPerClip: number;
  /** Inference (validation), per clip, ms. */
  evalMsPerClip: number;
}

export async function measureStep(r: StepTimingRequest): Promise<StepTiming> {
  const model = createModel(validateModelConfig(r.model));
  const size = model.config.backbone.inputSize;
  const k = model.config.numClasses;
  const x = tf.randomUniform<tf.Rank.R5>(
    [r.clips, r.framesPerClip, size, size, 9],
    0,
    1,
    'float32',
    7,
  ); // (B, T, S, S, 9)
  const mask = tf.ones<tf.Rank.R2>([r.clips, r.framesPerClip]); // (B, T)
  const targets = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: r.clips }, (_, i) => i % k),
      'int32',
    ),
    k,
  ) as tf.Tensor2D; // (B, classes)
  const optimizer = createAdam(1e-5);
  const step = () =>
    optimiserStep(model, optimizer, { x, mask, targets, dropoutSeed: 1, microBatch: r.microBatch });
  try {
    await step(); // warm-up, untimed
    const t0 = performance.now();
    await step();
    const trainMs = performance.now() - t0;
    const t1 = performance.now();
    const o = forward(model, x);
    await o.logits.data();
    disposeForwardOutput(o);
    const evalMs = performance.now() - t1;
    return { trainMsPerClip: trainMs / r.clips, evalMsPerClip: evalMs / r.clips };
  } finally {
    tf.dispose([x, mask, targets]);
    optimizer.dispose();
    disposeModel(model);
  }
}
