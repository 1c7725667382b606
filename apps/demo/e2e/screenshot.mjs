// @ts-check
/**
 * Regenerates the README's pictures: docs/spiral-race.png (the default race after 1,500 steps) and
 * one picture per preset at 1440x900 and at 390x844 (docs/preset-<id>-desktop.png, -phone.png),
 * each after the steps its text talks about. `pnpm --filter @deltaclip/demo screenshot`.
 */
import { join } from 'node:path';
import { APP_ROOT, buildApp, launchBrowser, serveStatic, waitForSnapshot } from './harness.mjs';

/** Steps to run each preset before the picture (what its text refers to). */
const STEPS = { default: 1500, 'where-delta-matters': 500, theory: 200, 'real-data': 1000 };

buildApp();
const server = await serveStatic();
const browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });

/**
 * @param {string} hash
 * @param {number} steps
 * @param {{ width: number, height: number }} viewport
 */
async function playedPage(hash, steps, viewport) {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(`${server.url}${hash}`);
  await waitForSnapshot(page, (s) => s.ready && s.backend !== null);
  await page.getByRole('button', { name: 'Play' }).click();
  await waitForSnapshot(page, (s) => s.step >= steps, 180_000);
  await page.getByRole('button', { name: 'Pause' }).click();
  await waitForSnapshot(page, (s) => !s.running);
  // Paused, the page draws every chart and heatmap (off-screen ones wait while playing).
  await page.waitForFunction(() => {
    const hook = /** @type {any} */ (globalThis).__deltaclip;
    return hook.chartsDrawn() && hook.heatmapsDrawn();
  });
  return page;
}

try {
  const ids = await (async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await waitForSnapshot(page, (s) => s.ready);
    const links = await page
      .locator('#presets a')
      .evaluateAll((as) =>
        as.map((a) => ({ id: a.id.replace('preset-', ''), href: a.getAttribute('href') ?? '' })),
      );
    await page.close();
    return links;
  })();
  for (const { id, href } of ids) {
    const steps = STEPS[/** @type {keyof typeof STEPS} */ (id)] ?? 500;
    const desktop = await playedPage(href, steps, { width: 1440, height: 900 });
    await desktop.locator('#outputs').evaluate((e) => e.scrollIntoView());
    await desktop.evaluate(() => window.scrollTo({ top: 0 }));
    await desktop.screenshot({ path: join(APP_ROOT, 'docs', `preset-${id}-desktop.png`) });
    if (id === 'default') {
      await desktop.screenshot({
        path: join(APP_ROOT, 'docs', 'spiral-race.png'),
        fullPage: true,
        clip: { x: 0, y: 0, width: 1440, height: 1500 },
      });
    }
    await desktop.close();
    const phone = await playedPage(href, steps, { width: 390, height: 844 });
    await phone.screenshot({ path: join(APP_ROOT, 'docs', `preset-${id}-phone.png`) });
    await phone.close();
    console.log(`wrote docs/preset-${id}-*.png`);
  }
} finally {
  await browser.close();
  await server.close();
}
