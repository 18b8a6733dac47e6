/**
 * A tiny model with non-trivial batch-norm statistics and its eval-mode outputs under a kernel
 * mode: what the fused-kernel tests (cpu here, webgpu on SwiftShader) compare across modes.
 */
import * as tf from '@tensorflow/tfjs';
import { mergeConfig, TINY_OVERRIDES } from './config';
import { setKernelMode, type KernelMode } from './kernels';
import { createModel, type FerModel } from './model';
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

/** max |got - want| / max |want|. */
export function relativeError(got: Float32Array, want: Float32Array): number {
  let d = 0;
  let s = 0;
  want.forEach((w, i) => {
    d = Math.max(d, Math.abs((got[i] ?? NaN) - w));
    s = Math.max(s, Math.abs(w));
  });
  return d / s;
}
