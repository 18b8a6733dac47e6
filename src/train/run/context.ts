/** What a running training run shares between its parts: the record, data, deps, timing. */
import * as tf from '@tensorflow/tfjs';
import type { FerDatabase } from '../../storage/db';
import { writeRunChange } from '../../runs/writer';
import { type TrainConfig } from '../config';
import type { FrameSource } from '../data/source';
import { type ClipLister, type RunData } from './data';
import type { CheckpointRecord, PhaseModelRecord, RunEnvironment, RunRecord } from './record';

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
  /** Lists a dataset's clips; default: the database's (listClips). The Node runtime's come from files. */
  clips?: ClipLister;
}

/** Loss that is not a finite number: the run pauses instead of training on garbage. */
export class NonFiniteLossError extends Error {
  constructor(phase: string, epoch: number, batch: number) {
    super(
      `The training loss became NaN or infinite (${phase}, epoch ${epoch + 1}, batch ${batch + 1}). ` +
        'The run was paused at its last checkpoint; lower the learning rate and resume.',
    );
    this.name = 'NonFiniteLossError';
  }
}

function gpuBytes(): number | null {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return typeof m.numBytesInGPU === 'number' ? m.numBytesInGPU : null;
}

export const TEACHER_STREAM = 'labelled';

export class RunContext {
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
    await writeRunChange(this.deps.db, { type: 'progress', run: this.run, checkpoint, phaseModel });
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

export type PhaseModelArg = PhaseModelRecord | null;
