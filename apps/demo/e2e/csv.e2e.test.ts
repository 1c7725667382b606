/**
 * The CSV upload end to end, in real headless Chromium, as a visitor uses it: files chosen with
 * the Upload CSV input (page.setInputFiles), read and parsed in the worker. A binary file, a 20 MB
 * file (progress, a page that answers while the worker parses), vega's cars with its Name column
 * (dropped with the Drop columns control, then another target), and a ragged file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../src/state/settings.js';
import { encodeSettings } from '../src/state/url-state.js';
import { buildApp, launchBrowser, serveStatic, waitForSnapshot } from './harness.mjs';

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let scratch: string;

beforeAll(async () => {
  buildApp();
  scratch = mkdtempSync(join(tmpdir(), 'deltaclip-csv-e2e-'));
  server = await serveStatic();
  browser = await launchBrowser();
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

type Car = Record<string, string | number | null>;

/** vega-datasets' cars (the JSON its npm package ships), in its own key order: Name first. */
function cars(): Car[] {
  const require = createRequire(import.meta.url);
  // vega-datasets is @deltaclip/datasets' dependency; its exports map hides the data folder.
  const datasets = dirname(require.resolve('@deltaclip/datasets/package.json'));
  return JSON.parse(
    readFileSync(join(datasets, 'node_modules/vega-datasets/data/cars.json'), 'utf8'),
  ) as Car[];
}

function csvOf(rows: readonly Car[]): string {
  const columns = Object.keys(rows[0]!);
  const cell = (v: string | number | null | undefined) =>
    v === null || v === undefined
      ? ''
      : /[",\n]/.test(String(v))
        ? `"${String(v).replace(/"/g, '""')}"`
        : String(v);
  return [columns.join(','), ...rows.map((r) => columns.map((k) => cell(r[k])).join(','))].join(
    '\n',
  );
}

/** Open the default state; collect page errors (a test fails on any). */
async function open(): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}#${encodeSettings(DEFAULT_SETTINGS)}`);
  await waitForSnapshot(page, (s) => s.ready);
  return { page, errors };
}

const upload = (page: Page, name: string, buffer: Buffer) =>
  page.getByLabel('Upload CSV').setInputFiles({ name, mimeType: 'text/csv', buffer });

/** The page's data set and the first sentence of its run summary (what it trains on). */
async function trainingOn(page: Page): Promise<[string, string]> {
  const summary = (await page.locator('#run-summary').textContent()) ?? '';
  return [await page.getByLabel('Data set').inputValue(), summary.split(' from ')[0]!];
}

/** The Drop columns checkboxes: [column, ticked]. */
const dropBoxes = (page: Page) =>
  page
    .locator('#csv-drop-field input[type=checkbox]')
    .evaluateAll((boxes) => (boxes as HTMLInputElement[]).map((b) => [b.value, b.checked]));

const targetOptions = (page: Page) =>
  page
    .getByLabel('Target column')
    .locator('option')
    .evaluateAll((options) => (options as HTMLOptionElement[]).map((o) => o.value));

/** Training and test samples of the run summary ("… 313 training and 79 test samples; …"). */
async function samples(page: Page): Promise<number> {
  const summary = (await page.locator('#run-summary').textContent()) ?? '';
  const m = /(\d+) training and (\d+) test samples/.exec(summary);
  if (m === null) throw new Error(`no sample counts in the run summary: ${summary}`);
  return Number(m[1]) + Number(m[2]);
}

