import { describe, expect, it } from 'vitest';
import { shouldRegisterServiceWorker } from './pwa';
import { resolveTheme } from './settings/theme';

describe('shouldRegisterServiceWorker', () => {
  it('registers for people, not for automated browsers, unless the URL says so', () => {
    expect(shouldRegisterServiceWorker('', false)).toBe(true);
    expect(shouldRegisterServiceWorker('', true)).toBe(false);
    expect(shouldRegisterServiceWorker('?sw=1&demo=0', true)).toBe(true);
    expect(shouldRegisterServiceWorker('?sw=0', false)).toBe(false);
  });
});

describe('resolveTheme', () => {
  it('follows the system only when the setting is System', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});
