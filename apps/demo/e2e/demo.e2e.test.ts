/**
 * End to end, in real headless Chromium (Debian's /usr/bin/chromium through playwright-core),
 * against the production build served with the isolation headers. Screenshots go to
 * test-results/ (gitignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../src/state/settings.js';
import { encodeSettings } from '../src/state/url-state.js';
import {
  ARTIFACTS,
  buildApp,
  type DemoSnapshot,
  launchBrowser,
  serveStatic,
  waitForSnapshot,
} from './harness.mjs';

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;

beforeAll(async () => {
  buildApp();
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serveStatic();
  browser = await launchBrowser();
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const hashOf = (over: Partial<Settings>) => encodeSettings({ ...DEFAULT_SETTINGS, ...over });

/** Open the app at a state; collect page errors (a test fails on any). */
async function open(
  hash: string,
  viewport?: { width: number; height: number },
): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}#${hash}`);
  await waitForSnapshot(page, (s) => s.ready);
  return { page, errors };
}

/** Play until every optimizer is measured at step `steps` or later, then pause. */
async function race(page: Page, steps: number): Promise<DemoSnapshot> {
  await page.getByRole('button', { name: 'Play' }).click();
  await waitForSnapshot(page, (s) => s.step >= steps);
  await page.getByRole('button', { name: 'Pause' }).click();
  return waitForSnapshot(page, (s) => !s.running);
}

/** Share of a canvas's pixels that are drawn (not transparent) and not white. */
function inkShare(page: Page, selector: string): Promise<number[]> {
  return page.evaluate((sel) => {
    return [...document.querySelectorAll<HTMLCanvasElement>(sel)].map((canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 0 && !(data[i]! > 245 && data[i + 1]! > 245 && data[i + 2]! > 245))
          ink++;
      }
      return ink / (data.length / 4);
    });
  }, selector);
}

