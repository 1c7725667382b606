/**
 * TensorFlow Playground parity, end to end in headless Chromium: input features, per-layer
 * widths and weight decay (form and link), the heatmap toggles and legend, data-set thumbnails,
 * the network diagram and the WebGL backend choice.
 */
import { join } from 'node:path';
import { CLASS_COLORS } from '@deltaclip/utils';
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
  // demo.e2e.test.ts builds first when both run; alone, this file builds.
  buildApp({ reuse: process.env.DEMO_E2E_REUSE === '1' });
  server = await serveStatic();
  browser = await launchBrowser();
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const hashOf = (over: Partial<Settings>) => encodeSettings({ ...DEFAULT_SETTINGS, ...over });

async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}#${hash}`);
  await waitForSnapshot(page, (s) => s.ready);
  return { page, errors };
}

async function race(page: Page, steps: number): Promise<DemoSnapshot> {
  await page.getByRole('button', { name: 'Play' }).click();
  await waitForSnapshot(page, (s) => s.step >= steps);
  await page.getByRole('button', { name: 'Pause' }).click();
  return waitForSnapshot(page, (s) => !s.running);
}

const hashParams = (page: Page) =>
  page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.slice(1))));

/** Wait until the heatmaps show the latest outputs with the current toggles. */
const heatmapsDrawn = (page: Page) =>
  page.waitForFunction(() =>
    (
      globalThis as unknown as { __deltaclip: { heatmapsDrawn(): boolean } }
    ).__deltaclip.heatmapsDrawn(),
  );

/** Wait until a new run of the settings in the link is ready. */
const readyAgain = (page: Page) => waitForSnapshot(page, (s) => s.ready && s.step === 0);

