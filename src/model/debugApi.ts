/**
 * Types of `window.__ferModel`, the model's in-browser check and benchmark API (installed by
 * debugHook.ts). Types only, so the e2e tests and the bench script can import them.
 */

export type DebugBackend = 'webgpu' | 'webgl' | 'cpu';

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

export interface FerModelDebugApi {
  version: 1;
  /** Which of webgpu / webgl / cpu can be set in this browser. */
  backends(): Promise<DebugBackend[]>;
  adapter(): Promise<AdapterDescription>;
  groupedConvCheck(backend: DebugBackend): Promise<GroupedConvCheck>;
  /** Imports the committed fixture and compares its outputs with expected.json. */
  fixtureCheck(backend: DebugBackend): Promise<AgreementCheck>;
  /** A seeded mid-size model (64x64, widths / 4, 2 frames) on `backend` against the CPU backend. */
  crossBackendCheck(backend: DebugBackend): Promise<AgreementCheck>;
  leakCheck(backend: DebugBackend, steps: number): Promise<LeakCheck>;
  bench(opts: ModelBenchOptions): Promise<ModelBenchResult>;
  benchGroupedConv(backend: DebugBackend, reps: number): Promise<GroupedConvBench[]>;
}

declare global {
  interface Window {
    /** Installed by src/model/debugHook.ts; used by tests/e2e/model.spec.ts and bench:model. */
    __ferModel?: FerModelDebugApi;
  }
}
