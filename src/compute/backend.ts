/**
 * The one place that picks the TensorFlow.js backend and records what ran and why.
 *
 * Default order (docs/backends.md has the measurements behind it):
 * - WebGPU when the adapter is real hardware;
 * - WASM (SIMD always; threads when the page is cross-origin isolated) when the WebGPU adapter is
 *   a software fallback (SwiftShader) or absent: on the CPU it trains fastest, through the
 *   convolution and max-pool gradients of ./wasmGrads.ts;
 * - then WebGL, then plain-JS CPU, and a software WebGPU adapter last.
 * A setting (`preferred`) puts one backend first; `rank: true` orders the candidates by a
 * measured probe training step instead (`rankBackends`).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { groupedConv2d } from '../model/groupedConv';
import { installMissingGradients } from './wasmGrads';
import { installWasmKernels } from './wasmKernels';
import { hasBatchNormSimd, installBnKernels } from './bnKernels';
import { hasAdamSimd } from './fusedAdam';
import { hasReluGradSimd } from './reluGrad';
import { hasSmallMatMul } from './smallMatMul';
import { hasTransposeSimd } from './transposeKernel';
import { hasMaxPoolSimd, installRawKernels } from './rawKernels';
import { prepareWasm, wasmThreadsRequest, withWasmCoreCap } from './wasmThreads';
import {
  BACKEND_ORDER,
  type AdapterInfo,
  type BackendInfo,
  type BackendName,
  type BackendProbe,
} from './backendInfo';

// The names, records and their description live in ./backendInfo.ts (no TensorFlow.js), so the
// shell can show them before this module loads.
export { BACKEND_ORDER, describeBackend, explainBackend, inheritedReason } from './backendInfo';
export type { AdapterInfo, BackendInfo, BackendName, BackendProbe } from './backendInfo';

export interface InitBackendOptions {
  /** Order the candidates by a measured probe training step (`rankBackends`). */
  rank?: boolean;
  /** Why `preferred` was asked for (default: "requested by the setting"). */
  preferredReason?: string;
}

async function webgpuAdapter(): Promise<AdapterInfo | string> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator))
    return 'WebGPU is not available in this browser.';
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return 'No WebGPU adapter (the browser may need WebGPU enabled).';
  const info = adapter.info;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    isFallbackAdapter: adapter.isFallbackAdapter || info.architecture === 'swiftshader',
  };
}

const SET_BACKEND_TIMEOUT_MS = 30_000;

let switching: Promise<unknown> = Promise.resolve();

/**
 * Switches to `name`; null on success, else why not. Checks that the switch really happened.
 * Switches run one at a time: two overlapping tf.setBackend calls make the first resolve false.
 */
export function trySetBackend(name: BackendName): Promise<string | null> {
  const next = switching.then(() => setBackendNow(name));
  switching = next;
  return next;
}

/**
 * Which of our hand-assembled SIMD kernels run on the active backend (all false off wasm): each
 * has a slower fallback that gives the same results, so only this shows that they are in use.
 */
export function wasmSimdKernels(): Record<string, boolean> {
  return {
    adam: hasAdamSimd(),
    batchNorm: hasBatchNormSimd(),
    maxPoolGrad: hasMaxPoolSimd(),
    reluGrad: hasReluGradSimd(),
    smallMatMul: hasSmallMatMul(),
    transpose: hasTransposeSimd(),
  };
}

async function setBackendNow(name: BackendName): Promise<string | null> {
  try {
    if (name === 'wasm') prepareWasm();
    installMissingGradients();
    installWasmKernels();
    installRawKernels();
    installBnKernels();
    // A backend whose start hangs (e.g. wasm workers that cannot load) must not stall the app.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, SET_BACKEND_TIMEOUT_MS);
    });
    const start = () => tf.setBackend(name);
    const ok = await Promise.race([name === 'wasm' ? withWasmCoreCap(start) : start(), timeout]);
    clearTimeout(timer);
    if (ok === 'timeout')
      return `tf.setBackend('${name}') did not finish in ${SET_BACKEND_TIMEOUT_MS / 1000} s.`;
    if (!ok || tf.getBackend() !== name) return `tf.setBackend('${name}') failed.`;
    await tf.ready();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

async function wasmDetails(): Promise<BackendInfo['wasm']> {
  const threads = getThreadsCount();
  const request = wasmThreadsRequest();
  const multithread = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const isolated = typeof crossOriginIsolated === 'boolean' && crossOriginIsolated;
  return {
    threads,
    requestedThreads: request.threads,
    threadsReason: threadsReason(threads, request, multithread),
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    multithread,
    crossOriginIsolated: isolated,
  };
}

/** Why the WASM backend runs `threads` threads when `request` was asked for. */
export function threadsReason(
  threads: number,
  request: { threads: number; reason: string },
  multithread: boolean,
): string {
  if (threads === request.threads) return request.reason;
  const asked = `${request.threads} asked for (${request.reason})`;
  if (!multithread && threads === 1)
    return `${asked}, but the threaded binary needs a cross-origin-isolated page`;
  return `${asked}, but the WASM binary was started earlier with ${threads}`;
}

/**
 * The probe: one training step (forward, gradients, SGD update) of a small grouped conv net
 * shaped like our backbone's stem (7x7/2 conv, 3x3/2 max-pool, 3x3 conv, groups 3) on a
 * 4 x 32 x 32 x 9 batch. Returns ms per step after one warm-up step (shader compilation).
 */
