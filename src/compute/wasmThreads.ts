/**
 * WASM backend set-up: where the .wasm binaries come from and how many XNNPACK threads run.
 *
 * Why tfjs-backend-wasm 4.22 reported 1 thread on a 2-core machine although we asked for 2:
 * - tfjs picks the threaded SIMD binary when WASM_HAS_MULTITHREAD_SUPPORT (SharedArrayBuffer can
 *   be posted: a cross-origin-isolated page) and SIMD hold; that part worked.
 * - `setThreadsCount(n)` is passed to the C++ `init_with_threads_count` when the backend is
 *   created, which caps it: min(max(n, 1), 8, num_cores), where `num_cores` is a global set at
 *   module start-up to `emscripten_num_logical_cores() / 2`, i.e. navigator.hardwareConcurrency
 *   / 2 (it assumes two hyper-threads per core). With 2 logical cores that is 1, whatever we ask.
 * So while the backend starts (and only then) we report twice the logical cores to that one
 * read, which lifts the cap to the real logical-core count; `setThreadsCount` then gets exactly
 * one thread per logical core. The binary's pthread pool has 8 pre-started workers, so up to 8
 * threads need no extra worker start-up.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let wasmPathsSet = false;
let threadsOverride: { threads: number; reason: string } | null = null;

/**
 * Sets the thread count the next WASM start asks for, and why (null: the default below). The
 * training worker uses it: on small networks XNNPACK's threads cost more in hand-offs than they
 * save (docs/backends.md: the tiny step took 77 ms on 1 thread, 903 ms on 2, here).
 */
export function setWasmThreadsOverride(n: number | null, reason = 'set by the caller'): void {
  threadsOverride = n === null ? null : { threads: n, reason };
}

/** Below this many FLOPs per frame a training run uses one WASM thread (see trainingWasmThreads). */
export const SMALL_NETWORK_FLOPS = 2e8;

/**
 * WASM threads for a training run: one for networks below 0.2 GFLOP per frame (e.g. the tiny
 * preset), where threads only cost; null (one per core) for bigger ones. With the reason, which
 * the run shows next to its backend.
 */
export function trainingWasmThreads(
  perFrameFlops: number,
): { threads: number; reason: string } | null {
  if (!(perFrameFlops < SMALL_NETWORK_FLOPS)) return null;
  return {
    threads: 1,
    reason: `the network is small (${(perFrameFlops / 1e9).toFixed(2)} GFLOP per frame, below ${SMALL_NETWORK_FLOPS / 1e9}): XNNPACK's threads cost more than they save on it`,
  };
}

/**
 * The XNNPACK thread count we ask for: one per logical core (1 where that is unknown), or the
 * page's `?wasmThreads=N` (benchmarks compare thread counts with it).
 */
export function wantedWasmThreads(): number {
  return wasmThreadsRequest().threads;
}

/** The thread count we ask for and why. */
export function wasmThreadsRequest(): { threads: number; reason: string } {
  if (threadsOverride !== null) return threadsOverride;
  const asked =
    typeof location !== 'undefined'
      ? Number(new URLSearchParams(location.search).get('wasmThreads') ?? NaN)
      : NaN;
  if (Number.isInteger(asked) && asked >= 1)
    return { threads: asked, reason: `asked for by the page address (wasmThreads=${asked})` };
  const cores =
    typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0
      ? navigator.hardwareConcurrency
      : 0;
  return cores > 0
    ? { threads: cores, reason: `one per logical core (${cores})` }
    : { threads: 1, reason: 'the number of cores is unknown' };
}

/** Serves the .wasm files from our own build (Vite `?url`); without it setBackend('wasm') fails. */
export function prepareWasm(): void {
  if (wasmPathsSet) return;
  wasmPathsSet = true;
  // In Node (unit tests) tfjs reads the binaries from its own package; the URLs are for browsers.
  if (tf.env().getBool('IS_NODE')) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
  // Must precede the backend's creation (the count is read once, in its constructor).
  setThreadsCount(wantedWasmThreads());
}

/** Whether the wasm backend has been created (getThreadsCount throws before that). */
export function wasmStarted(): boolean {
  try {
    getThreadsCount();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `start` (the first tf.setBackend('wasm')) while navigator.hardwareConcurrency reads twice
 * its value, so the binary's num_cores = hardwareConcurrency / 2 equals the real logical-core
 * count (see the module comment). The property is restored before this returns. Does nothing
 * special in Node, without the threaded binary, or once the backend exists.
 */
export async function withWasmCoreCap<T>(start: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined' || tf.env().getBool('IS_NODE') || wasmStarted())
    return start();
  const threaded = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const real = navigator.hardwareConcurrency;
  if (!threaded || !(real > 0)) return start();
  const own = Object.getOwnPropertyDescriptor(navigator, 'hardwareConcurrency');
  try {
    Object.defineProperty(navigator, 'hardwareConcurrency', {
      configurable: true,
      get: () => real * 2,
    });
  } catch {
    return start(); // a browser that forbids it keeps tfjs's cap
  }
  try {
    return await start();
  } finally {
    if (own) Object.defineProperty(navigator, 'hardwareConcurrency', own);
    else Reflect.deleteProperty(navigator, 'hardwareConcurrency');
  }
}
