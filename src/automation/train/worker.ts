/// <reference lib="webworker" />
/**
 * The automation build's training worker: the product's worker (workers/train.worker.ts) plus
 * the messages only tests send. Everything else goes to the product's handler unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import type { ToTrainWorker } from '../../train/protocol';
import { handleTrainMessage } from '../../../workers/train.worker';
import { failPutsInto } from '../storage/quota';

declare const self: DedicatedWorkerGlobalScope;

export type AutomationTrainMessage =
  | ToTrainWorker
  /** Destroys the WebGPU device, as a driver reset would (no-op on other backends). */
  | { type: 'lose-device' }
  /**
   * Once `afterPuts` more have succeeded, writes of checkpoints in this worker fail with QuotaExceededError, as on a
   * full disk (Chromium's quota override does not reliably fail writes that replace a record
   * of the same size).
   */
  | { type: 'fill-storage'; afterPuts: number };

// Replaces the onmessage the product worker set when it was imported above.
self.onmessage = (ev: MessageEvent<AutomationTrainMessage>) => {
  const msg = ev.data;
  if (msg.type === 'fill-storage') failPutsInto('checkpoints', msg.afterPuts);
  else if (msg.type === 'lose-device')
    (tf.backend() as unknown as { device?: { destroy?: () => void } }).device?.destroy?.();
  else handleTrainMessage(msg);
};
