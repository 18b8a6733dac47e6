/**
 * How the headless runner and the e2e tests launch Chromium. Real Debian Chromium, never a
 * downloaded browser (shared/docs/platform-facts.md). Imported by scripts/cli.ts; the e2e
 * config can import `chromiumArgs` from here so both launch the same browser.
 */

/** Where Chromium lives unless `CHROMIUM_PATH` says otherwise. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for any headless run. The background-networking flags stop Chromium from calling
 * out on a closed network; --enable-unsafe-webgpu exposes WebGPU (a SwiftShader fallback
 * adapter where there is no GPU, a hardware adapter where there is one).
 */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

/**
 * Extra flags for a machine with a real GPU (`--gpu`): headless Chromium otherwise renders
 * WebGL through SwiftShader and may keep WebGPU on its blocklist. Vulkan is what Chromium
 * uses for WebGPU on Linux; ANGLE-on-Vulkan puts WebGL on the same device.
 */
export const gpuArgs: readonly string[] = [
  '--ignore-gpu-blocklist',
  '--enable-gpu',
  '--use-angle=vulkan',
  '--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan',
  '--disable-vulkan-surface',
];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
}

/** The full argument list for a launch; `extra` comes last so it can override. */
export function launchArgs(opts: { gpu: boolean; extra?: readonly string[] }): string[] {
  return [...chromiumArgs, ...(opts.gpu ? gpuArgs : []), ...(opts.extra ?? [])];
}
