/**
 * The backend names, what a started backend records (`BackendInfo`) and its one-line
 * description: plain data, no TensorFlow.js, so the shell (header, settings) can import them
 * without loading tfjs. ./backend.ts starts backends and re-exports all of this.
 */
export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** One backend's probe result (`rankBackends`): ms per training step, or why it could not run. */
export interface BackendProbe {
  name: BackendName;
  ms: number | null;
  error?: string;
}

/** What actually ran: recorded in every run and shown in the header. */
export interface BackendInfo {
  name: BackendName;
  /** Why this backend was chosen (default order, the setting, or the probe). */
  reason: string;
  /** Backends tried or skipped before this one, with why each was not used. */
  fallbacks: { name: BackendName; reason: string }[];
  /** The WebGPU adapter when WebGPU runs, else null. */
  adapter: AdapterInfo | null;
  /** WASM details when WASM runs, else null. */
  wasm: {
    /** XNNPACK's thread-pool size as the binary reports it. */
    threads: number;
    /** What we asked for: one per logical core (src/compute/wasmThreads.ts). */
    requestedThreads: number;
    /** Why it runs that many threads (the request's reason, or what capped it). */
    threadsReason: string;
    simd: boolean;
    /** tfjs's WASM_HAS_MULTITHREAD_SUPPORT: the threaded binary could be used. */
    multithread: boolean;
    crossOriginIsolated: boolean;
  } | null;
  /** The probe's measurements, fastest first, when the choice was measured; else null. */
  ranking: BackendProbe[] | null;
}

/** Every backend, in the order used when WebGPU has a hardware adapter. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/**
 * The one account of what runs and why, shown in the header's tooltip and next to a training
 * run: the backend's reason and, on WASM, why it has that many threads. (The header once said
 * "2 threads" while a run said "1 thread: requested by the setting" with no setting changed:
 * issue 17 item 12.)
 */
export function explainBackend(info: BackendInfo): string {
  const w = info.wasm;
  if (info.name !== 'wasm' || !w) return info.reason;
  return `${info.reason}; ${w.threads} thread${w.threads === 1 ? '' : 's'}: ${w.threadsReason}`;
}

/** Why a worker runs the page's backend (the page's own reason, quoted). */
export function inheritedReason(pageReason: string): string {
  return `the page's backend (${pageReason})`;
}

export function describeBackend(info: BackendInfo): string {
  switch (info.name) {
    case 'webgpu': {
      const a = info.adapter;
      if (!a) return 'WebGPU';
      const what = [a.vendor, a.architecture, a.description].filter(Boolean).join(' ');
      return `WebGPU (${what}${a.isFallbackAdapter ? ', software fallback' : ''})`;
    }
    case 'wasm': {
      const w = info.wasm;
      if (!w) return 'WebAssembly';
      return `WebAssembly (${w.simd ? 'SIMD' : 'no SIMD'}, ${w.threads} thread${w.threads === 1 ? '' : 's'})`;
    }
    case 'webgl':
      return 'WebGL';
    case 'cpu':
      return 'CPU (plain JavaScript)';
  }
}