describe('uploading a CSV in Chromium', () => {
  it('a binary file is "not a text file" and the race keeps running on the previous data', async () => {
    const { page, errors } = await open();
    // A real PNG: the page's own screenshot.
    const png = await page.screenshot();
    await page.getByRole('button', { name: 'Play' }).click();
    await waitForSnapshot(page, (s) => s.running && s.step > 0);
    await expect.poll(async () => (await trainingOn(page))[1]).not.toBe('');
    const url = page.url();
    const before = await trainingOn(page);
    expect(before[0]).toBe('spiral');

    await upload(page, 'screenshot.png', png);
    await expect
      .poll(() => page.locator('#csv-error').textContent())
      .toBe(
        'Could not use “screenshot.png”: screenshot.png is not a text file (a NUL byte at byte 8): upload a CSV or TSV file saved as UTF-8 text. The previous data set is kept.',
      );
    expect(await page.locator('#csv-progress').textContent()).toBe('');
    // No CSV in use: neither its Target column nor its Drop columns field shows.
    expect(await page.locator('#csv-drop-field').isHidden()).toBe(true);
    expect(await page.locator('#csv-target-field').isHidden()).toBe(true);
    const at = await waitForSnapshot(page, () => true);
    // Still the same race, still running: more steps on the spiral after the message.
    const later = await waitForSnapshot(page, (s) => s.step >= at.step + 20);
    expect([later.running, later.error]).toEqual([true, null]);
    expect(await trainingOn(page)).toEqual(before);
    expect(page.url()).toBe(url);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a 20 MB file: progress while the worker parses, a page that answers, the rows it found', async () => {
    // 5 numeric columns with 12 decimals and a 2-class label: about 79 bytes a row.
    const lines = ['x1,x2,x3,x4,x5,label'];
    let bytes = lines[0]!.length;
    for (let i = 0; bytes < 20e6; i++) {
      const x = [1, 2, 3, 4, 5].map((k) =>
        (((i * 0.6180339887498949 * k) % 1) * 2 - 1).toFixed(12),
      );
      const line = `${x.join(',')},${Number(x[0]) + Number(x[1]) > 0 ? 'pos' : 'neg'}`;
      lines.push(line);
      bytes += line.length + 1;
    }
    const rows = lines.length - 1;
    const text = lines.join('\n');
    const path = join(scratch, 'big.csv');
    writeFileSync(path, text);
    const size = Buffer.byteLength(text);
    expect(size).toBeGreaterThanOrEqual(20e6);

    const { page, errors } = await open();
    await page.getByRole('button', { name: 'Play' }).click();
    await waitForSnapshot(page, (s) => s.running && s.step > 0);
    // Record, in the page, every progress line and every label of the Play/Pause button, in order,
    // with the data set the page is on at that moment.
    await page.evaluate(() => {
      const hook = (globalThis as unknown as { __deltaclip: { settings(): { dataset: string } } })
        .__deltaclip;
      const log: { what: string; dataset: string; t: number }[] = [];
      (globalThis as unknown as { __csvLog: typeof log }).__csvLog = log;
      const watch = (id: string, prefix: string) => {
        const el = document.getElementById(id)!;
        new MutationObserver(() =>
          log.push({
            what: `${prefix}${el.textContent}`,
            dataset: hook.settings().dataset,
            t: performance.now(),
          }),
        ).observe(el, { childList: true, characterData: true, subtree: true });
      };
      watch('csv-progress', 'progress: ');
      watch('play', 'button: ');
      document
        .getElementById('play')!
        .addEventListener('pointerdown', () =>
          log.push({ what: 'pointerdown', dataset: hook.settings().dataset, t: performance.now() }),
        );
    });

    await page.getByLabel('Upload CSV').setInputFiles(path);
    const reading = `progress: Reading and parsing big.csv (${Number((size / 1e6).toPrecision(3))} MB)…`;
    await page.waitForFunction(
      (line) =>
        (globalThis as unknown as { __csvLog: { what: string }[] }).__csvLog.some(
          (e) => e.what === line,
        ),
      reading,
      { polling: 'raf' },
    );
    // While the worker parses, the visitor pauses the race.
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect
      .poll(() => page.getByLabel('Data set').inputValue(), { timeout: 90_000 })
      .toBe('csv');
    const ready = await waitForSnapshot(page, (s) => s.ready, 90_000);
    expect([ready.running, ready.step, ready.error]).toEqual([false, 0, null]);

    const log = await page.evaluate(
      () =>
        (globalThis as unknown as { __csvLog: { what: string; dataset: string; t: number }[] })
          .__csvLog,
    );
    const found = rows.toLocaleString('en');
    const progress = log.filter((e) => e.what.startsWith('progress: '));
    expect(progress.map((e) => e.what)).toEqual([
      reading,
      `progress: Parsed ${found} rows × 6 columns of big.csv; checking the columns…`,
      `progress: Preparing ${found} rows of big.csv…`,
      'progress: big.csv is ready.',
      // The race on it prepares the same split again from the worker's cache: no second parse.
    ]);
    // Every progress line came while the page still trained on the spiral: before the race.
    expect(new Set(progress.map((e) => e.dataset))).toEqual(new Set(['spiral']));
    // The Pause button answered between the first progress line and the rows found: the page
    // handled the click while the worker was still reading and parsing.
    const order = log.map((e) => e.what);
    const paused = order.indexOf('button: Play');
    expect(paused).toBeGreaterThan(order.indexOf(reading));
    expect(paused).toBeLessThan(order.indexOf(progress[1]!.what));
    const down = log.find((e) => e.what === 'pointerdown')!;
    console.log(
      `20 MB CSV (${found} rows): Pause label ${Math.round(log[paused]!.t - down.t)} ms after the press; ` +
        `parse ${Math.round(progress[1]!.t - progress[0]!.t)} ms, prepare ${Math.round(progress[3]!.t - progress[2]!.t)} ms (shared machine)`,
    );

    await expect
      .poll(async () => (await trainingOn(page))[1])
      .toBe("big.csv: predict 'label' (classification)");
    expect(await samples(page)).toBe(rows);
    await page.getByRole('button', { name: 'Step' }).click();
    const stepped = await waitForSnapshot(page, (s) => s.step === 1, 90_000);
    expect(stepped.error).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("vega's cars with its Name column: told to drop Name, loads once ticked, then a regression target", async () => {
    const data = cars();
    const columns = Object.keys(data[0]!);
    expect(columns[0]).toBe('Name');
    const names = new Set(data.map((c) => c.Name)).size;
    const { page, errors } = await open();
    const url = page.url();

    await upload(page, 'cars.csv', Buffer.from(csvOf(data)));
    await expect
      .poll(() => page.locator('#csv-error').textContent())
      .toBe(
        `Could not use “cars.csv”: column 'Name' of cars.csv holds ${names} distinct text values, too many to one-hot encode (at most 20); drop it (tick 'Name' under Drop columns) or make it numeric. The previous data set is kept.`,
      );
    expect((await trainingOn(page))[0]).toBe('spiral');
    expect(page.url()).toBe(url);
    // Every column but the target (the last, Origin) can be dropped.
    expect(await dropBoxes(page)).toEqual(columns.slice(0, -1).map((c) => [c, false]));

    await page.getByRole('checkbox', { name: 'Name', exact: true }).check();
    await expect.poll(() => page.getByLabel('Data set').inputValue()).toBe('csv');
    expect(await page.locator('#csv-error').textContent()).toBe('');
    await waitForSnapshot(page, (s) => s.ready && s.step === 0);
    await expect
      .poll(async () => (await trainingOn(page))[1])
      .toBe("cars.csv: predict 'Origin' (classification)");
    const complete = (keep: (k: string) => boolean) =>
      data.filter((c) => columns.filter(keep).every((k) => c[k] !== null && c[k] !== undefined))
        .length;
    expect(await samples(page)).toBe(complete((k) => k !== 'Name'));
    // A dropped column is no target.
    expect(await targetOptions(page)).toEqual(columns.slice(1));
    expect(await page.getByLabel('Target column').inputValue()).toBe('Origin');

    // Miles per gallon as the target: a regression; the drop list follows the new target.
    await page.getByLabel('Target column').selectOption('Miles_per_Gallon');
    await expect
      .poll(async () => (await trainingOn(page))[1])
      .toBe("cars.csv: predict 'Miles_per_Gallon' (regression)");
    expect(await dropBoxes(page)).toEqual(
      columns.filter((c) => c !== 'Miles_per_Gallon').map((c) => [c, c === 'Name']),
    );
    expect(await page.locator('#run-summary').textContent()).toContain('square loss');

    // Dropping another column keeps the chosen target.
    await page.getByRole('checkbox', { name: 'Year', exact: true }).check();
    await expect
      .poll(async () => (await page.locator('#run-summary').textContent()) ?? '')
      .toContain("cars.csv: predict 'Miles_per_Gallon' (regression) from 6 column(s)");
    expect(await page.getByLabel('Target column').inputValue()).toBe('Miles_per_Gallon');
    expect(await targetOptions(page)).toEqual(columns.filter((c) => c !== 'Name' && c !== 'Year'));
    expect(await samples(page)).toBe(complete((k) => k !== 'Name' && k !== 'Year'));

    await page.getByRole('button', { name: 'Play' }).click();
    await waitForSnapshot(page, (s) => s.step >= 100);
    await page.getByRole('button', { name: 'Pause' }).click();
    const end = await waitForSnapshot(page, (s) => !s.running);
    for (const id of ['gclip', 'dgclip']) {
      const losses = end.losses[id]!;
      expect(losses.at(-1)!.trainLoss).toBeLessThan(0.5 * losses[0]!.trainLoss);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a ragged CSV gets the clear message with its row and line; the CSV in use is kept', async () => {
    const { page, errors } = await open();
    const good = ['u,v,class'];
    for (let i = 0; i < 60; i++)
      good.push(`${i % 6},${Math.floor(i / 6)},${i % 6 < 3 ? 'a' : 'b'}`);
    await upload(page, 'grid.csv', Buffer.from(good.join('\n')));
    await expect.poll(() => page.getByLabel('Data set').inputValue()).toBe('csv');
    await waitForSnapshot(page, (s) => s.ready);
    // The summary line is written after the worker reports ready: wait for it, not just ready.
    await expect
      .poll(async () => (await trainingOn(page))[1])
      .toBe("grid.csv: predict 'class' (classification)");
    const before = await trainingOn(page);
    const url = page.url();

    // An unquoted comma in a name: one cell too many on line 3.
    await upload(page, 'ragged.csv', Buffer.from('name,x,y\n"Smith, J",1,2\nDoe, A,3,4\n'));
    await expect
      .poll(() => page.locator('#csv-error').textContent())
      .toBe(
        'Could not use “ragged.csv”: ragged.csv at row 2, line 3: expected 3 cells (one per header column), found 4 cell(s). Quote cells that contain commas. The previous data set is kept.',
      );
    expect(await page.locator('#csv-progress').textContent()).toBe('');
    expect(await trainingOn(page)).toEqual(before);
    expect(page.url()).toBe(url);
    const kept = await waitForSnapshot(page, () => true);
    expect([kept.ready, kept.error]).toEqual([true, null]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
