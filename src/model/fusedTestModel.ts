/**
 * A tiny model with non-trivial batch-norm statistics and its eval-mode outputs under a kernel
 * mode: what the fused-kernel tests (cpu here, webgpu on SwiftShader) compare across modes.
 */
import * as tf from '@tensorflow/tfjs';
import { mergeConfig, TINY_OVERRIDES } from './config';
import { setKernelMode, type KernelMode } from './kernels';
import { modelLoss } from './loss';
import { createModel, type FerModel, forward } from './model';
import { mulberry32 } from './params';
import { backboneForward } from './resnet';

export const FUSED_TEST_CONFIG = mergeConfig(TINY_OVERRIDES, {
  backbone: { inputSize: 16 },
  dropout: 0,
});

/** The tiny model with every batch norm's gamma, beta, mean and variance drawn at random. */
export function modelWithBnStats(seed: number): FerModel {
  const model = createModel(FUSED_TEST_CONFIG);
  const r = mulberry32(seed);
  const ranges: Record<string, [number, number]> = {
    gamma: [0.5, 1.5],
    beta: [-0.5, 0.5],
    movingMean: [-0.3, 0.3],
    movingVariance: [0.3, 1.5],
  };
  for (const [name, v] of model.params.variables) {
    const range = ranges[name.split('/').at(-1) ?? ''];
    if (!name.includes('/bn/') || !range) continue;
    const [lo, hi] = range;
    const t = tf.tensor1d(Float32Array.from({ length: v.size }, () => lo + (hi - lo) * r()));
    v.assign(t);
    t.dispose();
  }
  return model;
}

/** Every stage output of the backbone in eval mode under `mode`, flattened in order. */
export async function evalStages(
  model: FerModel,
  x: tf.Tensor4D,
  mode: KernelMode,
): Promise<Float32Array> {
  const previous = setKernelMode(mode);
  try {
    const flat = tf.tidy(() => {
      const stages = backboneForward(model.params, model.config.backbone, x, { training: false });
      return tf.concat(stages.flat().map((t) => t.reshape([-1])));
    });
    const data = (await flat.data()) as Float32Array;
    flat.dispose();
    return data;
  } finally {
    setKernelMode(previous);
  }
}

/** What one pass of the whole model gives, for comparing kernel modes. */
export interface PassResult {
  /** Every stage output of the backbone, flattened in order (a first, separate forward). */
  stages: Float32Array;
  loss: Float32Array;
  logits: Float32Array;
  /** d loss / d v for every trainable variable, by name. */
  grads: Map<string, Float32Array>;
  /** Every batch norm's movingMean and movingVariance after both forwards, by name. */
  stats: Map<string, Float32Array>;
}

/**
 * Under `mode`: the backbone's stage outputs, then the loss of the whole model and its gradients
 * for every trainable variable; in training mode each of the two forwards moves the batch-norm
 * statistics. x: (B, n, S, S, 9); y: (B, classes).
 */
export async function modelPass(
  model: FerModel,
  x: tf.Tensor5D,
  y: tf.Tensor2D,
  mode: KernelMode,
  training: boolean,
): Promise<PassResult> {
  const previous = setKernelMode(mode);
  try {
    const [b, n, s, , c] = x.shape;
    const flat = tf.tidy(() => {
      const frames = x.reshape<tf.Tensor4D>([b * n, s, s, c]); // (B n, S, S, 9)
      const stages = backboneForward(model.params, model.config.backbone, frames, { training });
      return tf.concat(stages.flat().map((t) => t.reshape([-1])));
    });
    const kept: tf.Tensor[] = []; // the logits, kept past variableGrads' tidy
    const { value, grads } = tf.variableGrads(() => {
      const out = forward(model, x, { training });
      kept.push(tf.keep(out.logits));
      return modelLoss(model.config, out, y, {}).total;
    }, model.params.trainable());
    const read = async (t: tf.Tensor) => Float32Array.from(await t.data());
    const result: PassResult = {
      stages: await read(flat),
      loss: await read(value),
      logits: kept[0] ? await read(kept[0]) : new Float32Array(),
      grads: new Map(),
      stats: new Map(),
    };
    for (const [name, v] of model.params.variables) {
      const g = grads[v.name];
      if (g) result.grads.set(name, await read(g));
      if (name.includes('/moving')) result.stats.set(name, await read(v));
    }
    tf.dispose([flat, value, ...Object.values(grads), ...kept]);
    return result;
  } finally {
    setKernelMode(previous);
  }
}

/** max |got - want| / max |want| (0 where both are all zeros, as a gradient can be). */
export function relativeError(got: Float32Array, want: Float32Array): number {
  let d = 0;
  let s = 0;
  want.forEach((w, i) => {
    d = Math.max(d, Math.abs((got[i] ?? NaN) - w));
    s = Math.max(s, Math.abs(w));
  });
  return s === 0 && d === 0 ? 0 : d / s;
}
