import { useState } from 'react';
import {
  THEME_SETTINGS,
  type ThemeSetting as Setting,
  loadThemeSetting,
  saveThemeSetting,
} from './theme';

const LABELS: Record<Setting, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** The theme picker in the header: System / Light / Dark, stored in localStorage. */
export function ThemeSetting() {
  const [setting, setSetting] = useState<Setting>(loadThemeSetting);
  return (
    <label className="theme-setting">
      Theme{' '}
      <select
        data-testid="settings.theme"
        value={setting}
        onChange={(e) => {
          const v = e.target.value as Setting;
          setSetting(v);
          saveThemeSetting(v);
        }}
      >
        {THEME_SETTINGS.map((t) => (
          <option key={t} value={t}>
            {LABELS[t]}
          </option>
        ))}
      </select>
    </label>
  );
}
