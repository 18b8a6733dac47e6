/** Messages between the UI and the training worker (workers/train.worker.ts). */
import type { BackendName } from '../compute/backend';
import type { TrainProgress } from './run/engine';
import type { RunRecord } from './run/record';

export type ToTrainWorker =
  | {
      type: 'start';
      runId: string;
      /** The page's backend (the worker runs the same one), and why the page runs it. */
      backend: BackendName | null;
      backendReason?: string | null;
    }
  | { type: 'pause' }
  /** Tests: destroys the WebGPU device, as a driver reset would (no-op on other backends). */
  | { type: 'lose-device' }
  /**
   * Tests: from now on, writes of checkpoints in this worker fail with QuotaExceededError, as
   * on a full disk (Chromium's quota override does not reliably fail writes that replace a
   * record of the same size).
   */
  | { type: 'fill-storage' };

export type FromTrainWorker =
  | { type: 'backend'; backend: string; reason: string; device: string }
  | { type: 'progress'; progress: TrainProgress }
  /** The run record after every save (epochs, phases, status). */
  | { type: 'saved'; run: RunRecord }
  | { type: 'finished'; run: RunRecord }
  | {
      type: 'error';
      runId: string;
      message: string;
      kind: 'device-lost' | 'storage' | 'data' | 'other';
    };