describe('TensorFlow Playground parity', () => {
  it('feeds the ticked input features to the model, in the link and the diagram', async () => {
    const { page, errors } = await open(hashOf({ hidden: [8] }));
    await page.getByLabel('x₁²', { exact: true }).check();
    await page.getByLabel('sin x₂', { exact: true }).check();
    await expect.poll(async () => (await hashParams(page)).feat).toBe('x1,x2,x1sq,sinx2');
    await readyAgain(page);
    await expect.poll(() => page.locator('#run-summary').textContent()).toContain('4 inputs');
    expect(await page.locator('#run-summary').textContent()).toContain('MLP 4–8–2');
    await expect
      .poll(async () =>
        (await page.locator('#network-svg .unit-label').allTextContents()).slice(0, 4),
      )
      .toEqual(['x₁', 'x₂', 'x₁²', 'sin x₂']);
    // Unticking every input is refused next to the group, and the previous inputs stay.
    for (const label of ['x₁', 'x₂', 'x₁²'])
      await page.getByLabel(label, { exact: true }).uncheck();
    await page.getByLabel('sin x₂', { exact: true }).click();
    await expect
      .poll(() => page.locator('#features-error').textContent())
      .toBe(
        'feat must name at least one input of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2 (got ""); the previous value, sinx2, was kept.',
      );
    expect(await page.getByLabel('sin x₂', { exact: true }).isChecked()).toBe(true);
    expect((await hashParams(page)).feat).toBe('sinx2');
    // The race on a non-2-D set ignores (and disables) the features.
    await page.goto(`${server.url}#${hashOf({ dataset: 'cars', features: ['x1sq'] })}`);
    await waitForSnapshot(page, (s) => s.ready);
    expect(await page.getByLabel('x₁²', { exact: true }).isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('takes per-layer widths, with a message under the field for a bad entry', async () => {
    const { page, errors } = await open(hashOf({}));
    const field = page.getByLabel('Hidden layers');
    expect(await field.inputValue()).toBe('64,64');
    await field.fill('8,x');
    await field.press('Enter');
    await field.blur();
    await expect
      .poll(() => page.locator('#hidden-error').textContent())
      .toBe(
        'hidden layer 2 width must be a number (got "x"); write widths like "8,8"; the previous value, 64,64, was kept.',
      );
    expect((await hashParams(page)).hidden).toBe('64,64');
    await field.fill('8,4');
    await field.blur();
    await expect.poll(async () => (await hashParams(page)).hidden).toBe('8,4');
    await readyAgain(page);
    await expect.poll(() => page.locator('#run-summary').textContent()).toContain('MLP 2–8–4–2');
    expect(await page.locator('#hidden-error').textContent()).toBe('');
    // An old link's depth and width still open as layers.
    await page.goto(`${server.url}#v=1&data=xor&depth=3&width=5`);
    await expect.poll(() => page.getByLabel('Hidden layers').inputValue()).toBe('5,5,5');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('applies weight decay from the form and says how in the explainer', async () => {
    const { page, errors } = await open(hashOf({ hidden: [16] }));
    await page.getByLabel('Weight decay λ').fill('0.01');
    await page.getByLabel('Weight decay λ').blur();
    await expect.poll(async () => (await hashParams(page)).wd).toBe('0.01');
    expect(await page.locator('#explainer').textContent()).toContain(
      'Added to the loss, the same for every optimizer',
    );
    await readyAgain(page);
    const end = await race(page, 100);
    for (const id of ['gclip', 'dgclip']) {
      const losses = end.losses[id]!;
      expect(losses.at(-1)!.trainLoss).toBeLessThan(losses[0]!.trainLoss);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('toggles test points and discretized output on the heatmaps, with the legend following', async () => {
    const { page, errors } = await open(hashOf({ dataset: 'circle', hidden: [16] }));
    const paused = await race(page, 150);
    // One Step: its progress (with heatmaps) is the last message of the run, so the picture
    // stays as it is until a toggle changes it.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForSnapshot(page, (x) => x.step === paused.step + 1);
    const pixels = () =>
      page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('#heatmap-dgclip')!;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        // Colours at the centres of the 48 x 48 grid's cells (10 px each on the 480 px canvas).
        const colours = new Set<number>();
        for (let row = 5; row < c.height; row += 10) {
          for (let col = 5; col < c.width; col += 10) {
            const i = 4 * (row * c.width + col);
            colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
          }
        }
        let sum = 0;
        for (let i = 0; i < d.length; i += 97) sum = (sum * 31 + d[i]!) % 1_000_000_007;
        return { colours: colours.size, sum };
      });
    await heatmapsDrawn(page);
    const shown = await pixels();
    await page.getByLabel('Show test data').uncheck();
    await heatmapsDrawn(page);
    expect((await pixels()).sum).not.toBe(shown.sum);
    await expect
      .poll(() => page.locator('#card-dgclip .output-legend').textContent())
      .toContain('● training points (test hidden)');
    const continuous = await pixels();
    await page.getByLabel('Discretize output').check();
    await expect
      .poll(() => page.locator('#card-dgclip .output-legend').textContent())
      .toContain('regions: predicted class');
    await heatmapsDrawn(page);
    expect((await pixels()).colours).toBeLessThan(continuous.colours / 2);
    // Both toggles back: the first picture again (the run is paused, nothing else changed).
    await page.getByLabel('Discretize output').uncheck();
    await page.getByLabel('Show test data').check();
    await heatmapsDrawn(page);
    expect((await pixels()).sum).toBe(shown.sum);
    await page.screenshot({ path: join(ARTIFACTS, 'parity-heatmaps.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a thumbnail per 2-D set; a click picks the set', async () => {
    const { page, errors } = await open(hashOf({}));
    const thumbs = page.locator('#thumbnails button');
    await expect.poll(() => thumbs.count()).toBe(9);
    expect(await page.locator('#thumb-spiral').getAttribute('aria-pressed')).toBe('true');
    const ink = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLCanvasElement>('#thumbnails canvas')].map((c) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        return n;
      }),
    );
    for (const n of ink) expect(n).toBeGreaterThan(50);
    await page.getByRole('button', { name: 'XOR' }).click();
    await expect.poll(async () => (await hashParams(page)).data).toBe('xor');
    expect(await page.locator('#thumb-xor').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#dataset').inputValue()).toBe('xor');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the network with weight colours and widths, updated at most twice a second', async () => {
    const { page, errors } = await open(hashOf({}));
    const lines = page.locator('#network-svg line');
    // 2 inputs, 64 and 64 hidden units (12 drawn each), 2 outputs: 2*12 + 12*12 + 12*2 edges.
    await expect.poll(() => lines.count()).toBe(192);
    const strokes = await page.evaluate(() =>
      [...document.querySelectorAll('#network-svg line')].map((l) => ({
        color: l.getAttribute('stroke'),
        width: Number(l.getAttribute('stroke-width')),
        weight: Number(l.getAttribute('data-weight')),
      })),
    );
    for (const s of strokes) expect(s.color).toBe(s.weight < 0 ? CLASS_COLORS[0] : CLASS_COLORS[1]);
    const widest = strokes.reduce((a, b) => (Math.abs(b.weight) > Math.abs(a.weight) ? b : a));
    expect(widest.width).toBe(4);
    expect(await page.locator('#network-svg .more').allTextContents()).toEqual([
      '+52 more',
      '+52 more',
    ]);
    // Every redraw's time, over a few seconds of play (until step 800).
    await page.evaluate(() => {
      const g = document.querySelector('#network-svg')!;
      const times: number[] = [];
      (globalThis as unknown as { redraws: number[] }).redraws = times;
      new MutationObserver(() => times.push(performance.now())).observe(g, { childList: true });
    });
    await race(page, 800);
    const times = await page.evaluate(
      () => (globalThis as unknown as { redraws: number[] }).redraws,
    );
    expect(times.length).toBeGreaterThanOrEqual(2);
    const seconds = (times.at(-1)! - times[0]!) / 1000;
    // The worker sends weights every 500 ms or more; the page draws what arrived at its next frame.
    expect(times.length - 1).toBeLessThanOrEqual(Math.floor(2 * seconds) + 1);
    await expect
      .poll(() => page.locator('#network-caption').textContent())
      .toMatch(/^Weights of δ-GClip at step [1-9]/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains on WebGL2 where the browser has it, else says why and trains on WASM', async () => {
    const { page, errors } = await open(hashOf({ backend: 'webgl', hidden: [16] }));
    const s = await waitForSnapshot(page, (x) => x.backend !== null);
    const hasWebgl2 = await page.evaluate(() => {
      const source = "postMessage(!!new OffscreenCanvas(1, 1).getContext('webgl2'))";
      const w = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      return new Promise<boolean>((resolve) => {
        w.onmessage = (e) => resolve(e.data as boolean);
        w.onerror = () => resolve(false);
      });
    });
    const statusText = await page.locator('#status').textContent();
    if (hasWebgl2) {
      expect(s.backend).toMatchObject({ name: 'webgl', variant: 'webgl2', fallback: null });
      expect(statusText).toContain('webgl (webgl2, GPU)');
    } else {
      expect(s.backend!.name).toBe('wasm');
      expect(statusText).toContain('training on WASM instead');
      expect(statusText).toContain('WebGL2');
    }
    const end = await race(page, 60);
    const losses = end.losses.dgclip!;
    expect(losses.at(-1)!.trainLoss).toBeLessThan(losses[0]!.trainLoss);
    console.log(`webgl2 in workers: ${hasWebgl2}; status: ${statusText}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
