/**
 * WebGPU without a browser: Dawn in Node (npm `webgpu`, the implementation Chrome uses) gives
 * `navigator.gpu`, and the app's own backend selection (src/compute/backend.ts initBackend)
 * then starts `@tensorflow/tfjs-backend-webgpu` on it. For GPU servers, where launching Chromium
 * with a hardware GPU is impractical, and for testing the WebGPU path without a browser.
 *
 * Dawn needs a Vulkan driver. On a GPU server the loader finds the vendor's (NVIDIA) ICD itself;
 * here, with no GPU, Debian's chromium package ships SwiftShader's Vulkan ICD, which we point the
 * loader at when the caller has not chosen one (docs/backends.md, "WebGPU in Node").
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { register } from 'node:module';
import { join } from 'node:path';
import type { BackendInfo } from '../../src/compute/backend';

/** SwiftShader's Vulkan driver, from Debian's chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The environment Dawn needs that is not already set: VK_ICD_FILENAMES (SwiftShader) only when
 * unset and the ICD file exists, XDG_RUNTIME_DIR (any writable folder) when unset.
 */
export function vulkanEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  icdExists: (path: string) => boolean,
  runtimeDir: () => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && icdExists(SWIFTSHADER_ICD))
    out.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!env.XDG_RUNTIME_DIR) out.XDG_RUNTIME_DIR = runtimeDir();
  return out;
}

/** The adapter limits the workbench's model needs from WebGPU (and reports). */
export interface GpuLimits {
  maxStorageBuffersPerShaderStage: number;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
}

/**
 * Minimums, with why. tfjs-backend-webgpu asks the device for the adapter's own values of most
 * limits, so what matters is whether the adapter meets what its kernels dispatch: the WebGPU
 * defaults (every conforming adapter has them). Storage buffers: a fused conv2d binds x, filter,
 * bias, PReLU weights and its output; AddN binds one per input, which is why model.ts chains adds.
 */
export const REQUIRED_LIMITS: Readonly<GpuLimits> = Object.freeze({
  maxStorageBuffersPerShaderStage: 8,
  maxBufferSize: 256 * 2 ** 20,
  maxStorageBufferBindingSize: 128 * 2 ** 20,
  maxComputeWorkgroupStorageSize: 16_384,
  maxComputeInvocationsPerWorkgroup: 256,
});

/**
 * One message per limit the adapter falls short of (empty when it has them all). With
 * `largestTensorBytes` (the biggest activation of the planned batch), the buffer limits must
 * also hold that tensor, since tfjs binds each tensor as one storage buffer.
 */
export function missingLimits(limits: Readonly<GpuLimits>, largestTensorBytes = 0): string[] {
  const out: string[] = [];
  for (const key of Object.keys(REQUIRED_LIMITS) as (keyof GpuLimits)[]) {
    let need = REQUIRED_LIMITS[key];
    if (key === 'maxBufferSize' || key === 'maxStorageBufferBindingSize')
      need = Math.max(need, largestTensorBytes);
    const have = limits[key];
    if (!(have >= need))
      out.push(`${key} is ${String(have)} on this adapter; the model needs at least ${need}`);
  }
  return out;
}

export interface NodeAdapterReport {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
  limits: GpuLimits;
  /** The Vulkan ICD used when we chose it (SwiftShader), else null (the loader's own search). */
  icd: string | null;
}

function pickLimits(l: GPUSupportedLimits): GpuLimits {
  return {
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    maxBufferSize: l.maxBufferSize,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
  };
}

let installed: Promise<NodeAdapterReport> | null = null;

/**
 * Installs Dawn's `navigator.gpu` (once) and checks its adapter. Throws a message naming what is
 * missing: the Dawn binary, a Vulkan driver (no adapter), or a limit.
 */
export function installNodeWebgpu(): Promise<NodeAdapterReport> {
  installed ??= install();
  return installed;
}

