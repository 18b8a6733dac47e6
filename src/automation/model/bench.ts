/**
 * The timing half of the model debug hook (../model.ts): `bench`, `benchGroupedConv`,
 * `memoryTrace` and `clipLatency`, which `npm run bench` drives through the page, plus the seeded
 * inputs both halves use.
 */
import * as tf from '@tensorflow/tfjs';
import { createAdam } from '../../compute/fusedAdam';
import { type ModelConfigInput, TINY_OVERRIDES } from '../../model/config';
import type {
  ClipLatency,
  ClipLatencyOptions,
  DebugBackend,
  GroupedConvBench,
  MemoryTrace,
  ModelBenchOptions,
  ModelBenchResult,
} from './api';
import { paramCounts, modelFlops } from '../../model/flops';
import {
  blockDiagonalGroupedConv,
  type GroupedConvImplementation,
  splitGroupedConv,
} from '../../model/groupedConv';
import {
  createModel,
  disposeForwardOutput,
  disposeModel,
  type FerModel,
  forward,
} from '../../model/model';
import { mulberry32 } from '../../model/params';
import { trainStep } from './trainStep';
export function random(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
}

export function clipInput(
  shape: [number, number, number, number, number],
  seed: number,
): tf.Tensor5D {
  const r = mulberry32(seed);
  return tf.tensor5d(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r()),
    shape,
  );
}

/**
 * One warm-up run (shader compilation, texture allocation) under tf.profile for the peak
 * memory, then `reps` timed runs without profiling (profiling syncs every kernel).
 */
async function timeIt(
  reps: number,
  fn: () => Promise<void>,
): Promise<{ ms: number; peakBytes: number; kernels: ModelBenchResult['trainKernels'] }> {
  const profile = await tf.profile(fn);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  const byName = new Map<string, { name: string; calls: number; ms: number }>();
  for (const k of profile.kernels) {
    const e = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    e.calls += 1;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, e);
  }
  const kernels = [...byName.values()].sort((a, b) => b.ms - a.ms).slice(0, 12);
  return { ms: (performance.now() - t0) / reps, peakBytes: profile.peakBytes, kernels };
}

export async function runBench(opts: ModelBenchOptions): Promise<ModelBenchResult> {
  const config = opts.config === 'tiny' ? TINY_OVERRIDES : {};
  const model: FerModel = createModel(config);
  const size = model.config.backbone.inputSize;
  const x = clipInput([opts.clips, opts.frames, size, size, 9], 5);
  const flopsPerClip = modelFlops(model.config, opts.frames).perClip;
  const totalFlops = flopsPerClip * opts.clips;
  const totalFrames = opts.clips * opts.frames;
  try {
    const fwd = async () => {
      const o = forward(model, x);
      await o.logits.data();
      disposeForwardOutput(o);
    };
    const fwdTiming = await timeIt(opts.reps, fwd);
    const forwardMs = fwdTiming.ms;
    let trainMs: number | null = null;
    let peakTrain: number | null = null;
    let trainKernels: ModelBenchResult['trainKernels'] = null;
    if (opts.train) {
      const optimizer = createAdam(1e-4); // what training in the app uses
      const y = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: opts.clips }, (_, i) => i % model.config.numClasses),
          'int32',
        ),
        model.config.numClasses,
      );
      const targets = tf.cast(y, 'float32') as tf.Tensor2D;
      y.dispose();
      let step = 0;
      const trainOnce = async () => {
        const loss = trainStep(model, optimizer, x, targets, { dropoutSeed: step++ });
        await loss.data();
        loss.dispose();
      };
      const trainTiming = await timeIt(opts.reps, trainOnce);
      trainMs = trainTiming.ms;
      peakTrain = trainTiming.peakBytes;
      trainKernels = trainTiming.kernels;
      optimizer.dispose();
      targets.dispose();
    }
    const n = opts.backend === 'cpu' ? 512 : 1024;
    const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
    const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
    const { ms: matmulMs } = await timeIt(opts.reps, async () => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    });
    tf.dispose([a, b]);
    return {
      backend: tf.getBackend(),
      config: opts.config,
      inputSize: size,
      clips: opts.clips,
      frames: opts.frames,
      params: paramCounts(model.config).total,
      flopsPerClip,
      forwardMsPerClip: forwardMs / opts.clips,
      forwardFramesPerSec: (1000 * totalFrames) / forwardMs,
      forwardGflopsPerSec: totalFlops / forwardMs / 1e6,
      trainMsPerClip: trainMs === null ? null : trainMs / opts.clips,
      trainFramesPerSec: trainMs === null ? null : (1000 * totalFrames) / trainMs,
      trainGflopsPerSec: trainMs === null ? null : (3 * totalFlops) / trainMs / 1e6,
      peakBytesForward: fwdTiming.peakBytes,
      peakBytesTrain: peakTrain,
      matmulN: n,
      matmulGflopsPerSec: (2 * n * n * n) / matmulMs / 1e6,
      trainKernels,
    };
  } finally {
    x.dispose();
    disposeModel(model);
  }
}

