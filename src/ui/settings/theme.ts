/**
 * The colour theme: System (follows prefers-color-scheme), Light or Dark. The choice is kept in
 * localStorage and applied as `data-theme="light" | "dark"` on <html>; styles.css defines the
 * colours of each as CSS variables, which the charts and heatmaps use too.
 */
export type ThemeSetting = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_SETTINGS: readonly ThemeSetting[] = ['system', 'light', 'dark'];
const KEY = 'fer.theme';

function isSetting(v: unknown): v is ThemeSetting {
  return v === 'system' || v === 'light' || v === 'dark';
}

export function loadThemeSetting(): ThemeSetting {
  try {
    const v = localStorage.getItem(KEY);
    return isSetting(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

function systemQuery(): MediaQueryList | null {
  return typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
}

export function resolveTheme(setting: ThemeSetting, systemDark: boolean): Theme {
  if (setting === 'system') return systemDark ? 'dark' : 'light';
  return setting;
}

/** Sets data-theme on <html> (and data-theme-setting, for tests and styles). */
export function applyTheme(setting: ThemeSetting, root: HTMLElement = document.documentElement) {
  root.dataset.theme = resolveTheme(setting, systemQuery()?.matches ?? false);
  root.dataset.themeSetting = setting;
}

export function saveThemeSetting(setting: ThemeSetting): void {
  try {
    localStorage.setItem(KEY, setting);
  } catch {
    // Storage unavailable (private mode): the choice lasts for this page only.
  }
  applyTheme(setting);
}

/** Applies the stored theme now and follows the system's scheme while the setting is System. */
export function initTheme(): void {
  applyTheme(loadThemeSetting());
  systemQuery()?.addEventListener('change', () => {
    if (loadThemeSetting() === 'system') applyTheme('system');
  });
}
