/**
 * Types of `window.__ferModel`, the model's in-browser check and benchmark API (installed by
 * src/automation/model.ts). Types only, so the e2e tests and the bench script can import them.
 */

import type { ModelConfigInput } from '../../model/config';

export type DebugBackend = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

export interface GroupedConvCheck {
  backend: string;
  /** Per case and implementation: max |tensor result - naive loop|. */
  cases: { name: string; impl: 'split' | 'blockDiagonal'; maxAbsDiff: number }[];
}

export interface AgreementCheck {
  backend: string;
  /** Max |difference| of the logits and of every attention weight from the reference. */
  maxAbsDiffLogits: number;
  maxAbsDiffAttention: number;
  /** What it was compared with ('fixture' = the committed expected.json, or a backend name). */
  reference: string;
}

export interface LeakCheck {
  backend: string;
  steps: number;
  /** tf.memory().numTensors after the first (warm-up) step and after `steps` more. */
  before: number;
  after: number;
  losses: number[];
}

/** A tiny model's training-step gradients on one backend against the CPU backend's. */
export interface GradientCheck {
  backend: string;
  /** Over all trainable parameters: max |g - g_cpu| / max |g_cpu|. */
  relErr: number;
  /** The worst parameter by that measure, and its own max |g - g_cpu| / max |g_cpu|. */
  worstParam: string;
  worstParamRelErr: number;
  /** Number of parameters whose gradients were compared. */
  params: number;
  /** Gradient kernels the backend lacks or has wrong, replaced by src/compute/wasmGrads.ts. */
  substituted: string[];
}

/** What the WASM backend reports once active. */
export interface WasmStatus {
  /** tf.setBackend('wasm') resolved true and tf.getBackend() then said 'wasm'. */
  setBackendOk: boolean;
  active: string;
  threads: number;
  simd: boolean;
  /** tfjs's WASM_HAS_MULTITHREAD_SUPPORT (the threaded binary was chosen). */
  multithread: boolean;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Our SIMD kernels in use on wasm (src/compute/backend.ts `wasmSimdKernels`). */
  simdKernels: Record<string, boolean>;
}

export interface ModelBenchOptions {
  backend: DebugBackend;
  config: 'tiny' | 'full';
  clips: number;
  frames: number;
  /** Timed repetitions after one warm-up run. */
  reps: number;
  /** Also time a training step (Adam). */
  train: boolean;
}

export interface ModelBenchResult {
  backend: string;
  config: 'tiny' | 'full';
  inputSize: number;
  clips: number;
  frames: number;
  /** Parameters (all stored scalars). */
  params: number;
  /** FLOPs (2 x multiply-adds) of one forward pass over one clip. */
  flopsPerClip: number;
  forwardMsPerClip: number;
  forwardFramesPerSec: number;
  forwardGflopsPerSec: number;
  /** A training step counts 3 x the forward FLOPs (forward + two backward products). */
  trainMsPerClip: number | null;
  trainFramesPerSec: number | null;
  trainGflopsPerSec: number | null;
  /** tf.profile peakBytes over one forward / one training step (weights included). */
  peakBytesForward: number;
  peakBytesTrain: number | null;
  /** The same backend on an n x n x n matmul, for reference. */
  matmulN: number;
  matmulGflopsPerSec: number;
  /**
   * Where the first (profiled) training step's time went: kernels by total time, the 12 largest.
   * tf.profile times each kernel synchronously, so these add up to about the step.
   */
  trainKernels: { name: string; calls: number; ms: number }[] | null;
}

export interface GroupedConvBench {
  backend: string;
  layer: string;
  splitMs: number;
  blockDiagonalMs: number;
}

export interface AdapterDescription {
  userAgent: string;
  webgpu: { vendor: string; architecture: string; description: string; isFallback: boolean } | null;
  webglRenderer: string | null;
  hardwareConcurrency: number;
}

/** tf.memory() after each of a run of training steps (bench: tensors must not grow). */
export interface MemoryTrace {
  backend: string;
  inputSize: number;
  clips: number;
  frames: number;
  /** Index 0 is after the first (warm-up) step, index i after step i. */
  numTensors: number[];
  numBytes: number[];
  losses: number[];
  ms: number;
}

export interface ClipLatencyOptions {
  backend: DebugBackend;
  /** The model configuration (a preset's `model`, e.g. `{}` for the shipped full size). */
  model: ModelConfigInput;
  frames: number;
  /** Timed runs after one warm-up run. */
  reps: number;
}

/** Inference on one clip (batch 1): forward pass and reading the logits back. */
export interface ClipLatency {
  backend: string;
  inputSize: number;
  frames: number;
  /** The first run: shader compilation and allocation included. */
  warmupMs: number;
  /** Each timed run. */
  ms: number[];
}

export interface FerModelDebugApi {
  version: 1;
  /** Which of webgpu / wasm / webgl / cpu can be set in this browser. */
  backends(): Promise<DebugBackend[]>;
  adapter(): Promise<AdapterDescription>;
  groupedConvCheck(backend: DebugBackend): Promise<GroupedConvCheck>;
  /** Imports the committed fixture and compares its outputs with expected.json. */
  fixtureCheck(backend: DebugBackend): Promise<AgreementCheck>;
  /** A seeded mid-size model (64x64, widths / 4, 2 frames) on `backend` against the CPU backend. */
  crossBackendCheck(backend: DebugBackend): Promise<AgreementCheck>;
  leakCheck(backend: DebugBackend, steps: number): Promise<LeakCheck>;
  /**
   * `steps` Adam steps (lr 1e-3) of the tiny 16x16 model with dropout off on one fixed batch:
   * the losses, and tensors before/after as in leakCheck.
   */
  trainCheck(backend: DebugBackend, steps: number): Promise<LeakCheck>;
  /** Switches to wasm (served from our build) and reports threads and SIMD; switches back. */
  wasmStatus(): Promise<WasmStatus>;
  /** A tiny model's training-step gradients (dropout off) on `backend` against the CPU's. */
  gradientCheck(backend: DebugBackend): Promise<GradientCheck>;
  bench(opts: ModelBenchOptions): Promise<ModelBenchResult>;
  benchGroupedConv(backend: DebugBackend, reps: number): Promise<GroupedConvBench[]>;
  /** `steps` Adam steps after a warm-up step on one fixed batch, tf.memory() after each. */
  memoryTrace(
    backend: DebugBackend,
    model: ModelConfigInput,
    clips: number,
    frames: number,
    steps: number,
  ): Promise<MemoryTrace>;
  clipLatency(opts: ClipLatencyOptions): Promise<ClipLatency>;
}

declare global {
  interface Window {
    /** Installed by src/automation/model.ts; used by tests/e2e/model.spec.ts and bench:model. */
    __ferModel?: FerModelDebugApi;
  }
}
