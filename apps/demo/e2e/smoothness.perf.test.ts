/**
 * Smooth for minutes (issue 14), in real headless Chromium: a race with the default settings at
 * 1440x900 for DEMO_SMOOTH_SECONDS (default 40; the benchmark runs 180), with a
 * PerformanceObserver('longtask') in the page. It asserts the targets: no main-thread task
 * over 50 ms, race steps/s in every later 10-s window within 10% of the first, Pause answered in
 * 100 ms. Its own vitest project (`vitest run --project perf`), not part of `test`: wall-clock
 * targets only mean something on a machine that is not shared (on the 2-core CI machine, with
 * other jobs running, the compositor's frames alone take over 50 ms).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  buildApp,
  launchBrowser,
  measureSmoothness,
  serveStatic,
  waitForSnapshot,
} from './harness.mjs';

const SECONDS = Number(process.env.DEMO_SMOOTH_SECONDS ?? 40);

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  buildApp();
  server = await serveStatic();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it(
  `stays smooth over a ${SECONDS}-s race: no long task, steady steps/s, Pause within 100 ms`,
  async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(server.url);
    await waitForSnapshot(page, (s) => s.ready && s.backend !== null);
    const r = await measureSmoothness(page, { seconds: SECONDS });
    console.log(
      JSON.stringify({ ...r, longTasks: r.longTasks.length, longest: Math.max(0, ...r.longTasks) }),
    );
    expect(r.windows.length).toBeGreaterThanOrEqual(Math.floor(SECONDS / 10) - 1);
    expect(r.longTasks.filter((d) => d > 50)).toEqual([]);
    for (const w of r.windows.slice(1)) expect(w).toBeGreaterThanOrEqual(0.9 * r.windows[0]!);
    expect(r.pauseMs).toBeLessThan(100);
  },
  (SECONDS + 120) * 1000,
);
