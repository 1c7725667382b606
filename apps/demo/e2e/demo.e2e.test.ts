/**
 * End to end, in real headless Chromium (Debian's /usr/bin/chromium through playwright-core),
 * against the production build served with the isolation headers. Screenshots go to
 * test-results/ (gitignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureClaim, PRESETS, type Preset, presetHash } from '../src/state/presets.js';
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
const preset = (id: Preset['id']) => PRESETS.find((p) => p.id === id)!;

type Hook = {
  __deltaclip: {
    regimes(id: string, count: number): string[];
    level(id: string): string | null;
    chartRanges(): [number, number][];
    chartPoints(): number[];
  };
};

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
    // Isolated, the page shares its frame gate with the worker (src/worker/frame-gate.ts).
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { __deltaclip: { frameGate: boolean } }).__deltaclip.frameGate,
      ),
    ).toBe(true);
    const end = await race(page, 400);
    for (const id of ['gclip', 'dgclip']) {
      const losses = end.losses[id]!;
      expect(losses[0]!.step).toBe(0);
      expect(losses.at(-1)!.step).toBeGreaterThanOrEqual(400);
      expect(losses.at(-1)!.trainLoss).toBeLessThan(0.5 * losses[0]!.trainLoss);
      expect(losses.at(-1)!.testLoss!).toBeLessThan(0.5 * losses[0]!.testLoss!);
    }
    expect(end.heatmaps).toBeGreaterThan(0);
    // Charts and heatmaps off screen wait while playing; paused, the page draws them all.
    await expect
      .poll(() =>
        page.evaluate(() => {
          const hook = (
            globalThis as unknown as {
              __deltaclip: { chartsDrawn(): boolean; heatmapsDrawn(): boolean };
            }
          ).__deltaclip;
          return hook.chartsDrawn() && hook.heatmapsDrawn();
        }),
      )
      .toBe(true);
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

  it('explains the certificate in the theory’s setting: informative for δ-GClip, GClip has no rate', async () => {
    const { page, errors } = await open(presetHash(preset('theory')).slice(1));
    const end = await race(page, 200);
    const last = (id: string) => end.losses[id]!.at(-1)!.trainLoss;
    expect(last('dgclip')).toBeLessThan(last('gclip'));
    await expect
      .poll(() => page.locator('#analysis-dgclip').getAttribute('class'))
      .toBe('verdict held');
    expect(await page.locator('#analysis-dgclip .headline').textContent()).toMatch(
      /^δ-GClip: the convergence certificate holds at step \d+ — the loss decays at least like \(1 − ηδμ\)\^t with ηδμ = /,
    );
    expect(await page.locator('#analysis-dgclip .checks li.failed').count()).toBe(0);
    // The preset's claim, in Chromium: by step 200 the level is informative.
    expect(await page.locator('#analysis-dgclip .level').textContent()).toMatch(
      /^Certificate level: informative — /,
    );
    expect(await page.locator('#analysis-dgclip .basis').textContent()).toContain(
      'of the tangent kernel on every training sample',
    );
    expect(await page.locator('#analysis-dgclip .advice').textContent()).toMatch(
      /^δ advisor: The δ floor bound on \d+ of \d+ steps/,
    );
    expect(await page.locator('#analysis-gclip').getAttribute('class')).toBe('verdict failed');
    await page.locator('#analysis').screenshot({ path: join(ARTIFACTS, 'certificate-theory.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('offers the presets as links: “Where δ matters” shows what its text says', async () => {
    const { page, errors } = await open(hashOf({}));
    expect(await page.locator('#presets a').allTextContents()).toEqual([
      'Start',
      'Where δ matters',
      'The theory’s setting',
      'Real data',
    ]);
    expect(await page.locator('#preset-default').getAttribute('aria-current')).toBe('true');
    await page.getByRole('link', { name: 'Where δ matters' }).click();
    const p = preset('where-delta-matters');
    await expect.poll(() => new URL(page.url()).hash).toBe(presetHash(p));
    await waitForSnapshot(page, (s) => s.ready && s.step === 0 && s.url.includes('gamma=0.01'));
    expect(await page.locator('#preset-where-delta-matters').getAttribute('aria-current')).toBe(
      'true',
    );
    expect(await page.locator('#preset-text').textContent()).toBe(p.text);
    const claim = p.claim as Extract<NonNullable<Preset['claim']>, { kind: 'floor-gap' }>;
    const end = await race(page, claim.steps);
    const dgclipRegimes = await page.evaluate(
      (n) => (globalThis as unknown as Hook).__deltaclip.regimes('dgclip', n),
      claim.flooredSteps,
    );
    const m = measureClaim(claim, { losses: end.losses, dgclipRegimes, level: null }) as {
      flooredShare: number;
      lossRatio: number;
    };
    // The text: "binds on every one of its first 300 steps"; "after 500 steps ... at least 5x lower".
    expect(dgclipRegimes).toHaveLength(claim.flooredSteps);
    expect(m.flooredShare).toBe(claim.flooredShare);
    expect(m.lossRatio).toBeGreaterThanOrEqual(claim.lossRatio);
    // Comparable charts: the two step-size charts share a y range, and so do the gradient norms.
    const ranges = await page.evaluate(() =>
      (globalThis as unknown as Hook).__deltaclip.chartRanges(),
    );
    expect(ranges[2]).toEqual(ranges[4]);
    expect(ranges[3]).toEqual(ranges[5]);
    // The floor eta*delta = 0.3 is inside the step-size range and named in the legend.
    expect(ranges[4]![0]).toBeLessThanOrEqual(0.3);
    expect(await page.locator('#card-dgclip').textContent()).toContain('floor ηδ = 0.3');
    expect(await page.locator('#card-dgclip .chart-text').first().textContent()).toMatch(
      /floored 100\.0%/,
    );
    await page.screenshot({
      path: join(ARTIFACTS, 'preset-where-delta-matters.png'),
      fullPage: true,
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('“Real data” on cars: clips most steps, losses below a tenth of L₀ by step 100', async () => {
    const p = preset('real-data');
    const { page, errors } = await open(presetHash(p).slice(1));
    const claim = p.claim as Extract<NonNullable<Preset['claim']>, { kind: 'fit' }>;
    const end = await race(page, claim.clippedSteps);
    const dgclipRegimes = await page.evaluate(
      (n) => (globalThis as unknown as Hook).__deltaclip.regimes('dgclip', n),
      claim.clippedSteps,
    );
    const m = measureClaim(claim, { losses: end.losses, dgclipRegimes, level: null }) as {
      clippedShare: number;
      lossFraction: number;
    };
    expect(m.clippedShare).toBeGreaterThanOrEqual(claim.clippedShare);
    expect(m.lossFraction).toBeLessThan(claim.lossFraction);
    expect(await page.locator('#run-summary').textContent()).toContain(
      '314 training and 78 test samples',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fixes the reported bugs: skip link, heatmaps after a data change, spinner steps, messages', async () => {
    const start = hashOf({ seed: 3, hidden: [16, 16] });
    const { page, errors } = await open(start);
    // The skip link moves focus to the race and keeps every setting (it used to reset them).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('skip');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('outputs');
    expect(new URL(page.url()).hash).toBe(`#${start}`);
    expect(await page.getByLabel('Hidden layers').inputValue()).toBe('16,16');
    // A new data set: its heatmaps are drawn at once, not left blank until the next step.
    await page.getByLabel('Data set').selectOption('circle');
    await waitForSnapshot(page, (s) => s.ready && s.step === 0 && s.url.includes('data=circle'));
    await expect
      .poll(async () => Math.min(...(await inkShare(page, 'canvas.heatmap'))))
      .toBeGreaterThan(0.9);
    // Arrow keys move δ along 1-2-5: 0.1 -> 0.2 -> 0.5 and back down to 0.05, never to 1.1.
    const delta = page.getByLabel('δ-GClip δ (floor)');
    await delta.focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.url()).toContain('dgclip.delta=0.2');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.url()).toContain('dgclip.delta=0.5');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.url()).toContain('dgclip.delta=0.05');
    expect(await delta.inputValue()).toBe('0.05');
    // The spinner's buttons: on a step="any" field Chromium answers a click on them by moving the
    // value 1 up or down, clamped to [min, max], then a plain `input` Event and a `change`. That
    // sequence is replayed here, because a mouse click at the spinner's pixels missed under load
    // (the native spinner is only hit-testable once hovered and painted).
    const spin = (half: 'up' | 'down') =>
      delta.evaluate((el, up) => {
        const input = el as HTMLInputElement;
        const moved = Number(input.value) + (up ? 1 : -1);
        input.value = String(Math.min(Number(input.max), Math.max(Number(input.min), moved)));
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }, half === 'up');
    await spin('up');
    await expect.poll(() => page.url()).toContain('dgclip.delta=0.1&');
    await waitForSnapshot(page, (s) => s.ready && s.url.includes('dgclip.delta=0.1&'));
    await spin('down');
    await expect.poll(() => page.url()).toContain('dgclip.delta=0.05&');
    // A bad entry: the message sits next to its field and says the previous value was kept.
    await delta.fill('1.3');
    await delta.press('Tab');
    const message = page.locator('#dgclip-delta-error');
    await expect
      .poll(() => message.textContent())
      .toBe('dgclip.delta must be in [0, 1] (got 1.3); the previous value, 0.05, was kept.');
    const [field, note] = [await delta.boundingBox(), await message.boundingBox()];
    expect(Math.abs(note!.y - field!.y)).toBeLessThan(80);
    expect(await delta.inputValue()).toBe('0.05');
    expect(page.url()).toContain('dgclip.delta=0.05');
    await delta.fill('0.3');
    await delta.press('Tab');
    await expect.poll(() => message.textContent()).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reports a bad link at the top of the page and next to its field, with the default kept', async () => {
    const { page } = await open(`${hashOf({})}&dgclip.delta=2`.replace('dgclip.delta=0.1&', ''));
    const top = page.locator('#settings-issues');
    expect(await top.textContent()).toBe(
      'Link setting dgclip.delta must be in [0, 1] (got 2); the default was used.',
    );
    expect((await top.boundingBox())!.y).toBeLessThan(300);
    expect(await page.locator('#dgclip-delta-error').textContent()).toBe(
      'Link setting dgclip.delta must be in [0, 1] (got 2); the default was used.',
    );
    expect(await page.getByLabel('δ-GClip δ (floor)').inputValue()).toBe('0.1');
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
    // The settings are one tab away in the sticky bar, not thousands of pixels below.
    expect(await page.getByLabel('Hidden layers').isVisible()).toBe(false);
    await page.getByRole('tab', { name: 'Settings' }).click();
    const width = page.getByLabel('Hidden layers');
    expect(await width.isVisible()).toBe(true);
    expect((await width.boundingBox())!.y).toBeLessThan(844);
    expect(await page.locator('header.top').evaluate((e) => getComputedStyle(e).position)).toBe(
      'sticky',
    );
    // Every toolbar button whole on screen, none behind a sideways scroll of the bar.
    const bar = await page.locator('.toolbar').evaluate((e) => ({
      scroll: e.scrollWidth,
      client: e.clientWidth,
      buttons: [...e.querySelectorAll('button')].map((b) => {
        const r = b.getBoundingClientRect();
        return { label: b.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      }),
    }));
    expect(bar.buttons.map((b) => b.label)).toEqual([
      'Play',
      'Step',
      'Reset',
      'Copy link',
      'Export weights',
      'Export run log',
    ]);
    expect(bar.scroll).toBeLessThanOrEqual(bar.client);
    for (const b of bar.buttons) {
      expect(b.left, b.label!).toBeGreaterThanOrEqual(0);
      expect(b.right, b.label!).toBeLessThanOrEqual(390);
      expect(b.top, b.label!).toBeGreaterThanOrEqual(0);
      expect(b.bottom, b.label!).toBeLessThanOrEqual(844);
    }
    // Settings by keyboard: new layer widths restart the race with them.
    await page.getByLabel('Hidden layers').fill('12');
    await page.getByLabel('Hidden layers').press('Tab');
    await expect.poll(() => page.url()).toContain('hidden=12&');
    await waitForSnapshot(page, (s) => s.ready && s.step === 0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.getByRole('tab', { name: 'Race' }).click();
    expect(await page.locator('#chart-loss').isVisible()).toBe(true);
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
