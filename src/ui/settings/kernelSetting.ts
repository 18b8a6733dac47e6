/**
 * The Compute settings' "Kernels" choice (src/model/kernels.ts `KernelMode`), kept in
 * localStorage like the backend setting. `?kernels=` in the page's URL (the CLI's `--kernels`)
 * wins for that page and is not stored.
 */
import { isKernelMode, KERNELS_PARAM, type KernelMode } from '../../model/kernelModes';

export const KERNEL_SETTING_KEY = 'fer.kernelMode';

export function loadKernelSetting(
  search: string = typeof location === 'undefined' ? '' : location.search,
): KernelMode {
  const fromUrl = new URLSearchParams(search).get(KERNELS_PARAM);
  if (isKernelMode(fromUrl)) return fromUrl;
  try {
    const stored = localStorage.getItem(KERNEL_SETTING_KEY);
    return isKernelMode(stored) ? stored : 'auto';
  } catch {
    return 'auto';
  }
}

export function saveKernelSetting(mode: KernelMode): void {
  try {
    localStorage.setItem(KERNEL_SETTING_KEY, mode);
  } catch {
    // private mode or storage full: the choice lasts for this page only
  }
}