describe('the playground in Chromium', () => {
  it('races GClip and δ-GClip on the spiral: losses fall, the plots and heatmaps draw', async () => {
    const { page, errors } = await open(hashOf({}));
    const ready = await waitForSnapshot(page, (s) => s.backend !== null);
    expect(ready.backend).toMatchObject({ name: 'wasm', variant: 'threaded-simd', fallback: null });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const end = await race(page, 400);
    for (const id of ['gclip', 'dgclip']) {
      const losses = end.losses[id]!;
      expect(losses[0]!.step).toBe(0);
      expect(losses.at(-1)!.step).toBeGreaterThanOrEqual(400);
      expect(losses.at(-1)!.trainLoss).toBeLessThan(0.5 * losses[0]!.trainLoss);
      expect(losses.at(-1)!.testLoss!).toBeLessThan(0.5 * losses[0]!.testLoss!);
    }
    expect(end.heatmaps).toBeGreaterThan(0);
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { __deltaclip: { chartsDrawn(): boolean } }
        ).__deltaclip.chartsDrawn(),
      ),
    ).toBe(true);
    // Heatmaps: every pixel painted with class colours; charts: axes, curves and points drawn.
    const heat = await inkShare(page, 'canvas.heatmap');
    expect(heat).toHaveLength(2);
    for (const share of heat) expect(share).toBeGreaterThan(0.9);
    const charts = await inkShare(page, '.uplot canvas');
    expect(charts).toHaveLength(6);
    for (const share of charts) expect(share).toBeGreaterThan(0.01);
    await expect.poll(() => page.locator('#analysis article').count()).toBe(2);
    expect(await page.locator('#analysis-gclip .headline').textContent()).toContain(
      'GClip has no floor (δ = 0)',
    );
    expect(await page.locator('#analysis-dgclip .checks li').count()).toBe(6);
    await page.screenshot({ path: join(ARTIFACTS, 'race-spiral.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('explains the certificate in the theory’s setting: it holds for δ-GClip, GClip has no rate', async () => {
    // Full batch, NTK-parameterized wide layer, square loss, eta well below 1/beta.
    const theory =
      'v=1&data=bowl&test=0&batch=0&depth=1&width=128&param=ntk&opt=gclip,dgclip&gclip.eta=0.1&gclip.gamma=0.05&dgclip.eta=0.1&dgclip.gamma=0.05&dgclip.delta=0.2';
    const { page, errors } = await open(theory);
    const end = await race(page, 300);
    const last = (id: string) => end.losses[id]!.at(-1)!.trainLoss;
    expect(last('dgclip')).toBeLessThan(last('gclip'));
    await expect
      .poll(() => page.locator('#analysis-dgclip').getAttribute('class'))
      .toBe('verdict held');
    expect(await page.locator('#analysis-dgclip .headline').textContent()).toMatch(
      /^δ-GClip: the convergence certificate holds at step \d+ — the loss decays at least like \(1 − ηδμ\)\^t with ηδμ = /,
    );
    expect(await page.locator('#analysis-dgclip .checks li.failed').count()).toBe(0);
    expect(await page.locator('#analysis-dgclip .level').textContent()).toMatch(
      /^Certificate level: (informative|vacuous|fails) — /,
    );
    expect(await page.locator('#analysis-dgclip .advice').textContent()).toMatch(
      /^δ advisor: The δ floor bound on \d+ of \d+ steps/,
    );
    expect(await page.locator('#analysis-gclip').getAttribute('class')).toBe('verdict failed');
    await page.locator('#analysis').screenshot({ path: join(ARTIFACTS, 'certificate-theory.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reproduces a run from its URL: same numbers, and other numbers for another seed', async () => {
    const hash = hashOf({
      dataset: 'circle',
      samples: 200,
      optimizers: ['sgd', 'dgclip'],
      seed: 5,
    });
    const runTo = async (h: string) => {
      const { page } = await open(h);
      const s = await race(page, 150);
      expect(new URL(s.url).hash).toBe(`#${h}`);
      await page.close();
      const upTo = (id: string) => s.losses[id]!.filter((p) => p.step <= 150);
      return { sgd: upTo('sgd'), dgclip: upTo('dgclip') };
    };
    const first = await runTo(hash);
    const second = await runTo(hash);
    expect(first.dgclip).toHaveLength(16);
    expect(second).toEqual(first);
    const otherSeed = await runTo(
      hashOf({ dataset: 'circle', samples: 200, optimizers: ['sgd', 'dgclip'], seed: 6 }),
    );
    expect(otherSeed.dgclip.at(-1)!.trainLoss).not.toBe(first.dgclip.at(-1)!.trainLoss);
  });

  it('shows a clear message for a bad CSV and keeps the previous state; a good CSV trains', async () => {
    const { page, errors } = await open(hashOf({}));
    await page.getByRole('button', { name: 'Step' }).click();
    await waitForSnapshot(page, (s) => s.step === 1);
    const before = page.url();
    const upload = async (name: string, text: string) =>
      page
        .getByLabel('Upload CSV')
        .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    const error = page.locator('#csv-error');

    await upload('ragged.csv', 'x1,x2,label\n1,2,a\n3,4\n');
    await expect
      .poll(() => error.textContent())
      .toBe(
        'Could not use “ragged.csv”: ragged.csv at row 2, line 3: expected 3 cells (one per header column), found 2 cell(s). Quote cells that contain commas. The previous data set is kept.',
      );
    await page.screenshot({ path: join(ARTIFACTS, 'bad-csv.png') });
    await upload('text.csv', 'x1,x2,label\n1,2,a\n3,oops,b\n5,6,a\n');
    await expect
      .poll(() => error.textContent())
      .toContain(`text.csv at row 2, line 3, column 'x2': expected a number`);
    await upload('empty.csv', '');
    await expect
      .poll(() => error.textContent())
      .toContain('expected a header line with column names, found an empty file');
    expect(await page.getByLabel('Data set').inputValue()).toBe('spiral');
    expect(page.url()).toBe(before);
    const kept = await waitForSnapshot(page, () => true);
    expect([kept.ready, kept.step, kept.error]).toEqual([true, 1, null]);

    const rows = ['u,v,class'];
    for (let i = 0; i < 120; i++)
      rows.push(
        `${(i % 12) / 6 - 1},${Math.floor(i / 12) / 5 - 1},${i % 12 < 6 ? 'left' : 'right'}`,
      );
    await upload('grid.csv', rows.join('\n'));
    await expect.poll(() => page.getByLabel('Data set').inputValue()).toBe('csv');
    await expect.poll(() => error.textContent()).toBe('');
    await waitForSnapshot(page, (s) => s.ready && s.step === 0);
    expect(await page.getByLabel('Target column').inputValue()).toBe('class');
    const trained = await race(page, 100);
    const l = trained.losses.dgclip!;
    expect(l.at(-1)!.trainLoss).toBeLessThan(l[0]!.trainLoss);
    expect(await page.locator('#run-summary').textContent()).toContain('grid.csv: predict');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('labels every control, works from the keyboard, and fits a phone-sized screen', async () => {
    const { page, errors } = await open(hashOf({ dataset: 'xor' }), { width: 390, height: 844 });
    const unlabeled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')]
        .filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.id),
    );
    expect(unlabeled).toEqual([]);
    await page.locator('#play').focus();
    await page.keyboard.press('Enter');
    await waitForSnapshot(page, (s) => s.running && s.step >= 50);
    await page.keyboard.press('Space');
    await waitForSnapshot(page, (s) => !s.running);
    await expect.poll(() => page.locator('#play').textContent()).toBe('Play');
    // Settings by keyboard: a new width restarts the race with it.
    await page.getByLabel('Width').fill('12');
    await page.getByLabel('Width').press('Tab');
    await expect.poll(() => page.url()).toContain('width=12');
    await waitForSnapshot(page, (s) => s.ready && s.step === 0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'phone-390x844.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports the run log and the weights as JSON', async () => {
    const { page } = await open(hashOf({ dataset: 'gaussians', optimizers: ['adam', 'dgclip'] }));
    await race(page, 30);
    const read = async (button: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: button }).click(),
      ]);
      return JSON.parse(readFileSync((await download.path())!, 'utf8'));
    };
    const log = await read('Export run log');
    expect(log.kind).toBe('run-log');
    expect(log.settings.optimizers).toEqual(['adam', 'dgclip']);
    expect(log.optimizers.dgclip.evals[0].step).toBe(0);
    expect(log.optimizers.dgclip.telemetry.length).toBe(log.step);
    expect(log.data.classes).toEqual(['blob 1', 'blob 2', 'blob 3']);
    const weights = await read('Export weights');
    expect(weights.kind).toBe('weights');
    expect(weights.models.adam.map((w: { name: string }) => w.name)).toContain('dense0/kernel');
    await page.close();
  });

  it('trains on the cpu backend when the link asks for it', async () => {
    const { page } = await open(
      hashOf({
        backend: 'cpu',
        dataset: 'bowl',
        optimizers: ['sgd'],
        params: { ...DEFAULT_SETTINGS.params, sgd: { eta: 0.05, gamma: 1, delta: 0 } },
      }),
    );
    const s = await race(page, 40);
    expect(s.backend).toMatchObject({ name: 'cpu' });
    expect(s.losses.sgd!.at(-1)!.trainLoss).toBeLessThan(s.losses.sgd![0]!.trainLoss);
    await page.close();
  });

  it('works offline once loaded', async () => {
    const { page } = await open(hashOf({}));
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
      .toBe(true);
    await context.setOffline(true);
    try {
      await page.reload();
      await waitForSnapshot(page, (s) => s.ready && s.backend !== null);
      await page.getByRole('button', { name: 'Step' }).click();
      await waitForSnapshot(page, (s) => s.step === 1);
    } finally {
      await context.setOffline(false);
    }
    await page.close();
  });
});
