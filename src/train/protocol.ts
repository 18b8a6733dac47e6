/** Messages between the UI and the training worker (workers/train.worker.ts). */
import type { BackendName } from '../compute/backend';
import type { KernelMode } from '../model/kernelModes';
import type { TrainProgress } from './run/engine';
import type { StepTiming, StepTimingRequest } from './run/measure';
import type { RunRecord } from './run/record';

/**
 * The automation build's wrapper of the worker (src/automation/train/worker.ts) adds messages
 * only tests send (a lost GPU device, a full disk).
 */
export type ToTrainWorker =
  | {
      type: 'start';
      runId: string;
      /** The page's backend (the worker runs the same one), and why the page runs it. */
      backend: BackendName | null;
      backendReason?: string | null;
      /** The kernel mode the run trains with (src/model/kernels.ts); its environment records it. */
      kernels: KernelMode;
    }
  /** Times a warm-up step of each network (the Train form's duration estimate), then ends. */
  | {
      type: 'measure';
      requests: StepTimingRequest[];
      backend: BackendName | null;
      kernels: KernelMode;
    }
  | { type: 'pause' };

export type FromTrainWorker =
  | { type: 'backend'; backend: string; reason: string; device: string }
  | { type: 'progress'; progress: TrainProgress }
  /** The run record after every save (epochs, phases, status). */
  | { type: 'saved'; run: RunRecord }
  | { type: 'finished'; run: RunRecord }
  | { type: 'measured'; backend: string; timings: StepTiming[] }
  | {
      type: 'error';
      runId: string;
      message: string;
      kind: 'device-lost' | 'storage' | 'data' | 'other';
    };
