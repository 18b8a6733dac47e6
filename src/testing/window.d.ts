import type { FerTestApi } from './testApi';

declare global {
  interface Window {
    /** Installed by src/testing/testApi.ts; used by e2e tests and scripts/cli.ts. */
    __fer?: FerTestApi;
  }
}