async function probeStep(reps: number): Promise<number> {
  const r = (shape: number[], seed: number) => tf.randomUniform(shape, -0.5, 0.5, 'float32', seed);
  const x = r([4, 32, 32, 9], 1) as tf.Tensor4D;
  const w1 = tf.variable(r([7, 7, 3, 24], 2));
  const w2 = tf.variable(r([3, 3, 8, 24], 3));
  const optimizer = tf.train.sgd(1e-3);
  const step = async () => {
    const loss = optimizer.minimize(
      () => {
        let h = tf.relu(groupedConv2d(x, w1 as tf.Tensor4D, { groups: 3, strides: 2, pad: 3 }));
        h = tf.maxPool(h, 3, 2, 1); // [4, 8, 8, 24]
        h = tf.relu(groupedConv2d(h, w2 as tf.Tensor4D, { groups: 3, strides: 1, pad: 1 }));
        return tf.mean(tf.square(h));
      },
      true,
      [w1, w2],
    );
    await loss?.data();
    loss?.dispose();
  };
  try {
    await step();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await step();
    return (performance.now() - t0) / reps;
  } finally {
    optimizer.dispose();
    tf.dispose([x, w1, w2]);
  }
}

/**
 * Times the probe training step on each candidate that starts, fastest first; failures last with
 * their error. Leaves the fastest backend active.
 */
export async function rankBackends(
  candidates: readonly BackendName[] = BACKEND_ORDER,
  reps = 2,
): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const name of candidates) {
    const failure = await trySetBackend(name);
    if (failure !== null) {
      probes.push({ name, ms: null, error: failure });
      continue;
    }
    try {
      probes.push({ name, ms: await probeStep(reps) });
    } catch (e) {
      probes.push({ name, ms: null, error: e instanceof Error ? e.message : String(e) });
    }
  }
  probes.sort((a, b) => (a.ms ?? Infinity) - (b.ms ?? Infinity));
  const best = probes[0];
  if (best?.ms != null) await trySetBackend(best.name);
  return probes;
}

const fmtMs = (ms: number | null): string => (ms === null ? 'failed' : `${ms.toFixed(0)} ms`);

/**
 * Picks the backend (see the module comment) and reports what ran and why. `preferred` (the
 * settings override, `?backend=`) is tried first; the rest of the order still applies after it.
 */
export async function initBackend(
  preferred?: BackendName,
  opts: InitBackendOptions = {},
): Promise<BackendInfo> {
  const fallbacks: BackendInfo['fallbacks'] = [];
  const a = await webgpuAdapter();
  const adapter = typeof a === 'string' ? null : a;
  const noAdapter = typeof a === 'string' ? a : 'no adapter';
  const hardware = adapter !== null && !adapter.isFallbackAdapter;

  let order: BackendName[];
  const reasons = new Map<BackendName, string>();
  let ranking: BackendProbe[] | null = null;
  if (opts.rank) {
    ranking = await rankBackends(BACKEND_ORDER.filter((b) => b !== 'webgpu' || adapter !== null));
    order = ranking.map((p) => p.name);
    const summary = ranking.map((p) => `${p.name} ${fmtMs(p.ms)}`).join(', ');
    for (const p of ranking) reasons.set(p.name, `measured probe training step: ${summary}`);
  } else if (hardware) {
    order = ['webgpu', 'wasm', 'webgl', 'cpu'];
    reasons.set(
      'webgpu',
      `WebGPU on a hardware adapter (${[adapter.vendor, adapter.architecture].filter(Boolean).join(' ')})`,
    );
  } else {
    order = ['wasm', 'webgl', 'cpu'];
    const why =
      adapter === null
        ? `no WebGPU adapter (${noAdapter})`
        : `the WebGPU adapter is a software fallback (${adapter.vendor} ${adapter.architecture})`;
    reasons.set('wasm', `${why}: WASM trains fastest on the CPU`);
    if (adapter !== null) {
      fallbacks.push({
        name: 'webgpu',
        reason: 'software fallback adapter: slower than WASM, WebGL and CPU here',
      });
      order.push('webgpu');
    } else fallbacks.push({ name: 'webgpu', reason: noAdapter });
  }
  if (preferred) {
    order = [preferred, ...order.filter((b) => b !== preferred)];
    reasons.set(
      preferred,
      opts.preferredReason ?? `requested by the setting (backend=${preferred})`,
    );
  }

  for (const name of order) {
    if (name === 'webgpu' && adapter === null) {
      if (!fallbacks.some((f) => f.name === name)) fallbacks.push({ name, reason: noAdapter });
      continue;
    }
    const failure = await trySetBackend(name);
    if (failure === null) {
      const reason =
        reasons.get(name) ??
        (fallbacks.length > 0 ? 'the backends before it could not start' : 'default order');
      return Object.freeze({
        name,
        reason,
        fallbacks: fallbacks.filter((f) => f.name !== name),
        adapter: name === 'webgpu' ? adapter : null,
        wasm: name === 'wasm' ? await wasmDetails() : null,
        ranking,
      });
    }
    const existing = fallbacks.find((f) => f.name === name);
    if (existing) existing.reason = failure;
    else fallbacks.push({ name, reason: failure });
  }
  throw new Error(
    `No TensorFlow.js backend could start: ${fallbacks.map((f) => `${f.name}: ${f.reason}`).join('; ')}`,
  );
}
