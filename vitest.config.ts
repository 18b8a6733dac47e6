import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'workers/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Vitest's default is one file at a time per core less one: a single file on the 2-core
    // CI VM, where scripts/cli.test.ts alone (mostly waiting on the Chromium it starts) took
    // 77-139 s while a core idled. Two files at a time there; cores - 1 on bigger machines.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
