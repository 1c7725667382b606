/**
 * Steps per second of an optimizer race in the playground (apps/demo), in real headless Chromium:
 * the production build served with the isolation headers, the page's own training worker, Play
 * pressed and the race steps counted over a few seconds (after a warm-up). A race step is one step
 * of every raced optimizer on the same batch, with everything the page does besides: full-batch
 * loss and mu_t every 10 steps, beta every 100, heatmaps every 250 ms, telemetry, plots.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, type Suite, table } from '../suite.js';

interface RaceRate {
  backend: { name: string; variant: string; threads: number } | null;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  reported: number | null;
}

/** apps/demo/e2e/harness.mjs: plain JavaScript shared with the app's end-to-end tests. */
interface Smoothness {
  backend: { name: string; variant: string; threads: number } | null;
  longTasks: number[];
  windows: number[];
  pauseMs: number;
  steps: number;
}

interface Harness {
  buildApp(options?: { reuse?: boolean }): void;
  measureSmoothRace(options: { hash: string; seconds: number }): Promise<Smoothness>;
  measureRace(options: { hash: string; seconds?: number; warmupSteps?: number }): Promise<RaceRate>;
}

const HARNESS = join(dirname(fileURLToPath(import.meta.url)), '../../../apps/demo/e2e/harness.mjs');

/** The page's URL state (see apps/demo/README.md): the defaults with a few settings changed. */
function hash(over: Record<string, string | number>): string {
  const params = new URLSearchParams({
    v: '1',
    data: 'spiral',
    n: '400',
    test: '0.2',
    depth: '2',
    width: '64',
    act: 'relu',
    loss: 'square',
    batch: '32',
    opt: 'gclip,dgclip',
    seed: '1',
    eval: '10',
    backend: 'auto',
  });
  for (const [k, v] of Object.entries(over)) params.set(k, String(v));
  return params.toString().replace(/%2C/g, ',');
}

const CASES: readonly { what: string; over: Record<string, string | number> }[] = [
  { what: 'GClip vs δ-GClip, spiral, MLP 2-64-64-2, batch 32', over: {} },
  { what: 'GClip vs δ-GClip, spiral, MLP 2-64-64-2, batch 32', over: { backend: 'cpu' } },
  { what: 'GClip vs δ-GClip, spiral, MLP 2-64-64-2, full batch (320)', over: { batch: 0 } },
  { what: 'GClip vs δ-GClip, spiral, MLP 2-256-256-2, batch 32', over: { width: 256 } },
  {
    what: 'GClip vs δ-GClip, spiral, MLP 2-256-256-2, batch 32',
    over: { width: 256, backend: 'cpu' },
  },
];

export const demo: Suite = {
  id: 'demo',
  title: 'Playground: race steps per second in the page (headless Chromium)',
  async run() {
    const harness = (await import(pathToFileURL(HARNESS).href)) as Harness;
    harness.buildApp();
    const rows: (string | number)[][] = [];
    const rates: number[] = [];
    for (const c of CASES) {
      // The cpu backend is slow at width 256: a short warm-up keeps the suite under two minutes.
      const warmupSteps = c.over.backend === 'cpu' ? 20 : 200;
      const r = await harness.measureRace({ hash: hash(c.over), seconds: 6, warmupSteps });
      rates.push(r.stepsPerSecond);
      const b = r.backend;
      rows.push([
        c.what,
        b === null
          ? '?'
          : `${b.name} (${b.variant}, ${b.threads} thread${b.threads === 1 ? '' : 's'})`,
        fmt(r.stepsPerSecond),
        fmt(2 * r.stepsPerSecond),
        r.reported === null ? 'n/a' : fmt(r.reported),
      ]);
    }
    const ratio = (a: number, b: number) => fmt(rates[a]! / rates[b]!, 2);
    // Smooth for minutes (issue 14): a 3-minute race at 1440x900 with the default settings.
    const seconds = Number(process.env.DEMO_SMOOTH_SECONDS ?? 180);
    const smooth = await harness.measureSmoothRace({ hash: hash({}), seconds });
    const w = smooth.windows;
    const longest = smooth.longTasks.length === 0 ? 0 : Math.max(...smooth.longTasks);
    const over50 = smooth.longTasks.filter((d) => d > 50).length;
    const perWindow = (smooth.longTasks.reduce((a, b) => a + b, 0) / seconds) * 10;
    return [
      table(['race', 'backend', 'race steps/s', 'optimizer steps/s', 'page’s own figure'], rows),
      '',
      `Smoothness over a ${seconds}-s race (defaults, 1440x900, PerformanceObserver 'longtask' in the page): ${over50} long tasks over 50 ms, the longest ${fmt(longest)} ms, ${fmt(perWindow)} ms of long tasks per 10 s; race steps/s per 10-s window from ${fmt(w[0] ?? 0)} (first) to ${fmt(w.at(-1) ?? 0)} (last), lowest ${fmt(Math.min(...w))} (${fmt((100 * Math.min(...w)) / (w[0] ?? 1))}% of the first); Pause answered in ${fmt(smooth.pauseMs)} ms (button label and worker stopped). Wall-clock long tasks stretch when other jobs share the machine's 2 cores.`,
      '',
      `wasm / cpu: ${ratio(0, 1)}x at width 64, ${ratio(3, 4)}x at width 256. Measured over 6 s after 200 warm-up steps (20 on cpu), counting steps from the page's state; "page's own figure" is the steps/s the worker reports (its last 2 s). Provisional while other work shares the machine.`,
    ].join('\n');
  },
};
