import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          setupFiles: ['./test/setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        // Searches behind the presets (src/state/presets.ts): print, assert nothing; run on demand.
        test: {
          name: 'experiment',
          include: ['experiments/**/*.experiment.ts'],
          setupFiles: ['./test/setup.ts'],
        },
      },
      {
        // Real headless Chromium against the production build (see e2e/harness.mjs).
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // Wall-clock smoothness targets: on demand (and in the benchmark), see the file.
        test: {
          name: 'perf',
          include: ['e2e/**/*.perf.test.ts'],
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
