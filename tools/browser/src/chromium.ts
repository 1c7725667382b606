import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser: see shared/DESIGN.md); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for Debian's Chromium in CI: no sandbox (tests run as root), and nothing that reaches the
 * network. `--disable-gpu` still leaves WebGL2 on ANGLE + SwiftShader (software Vulkan).
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Chromium cannot be launched here, or undefined when it can (for `describe.skipIf`). */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH; never a downloaded browser`;
}

export interface LaunchOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
}

export interface LaunchedChromium {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Launches headless Chromium with {@link CHROMIUM_FLAGS} and a fresh profile folder. */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedChromium> {
  const missing = chromiumMissing();
  if (missing !== undefined) throw new Error(missing);
  // A fresh --user-data-dir per launch: nothing cached by an earlier run can hide a failure.
  const userDataDir = mkdtempSync(join(tmpdir(), 'deltaclip-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      viewport: options.viewport ?? { width: 1280, height: 900 },
    });
    return {
      context,
      newPage: () => context.newPage(),
      close: async () => {
        await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Opens `url` in a new tab and returns what the page stores in `window.__result` (a test page's
 * convention: set it once, to the result or to `{ error }`). Page errors and console errors are
 * collected so a page that throws before setting it fails with its message, not a timeout.
 */
export async function pageResult<T>(
  browser: LaunchedChromium,
  url: string,
  timeoutMs = 240_000,
): Promise<{ result: T; requests: string[]; errors: string[] }> {
  const tab = await browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  let threw: (error: Error) => void = () => {};
  // Listening before goto: a module that throws while the page loads is caught too.
  const crashed = new Promise<never>((_, reject) => {
    threw = reject;
  });
  crashed.catch(() => {});
  tab.on('request', (r) => requests.push(r.url()));
  tab.on('pageerror', (e) => {
    errors.push(e.message);
    threw(new Error(`the page threw: ${e.message}`));
  });
  try {
    // 'commit', not 'load': a page that computes on its main thread (a benchmark's blocking
    // reads) delays its load event for as long as it runs; waitForFunction bounds the wait.
    await tab.goto(url, { waitUntil: 'commit' });
    const done = tab.waitForFunction(
      () => (globalThis as { __result?: unknown }).__result !== undefined,
      undefined,
      { timeout: timeoutMs },
    );
    done.catch(() => {});
    await Promise.race([done, crashed]);
    const result = (await tab.evaluate(() => (globalThis as { __result?: unknown }).__result)) as T;
    return { result, requests, errors };
  } finally {
    await tab.close();
  }
}
