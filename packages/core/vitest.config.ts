import { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumMissing } from '@deltaclip/browser-harness';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const node: TestProjectInlineConfiguration = {
  test: {
    name: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/browser/**'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 60_000,
  },
};

// The webgl/webgpu suites run in Debian's headless Chromium through the repository's one launcher
// settings (tools/browser); where Chromium is missing the project is left out, with the reason.
const missing = chromiumMissing();
if (missing !== undefined) console.warn(`core: browser tests skipped: ${missing}`);
const browser: TestProjectInlineConfiguration = {
  test: {
    name: 'browser',
    include: ['test/browser/**/*.browser.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS] },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
};

export default defineConfig({
  test: { projects: missing === undefined ? [node, browser] : [node] },
});
