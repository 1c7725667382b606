// @ts-check
/**
 * Regenerates docs/spiral-race.png, the README's picture: GClip against δ-GClip on the spiral with
 * the default settings, paused after 1,500 steps. `pnpm --filter @deltaclip/demo screenshot`.
 */
import { join } from 'node:path';
import { APP_ROOT, buildApp, launchBrowser, serveStatic, waitForSnapshot } from './harness.mjs';

const STEPS = 1500;

buildApp();
const server = await serveStatic();
const browser = await launchBrowser({ viewport: { width: 1280, height: 1000 } });
try {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await waitForSnapshot(page, (s) => s.ready && s.backend !== null);
  await page.getByRole('button', { name: 'Play' }).click();
  await waitForSnapshot(page, (s) => s.step >= STEPS, 120_000);
  await page.getByRole('button', { name: 'Pause' }).click();
  await waitForSnapshot(page, (s) => !s.running);
  await page.waitForTimeout(600); // the last redraw
  const path = join(APP_ROOT, 'docs', 'spiral-race.png');
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1480 } });
  console.log(`wrote ${path}`);
} finally {
  await browser.close();
  await server.close();
}
