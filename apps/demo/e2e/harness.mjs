// @ts-check
/**
 * What the end-to-end tests and the `demo` benchmark share: build the app, serve dist/ with the
 * headers that enable WASM threads, and drive Debian's Chromium through playwright-core. Plain
 * JavaScript so that the benchmark (bench/src/suites/demo.ts) can import it without a build step.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The app's folder (apps/demo). */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(APP_ROOT, 'dist');
/** Where tests put screenshots and other artifacts (gitignored). */
export const ARTIFACTS = join(APP_ROOT, 'test-results');
export const CHROMIUM = '/usr/bin/chromium';

/** Cross-origin isolation: SharedArrayBuffer, hence threaded WASM. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const TYPES = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
});

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
 * Serve a folder on a free localhost port with the isolation headers.
 * @param {string} [root]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveStatic(root = DIST) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, ISOLATION_HEADERS).end('not found');
      return;
    }
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(undefined)));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Flags for Debian's Chromium in CI (no sandbox as root, nothing that reaches the network). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launch Chromium with a fresh user-data dir (removed by `close`).
 * @param {{ viewport?: { width: number, height: number } }} [options]
 */
export async function launchBrowser(options = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); never a downloaded browser`,
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'deltaclip-demo-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
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
