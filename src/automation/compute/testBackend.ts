/**
 * The backend for unit tests that train (vitest, Node): WASM when it starts (SIMD; with the
 * convolution and pooling gradients of src/compute/wasmGrads.ts it trains several times faster
 * than the plain-JS CPU backend), else CPU. Call it in `beforeAll` and compare with tolerances
 * that hold on both (WASM and CPU agree to ~1e-5 relative on our gradients).
 *
 *   beforeAll(async () => { backend = await useFastTestBackend(); });
 */
import * as tf from '@tensorflow/tfjs';
import { trySetBackend } from '../../compute/backend';

export async function useFastTestBackend(): Promise<string> {
  if ((await trySetBackend('wasm')) === null) return tf.getBackend();
  if ((await trySetBackend('cpu')) !== null) throw new Error('Neither wasm nor cpu could start.');
  return tf.getBackend();
}
