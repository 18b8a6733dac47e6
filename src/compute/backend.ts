import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

/** What actually ran: recorded in every run and shown in the header. */
export interface BackendInfo {
  name: BackendName;
  /** Backends tried before this one, with why each was not used. */
  fallbacks: { name: BackendName; reason: string }[];
  adapter: {
    vendor: string;
    architecture: string;
    description: string;
    isFallbackAdapter: boolean;
  } | null;
}

/** Preference order: the first that initialises wins. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

async function webgpuAdapter(): Promise<BackendInfo['adapter'] | string> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator))
    return 'WebGPU is not available in this browser.';
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return 'No WebGPU adapter (the browser may need WebGPU enabled).';
  const info = adapter.info;
  const isFallback = adapter.isFallbackAdapter;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    isFallbackAdapter: isFallback || info.architecture === 'swiftshader',
  };
}

async function trySetBackend(name: BackendName): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) return `tf.setBackend('${name}') failed.`;
    await tf.ready();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Picks WebGPU, else WebGL, else CPU, and reports what ran and why. `preferred` forces a
 * backend first (the settings override); the rest of the order still applies after it.
 */
export async function initBackend(preferred?: BackendName): Promise<BackendInfo> {
  const order = preferred
    ? [preferred, ...BACKEND_ORDER.filter((b) => b !== preferred)]
    : BACKEND_ORDER;
  const fallbacks: BackendInfo['fallbacks'] = [];
  let adapter: BackendInfo['adapter'] = null;
  for (const name of order) {
    if (name === 'webgpu') {
      const a = await webgpuAdapter();
      if (typeof a === 'string') {
        fallbacks.push({ name, reason: a });
        continue;
      }
      adapter = a;
    }
    const failure = await trySetBackend(name);
    if (failure === null)
      return Object.freeze({ name, fallbacks, adapter: name === 'webgpu' ? adapter : null });
    fallbacks.push({ name, reason: failure });
  }
  throw new Error(
    `No TensorFlow.js backend could start: ${fallbacks.map((f) => `${f.name}: ${f.reason}`).join('; ')}`,
  );
}

export function describeBackend(info: BackendInfo): string {
  if (info.name === 'webgpu' && info.adapter) {
    const a = info.adapter;
    const what = [a.vendor, a.architecture, a.description].filter(Boolean).join(' ');
    return `WebGPU (${what}${a.isFallbackAdapter ? ', software fallback' : ''})`;
  }
  return info.name === 'webgl' ? 'WebGL' : 'CPU (plain JavaScript)';
}
