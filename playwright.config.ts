import { defineConfig } from '@playwright/test';
import { chromiumArgs } from './scripts/lib/chromium';

export { chromiumArgs };

// Real Debian Chromium (never a downloaded browser), launched with the same flags as the
// headless runner (scripts/lib/chromium.ts).

// The e2e suite drives the automation build (`vite build --mode automation`, dist-automation/:
// the app plus its window.__fer* hooks; docs/testing.md). E2E_PORT / E2E_DIST let several
// builds be tested side by side (e.g. parallel work trees).
const port = Number(process.env.E2E_PORT ?? 4173);
const dist = process.env.E2E_DIST ?? 'dist-automation';

export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'on-first-retry',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [...chromiumArgs],
    },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort --outDir ${dist}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
