import type { FerTestApi } from './app';

declare global {
  interface Window {
    /** Installed by src/automation/app.ts; used by e2e tests and scripts/cli.ts. */
    __fer?: FerTestApi;
  }
}