export async function benchGroupedConv(reps: number): Promise<GroupedConvBench[]> {
  // Full-size layers of the paper's network, batch 2 frames.
  const layers = [
    { layer: 'conv1 7x7/2, 224x224x9 -> 96', x: [2, 224, 224, 9], k: [7, 7, 3, 96], s: 2, p: 3 },
    { layer: 'conv2_x 3x3, 56x56x96 -> 96', x: [2, 56, 56, 96], k: [3, 3, 32, 96], s: 1, p: 1 },
    { layer: 'conv5_x 3x3, 7x7x768 -> 768', x: [2, 7, 7, 768], k: [3, 3, 256, 768], s: 1, p: 1 },
  ] as const;
  const results: GroupedConvBench[] = [];
  for (const l of layers) {
    const x = tf.randomUniform<tf.Rank.R4>([...l.x], -1, 1, 'float32', 1);
    const k = tf.randomUniform<tf.Rank.R4>([...l.k], -1, 1, 'float32', 2);
    const time = async (impl: GroupedConvImplementation) =>
      (
        await timeIt(reps, async () => {
          const y = impl(x, k, { groups: 3, strides: l.s, pad: l.p });
          await y.data();
          y.dispose();
        })
      ).ms;
    results.push({
      backend: tf.getBackend(),
      layer: l.layer,
      splitMs: await time(splitGroupedConv),
      blockDiagonalMs: await time(blockDiagonalGroupedConv),
    });
    tf.dispose([x, k]);
  }
  return results;
}

/** tf.memory() after a warm-up step and after each of `steps` Adam steps on one batch. */
export async function memoryTrace(
  backend: DebugBackend,
  config: ModelConfigInput,
  clips: number,
  frames: number,
  steps: number,
): Promise<MemoryTrace> {
  const model = createModel(config);
  const size = model.config.backbone.inputSize;
  const x = clipInput([clips, frames, size, size, 9], 11);
  const y = tf.tidy(() =>
    tf.cast(
      tf.oneHot(
        tf.tensor1d(
          Array.from({ length: clips }, (_, i) => i % model.config.numClasses),
          'int32',
        ),
        model.config.numClasses,
      ),
      'float32',
    ),
  ) as tf.Tensor2D;
  const optimizer = tf.train.adam(1e-3);
  const trace: MemoryTrace = {
    backend,
    inputSize: size,
    clips,
    frames,
    numTensors: [],
    numBytes: [],
    losses: [],
    ms: 0,
  };
  const t0 = performance.now();
  try {
    for (let i = 0; i <= steps; i++) {
      const loss = trainStep(model, optimizer, x, y, { dropoutSeed: i });
      trace.losses.push((await loss.data())[0] ?? NaN);
      loss.dispose();
      const m = tf.memory();
      trace.numTensors.push(m.numTensors);
      trace.numBytes.push(m.numBytes);
    }
    trace.ms = performance.now() - t0;
    return trace;
  } finally {
    optimizer.dispose();
    tf.dispose([x, y]);
    disposeModel(model);
  }
}

export async function clipLatency(opts: ClipLatencyOptions): Promise<ClipLatency> {
  const model = createModel(opts.model);
  const size = model.config.backbone.inputSize;
  const x = clipInput([1, opts.frames, size, size, 9], 13);
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    const o = forward(model, x);
    await o.logits.data();
    disposeForwardOutput(o);
    return performance.now() - t0;
  };
  try {
    const warmupMs = await once();
    const ms: number[] = [];
    for (let i = 0; i < opts.reps; i++) ms.push(await once());
    return { backend: tf.getBackend(), inputSize: size, frames: opts.frames, warmupMs, ms };
  } finally {
    x.dispose();
    disposeModel(model);
  }
}
