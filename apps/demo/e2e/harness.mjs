// @ts-check
/**
 * What the end-to-end tests and the `demo` benchmark share: build the app, serve dist/ with the
 * headers that enable WASM threads, and drive Debian's Chromium (both from tools/browser). Plain
 * JavaScript so that the benchmark (bench/src/suites/demo.ts) can import it without a build step.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, serveStatic as serveFolder } from '@deltaclip/browser-harness';

/** The app's folder (apps/demo). */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(APP_ROOT, 'dist');
/** Where tests put screenshots and other artifacts (gitignored). */
export const ARTIFACTS = join(APP_ROOT, 'test-results');

/**
 * Build the app with `vite build` (skipped when `reuse` is true and dist/index.html exists).
 * @param {{ reuse?: boolean }} [options]
 */
export function buildApp(options = {}) {
  if (options.reuse && existsSync(join(DIST, 'index.html'))) return;
  const vite = join(APP_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: APP_ROOT,
    encoding: 'utf8',
    // Test runners set NODE_ENV=test, which would make Vite build a non-production bundle.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(
      `vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

/**
 * Serve dist/ (or `root`) on a free localhost port with the isolation headers.
 * @param {string} [root]
 */
export function serveStatic(root = DIST) {
  return serveFolder(root);
}

/**
 * Launch Chromium with a fresh user-data dir (removed by `close`): tools/browser's launcher.
 * @param {import('@deltaclip/browser-harness').LaunchOptions} [options]
 */
export function launchBrowser(options = {}) {
  return launchChromium(options);
}

/**
 * What the page exposes on `window.__deltaclip` (see src/ui/test-hook.ts), as the tests read it.
 * @typedef {{
 *   step: number, running: boolean, ready: boolean, stepsPerSecond: number | null,
 *   backend: { name: string, variant: string, threads: number } | null,
 *   losses: Record<string, { step: number, trainLoss: number, testLoss: number, mu: number | null }[]>,
 *   heatmaps: number, error: string | null, url: string,
 * }} DemoSnapshot
 */

/**
 * Wait until the app reports `predicate(snapshot)`, reading `window.__deltaclip.snapshot()` once
 * per animation frame.
 * @param {import('playwright-core').Page} page
 * @param {(s: DemoSnapshot) => boolean} predicate
 * @param {number} [timeoutMs]
 * @returns {Promise<DemoSnapshot>}
 */
export async function waitForSnapshot(page, predicate, timeoutMs = 60_000) {
  const t0 = Date.now();
  let last = /** @type {DemoSnapshot | null} */ (null);
  while (Date.now() - t0 < timeoutMs) {
    last = await page.evaluate(() => {
      const hook = /** @type {any} */ (globalThis).__deltaclip;
      return hook ? hook.snapshot() : null;
    });
    if (last && predicate(last)) return last;
    // Wait for the page's next frame (when the UI shows what the worker sent), not a fixed delay.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms; last snapshot: ${JSON.stringify(last)?.slice(0, 2000)}`,
  );
}

/**
 * Steps per second of a race in the page: open `hash`, press Play, discard `warmupSteps`, then
 * count race steps over `seconds`. Used by the benchmark (builds the app if dist/ is missing).
 * @param {{ hash: string, seconds?: number, warmupSteps?: number }} options
 */
export async function measureRace(options) {
  buildApp({ reuse: true });
  const server = await serveStatic();
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}#${options.hash}`);
    const ready = await waitForSnapshot(page, (s) => s.ready);
    await page.getByRole('button', { name: 'Play' }).click();
    const warm = await waitForSnapshot(page, (s) => s.step >= (options.warmupSteps ?? 200));
    const t0 = Date.now();
    await page.waitForTimeout((options.seconds ?? 5) * 1000);
    const end = await waitForSnapshot(page, () => true);
    const seconds = (Date.now() - t0) / 1000;
    await page.getByRole('button', { name: 'Pause' }).click();
    return {
      backend: ready.backend,
      steps: end.step - warm.step,
      seconds,
      stepsPerSecond: (end.step - warm.step) / seconds,
      reported: end.stepsPerSecond,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * Smoothness of a long race in an open page: Play for `seconds`, recording every long task of the
 * main thread (PerformanceObserver 'longtask': tasks over 50 ms), the race steps per second in
 * each 10-s window, and how long Pause takes to show (the button's label and the worker stopped)
 * after the click. Everything is measured inside the page; the test polls only a cheap counter.
 * @param {import('playwright-core').Page} page an opened, ready page
 * @param {{ seconds: number }} options
 * @returns {Promise<{ longTasks: number[], windows: number[], pauseMs: number, steps: number }>}
 */
export async function measureSmoothness(page, options) {
  await page.evaluate(() => {
    const g = /** @type {any} */ (globalThis);
    g.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) g.__longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  });
  await page.getByRole('button', { name: 'Play' }).click();
  const windows = [];
  const read = () =>
    page.evaluate(() => /** @type {any} */ (globalThis).__deltaclip.progress().step);
  let last = await read();
  let lastTime = Date.now();
  const end = lastTime + options.seconds * 1000;
  while (Date.now() < end) {
    // One sample per 10-s window.
    await page.waitForTimeout(Math.min(10_000, end - Date.now()));
    const step = await read();
    const now = Date.now();
    if (now - lastTime >= 5000) windows.push(((step - last) * 1000) / (now - lastTime));
    last = step;
    lastTime = now;
  }
  const pauseMs = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const g = /** @type {any} */ (globalThis);
        const button = /** @type {HTMLButtonElement} */ (document.getElementById('play'));
        const t0 = performance.now();
        button.click();
        const check = () => {
          if (button.textContent === 'Play' && !g.__deltaclip.progress().running)
            resolve(performance.now() - t0);
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
  );
  const longTasks = await page.evaluate(() => /** @type {any} */ (globalThis).__longTasks);
  return { longTasks, windows, pauseMs: /** @type {number} */ (pauseMs), steps: await read() };
}

/**
 * Open `hash` in a fresh browser and measure the smoothness of a race of `seconds` (see
 * measureSmoothness). Used by the benchmark (builds the app if dist/ is missing). `frameGate:
 * false` loads the page without its frame gate (src/worker/frame-gate.ts), to measure what the
 * gate does.
 * @param {{ hash: string, seconds: number, viewport?: { width: number, height: number }, frameGate?: boolean }} options
 */
export async function measureSmoothRace(options) {
  buildApp({ reuse: true });
  const server = await serveStatic();
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    if (options.frameGate === false) {
      await page.addInitScript(() => {
        /** @type {any} */ (globalThis).__deltaclipNoFrameGate = true;
      });
    }
    await page.setViewportSize(options.viewport ?? { width: 1440, height: 900 });
    await page.goto(`${server.url}#${options.hash}`);
    const ready = await waitForSnapshot(page, (s) => s.ready && s.backend !== null);
    const frameGate = await page.evaluate(
      () => /** @type {any} */ (globalThis).__deltaclip.frameGate,
    );
    return {
      backend: ready.backend,
      frameGate,
      ...(await measureSmoothness(page, { seconds: options.seconds })),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