async function install(): Promise<NodeAdapterReport> {
  const set = vulkanEnvironment(process.env, existsSync, () =>
    mkdtempSync(join(tmpdir(), 'fer-xdg-')),
  );
  Object.assign(process.env, set);
  let webgpu: typeof import('webgpu');
  try {
    webgpu = await import('webgpu');
  } catch (e) {
    throw new Error(
      `Dawn for Node (npm package "webgpu", dist/${process.platform}-${process.arch}/dawn.node) ` +
        `could not be loaded: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  // Dawn's options (`disable-dawn-features=timestamp_quantization`, `adapter=...`), space-separated.
  const gpu = webgpu.create(dawnOptions(process.env));
  Object.assign(globalThis, webgpu.globals);
  // Node 21+ has a read-only navigator; define the property rather than assign it.
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  if (!('navigator' in globalThis) || globalThis.navigator !== nav)
    Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true });

  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const icd = process.env.VK_ICD_FILENAMES ?? null;
  if (!adapter)
    throw new Error(
      'No WebGPU adapter: Dawn found no usable Vulkan driver. ' +
        (icd
          ? `VK_ICD_FILENAMES is ${icd}; check that it names a working Vulkan ICD.`
          : `Install a GPU driver with Vulkan support (NVIDIA's includes it) or Debian's ` +
            `chromium package for SwiftShader (${SWIFTSHADER_ICD}).`),
    );
  const info = adapter.info;
  const report: NodeAdapterReport = {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    isFallbackAdapter:
      Boolean((adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter) ||
      info.architecture === 'swiftshader',
    limits: pickLimits(adapter.limits),
    icd: set.VK_ICD_FILENAMES ?? null,
  };
  const missing = missingLimits(report.limits);
  if (missing.length > 0)
    throw new Error(
      `The WebGPU adapter (${report.vendor} ${report.architecture}) lacks what the model needs: ` +
        missing.join('; '),
    );
  return report;
}

/** FER_DAWN_OPTIONS split on spaces: what `webgpu`'s create() takes (its README). */
export function dawnOptions(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env.FER_DAWN_OPTIONS ?? '').split(' ').filter(Boolean);
}

export interface NodeWebgpuRuntime {
  adapter: NodeAdapterReport;
  backend: BackendInfo;
}

/**
 * Node resolves Vite's `import url from 'x.wasm?url'` (src/compute/wasmThreads.ts) as a module;
 * this hook turns it into the file's URL, as Vite would. Not needed under vitest (Vite does it).
 */
const URL_IMPORT_HOOK = `export async function resolve(spec, ctx, next) {
  if (!spec.endsWith('?url')) return next(spec, ctx);
  const r = await next(spec.slice(0, -4), ctx);
  return { url: 'data:text/javascript,export default ' + encodeURIComponent(JSON.stringify(r.url)), shortCircuit: true };
}`;

let hooked = false;
function registerUrlImports(): void {
  if (hooked || process.env.VITEST) return;
  hooked = true;
  register(`data:text/javascript,${encodeURIComponent(URL_IMPORT_HOOK)}`);
}

/**
 * Dawn's navigator.gpu, then the app's backend selection with WebGPU asked for. Stops (throws)
 * if anything but webgpu started: a run on this runtime must not silently time another backend.
 */
export async function initNodeWebgpu(): Promise<NodeWebgpuRuntime> {
  const adapter = await installNodeWebgpu();
  registerUrlImports();
  // Imported only now: tfjs-backend-webgpu registers itself only if navigator.gpu exists.
  const { initBackend } = await import('../../src/compute/backend');
  const backend = await initBackend('webgpu', {
    preferredReason: 'the Node WebGPU runtime (Dawn)',
  });
  if (backend.name !== 'webgpu')
    throw new Error(
      `WebGPU did not start on Dawn (${backend.fallbacks.map((f) => `${f.name}: ${f.reason}`).join('; ')})`,
    );
  return { adapter, backend };
}

/** One line for logs: vendor, architecture, description, fallback, limits. */
export function describeNodeAdapter(a: NodeAdapterReport): string {
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  return (
    `WebGPU adapter (Dawn): ${[a.vendor, a.architecture].filter(Boolean).join(' / ')}` +
    `${a.description ? ` (${a.description})` : ''}, fallback ${String(a.isFallbackAdapter)}; ` +
    `maxStorageBuffersPerShaderStage ${a.limits.maxStorageBuffersPerShaderStage}, ` +
    `maxBufferSize ${mib(a.limits.maxBufferSize)}, ` +
    `maxStorageBufferBindingSize ${mib(a.limits.maxStorageBufferBindingSize)}, ` +
    `maxComputeWorkgroupStorageSize ${a.limits.maxComputeWorkgroupStorageSize}` +
    (a.icd ? `; Vulkan ICD ${a.icd}` : '')
  );
}
