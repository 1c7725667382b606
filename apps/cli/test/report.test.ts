/**
 * report.html as a person meets it: the built CLI runs a short comparison as a real process, and
 * headless Chromium (tools/browser's Debian Chromium) opens DIR/report.html from disk at a laptop
 * and a phone size. The expected numbers come from results.json, formatted here independently.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromiumMissing, type LaunchedChromium, launchChromium } from '@deltaclip/browser-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';

const ARTIFACTS = fileURLToPath(new URL('../test-results/', import.meta.url));

interface Saved {
  runs: {
    summary: {
      label: string;
      finalTrainLoss: number;
      certificate: { verdict: string; covered: boolean; sentence?: string; mu?: number } | null;
    };
  }[];
  aggregates: { label: string; trainLoss: number[] }[];
}

/** 4 significant digits, as a reader expects them (all losses here lie in [1e-3, 1e5)). */
const four = (x: number) => String(Number(x.toPrecision(4)));

describe.skipIf(chromiumMissing() !== undefined)('report.html in Chromium', () => {
  let work: string;
  let saved: Saved;
  let url: string;
  let browser: LaunchedChromium;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'deltaclip-report-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const out = join(work, 'cmp');
    const r = await run([
      'compare',
      '--model',
      'mlp:hidden=64,parameterization=ntk',
      '--epochs',
      '20',
      '--analysis-every',
      '10',
      '--seeds',
      '3',
      '--workers',
      '2',
      '--optimizers',
      'sgd:lr=2;gclip:lr=2,gamma=0.1;delta-gclip:lr=2,gamma=0.1,delta=0.2',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Saved;
    url = pathToFileURL(join(out, 'report.html')).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function open(width: number, height: number) {
    const page = await browser.newPage();
    await page.setViewportSize({ width, height });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('request', (q) => requests.push(q.url()));
    await page.goto(url);
    await page.waitForSelector('.plot canvas');
    return { page, errors, requests };
  }

  it('the table, the headline and the certificates hold the run numbers; nothing overflows at 1440x900', async () => {
    const { page, errors, requests } = await open(1440, 900);
    // Every run a row: its label and its final training loss.
    const rows = await page.$$eval('#results tbody tr', (trs) =>
      trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())),
    );
    expect(rows.map((r) => r[0])).toEqual(saved.runs.map((r) => r.summary.label));
    expect(rows.map((r) => r[1])).toEqual(saved.runs.map((r) => four(r.summary.finalTrainLoss)));
    // Over the seeds: mean ± sample std (n - 1), computed here from each seed's loss.
    const seedRows = await page.$$eval('#seeds tbody tr', (trs) =>
      trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())),
    );
    const stats = saved.aggregates.map((g) => {
      const n = g.trainLoss.length;
      const m = g.trainLoss.reduce((a, b) => a + b, 0) / n;
      const s = Math.sqrt(g.trainLoss.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
      return { label: g.label, m, s };
    });
    expect(seedRows.map((r) => [r[0], r[1]])).toEqual(
      stats.map((g) => [g.label, `${four(g.m)} ± ${four(g.s)}`]),
    );
    // The headline names the leader, and calls it a win only beyond 2 pooled std.
    const [best, second] = [...stats].sort((a, b) => a.m - b.m);
    const stds = (second!.m - best!.m) / Math.sqrt((best!.s ** 2 + second!.s ** 2) / 2);
    const text = (await page.textContent('#headline'))!;
    expect(text).toContain(best!.label);
    expect(text).toContain('over 3 seeds');
    expect(
      text.startsWith(
        stds >= 2
          ? `${best!.label} won on final training loss`
          : 'No clear winner on final training loss',
      ),
    ).toBe(true);
    expect(await page.textContent('#task')).toBe(
      'Data: cars; Model: MLP 6-64-1, ReLU, NTK parameterization; Loss: 0.5 * mean squared error',
    );
    // δ-GClip's certificate (first seed) as people read it: level, sentence, mu with its source.
    const delta = saved.runs.find((r) => r.summary.label.startsWith('δ-GClip'))!.summary
      .certificate!;
    const card = page.locator('.certificate', { hasText: 'δ-GClip' });
    expect(await card.locator('.verdict').textContent()).toBe(delta.verdict);
    const sentence = delta.sentence!;
    expect(await card.locator('.sentence').textContent()).toBe(
      `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${/[.!?)]$/.test(sentence) ? '' : '.'}`,
    );
    expect(
      await card.locator('.constants tr', { hasText: 'from the tangent kernel' }).count(),
    ).toBe(1);
    const gclip = page.locator('.certificate', { hasText: 'GClip (eta 2, gamma 0.1) seed 0' });
    expect(await gclip.locator('.verdict').textContent()).toBe('not-covered');
    // Every chart drawn, each with a text alternative; the dashed test curves have a legend.
    const charts = await page.$$eval('.plot', (els) =>
      els.map((el) => ({
        canvas: el.querySelector('canvas') !== null,
        alt: document.getElementById(el.getAttribute('aria-describedby')!)!.children.length,
      })),
    );
    expect(charts.length).toBeGreaterThanOrEqual(6);
    expect(charts.every((c) => c.canvas && c.alt > 0)).toBe(true);
    expect(await page.textContent('figure:has(#chart-evaluation) .keys')).toContain(
      'test split (dashed)',
    );
    const fit = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - innerWidth,
      tables: [...document.querySelectorAll('.table-wrap')].map(
        (w) => w.scrollWidth - w.clientWidth,
      ),
    }));
    expect(fit.page).toBeLessThanOrEqual(0);
    expect(fit.tables.every((d) => d <= 0)).toBe(true);
    expect(await page.locator('pre').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(requests.every((r) => r.startsWith('file:'))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'report-1440.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'report-1440-full.png'), fullPage: true });
  });

  it('fits a 390x844 phone: the page never scrolls sideways, a wide table only inside its frame', async () => {
    const { page, errors } = await open(390, 844);
    const fit = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - innerWidth,
      widest: Math.max(
        ...[...document.querySelectorAll('main > *, header > *, figure *')].map(
          (e) => e.getBoundingClientRect().right,
        ),
      ),
      plots: [...document.querySelectorAll('.uplot')].map((u) => u.getBoundingClientRect().right),
    }));
    expect(fit.page).toBeLessThanOrEqual(0);
    expect(fit.widest).toBeLessThanOrEqual(390);
    expect(fit.plots.every((r) => r <= 390)).toBe(true);
    expect(await page.locator('#headline').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'report-390.png') });
    await page
      .locator('.certificate', { hasText: 'δ-GClip' })
      .screenshot({ path: join(ARTIFACTS, 'report-390-certificate.png') });
  });
});
