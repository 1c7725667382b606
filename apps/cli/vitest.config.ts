import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The CLI is tested as a real built process (node dist/cli.js); runs take seconds each.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
