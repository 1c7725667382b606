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
  /** Whether the page ran with its frame gate (apps/demo/src/worker/frame-gate.ts). */
  frameGate: boolean;
  longTasks: number[];
  windows: number[];
  pauseMs: number;
  steps: number;
}

interface Harness {
  buildApp(options?: { reuse?: boolean }): void;
  measureSmoothRace(options: {
    hash: string;
    seconds: number;
    frameGate?: boolean;
  }): Promise<Smoothness>;
  measureRace(options: { hash: string; seconds?: number; warmupSteps?: number }): Promise<RaceRate>;
}

/**
 * The machine's own steadiness: a fixed loop of float64 matrix products (96x96, plain
 * JavaScript) alone on one core, in 10-s windows: how much the machine's speed drifts with
 * nothing of the page running, printed beside the page's windows.
 */
function machineWindows(seconds: number): number[] {
  const n = 96;
  const a = Float64Array.from({ length: n * n }, (_, i) => ((i * 7919) % 101) / 101);
  const b = Float64Array.from({ length: n * n }, (_, i) => ((i * 104729) % 103) / 103);
  const c = new Float64Array(n * n);
  const windows: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    let products = 0;
    while (performance.now() - t0 < 10_000) {
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let l = 0; l < n; l++) sum += a[i * n + l]! * b[l * n + j]!;
          c[i * n + j] = sum;
        }
      products++;
    }
    windows.push((products * 1000) / (performance.now() - t0));
  }
  return windows;
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
    // Smooth for minutes (issue 14): a 3-minute race at 1440x900 with the default settings, with
    // the page's frame gate and then without it, one after the other.
    const seconds = Number(process.env.DEMO_SMOOTH_SECONDS ?? 180);
    const smoothRows: (string | number)[][] = [];
    const totals: number[] = [];
    for (const frameGate of [true, false]) {
      const s = await harness.measureSmoothRace({ hash: hash({}), seconds, frameGate });
      if (s.frameGate !== frameGate) {
        throw new Error(`asked for frameGate ${frameGate}, the page has ${s.frameGate}`);
      }
      const w = s.windows;
      const over50 = s.longTasks.filter((d) => d > 50);
      totals.push(s.steps);
      smoothRows.push([
        frameGate ? 'with the frame gate' : 'without it',
        over50.length,
        fmt(over50.length === 0 ? 0 : Math.max(...over50)),
        fmt((s.longTasks.reduce((a, b) => a + b, 0) / seconds) * 10),
        `${fmt(w[0] ?? 0)} → ${fmt(w.at(-1) ?? 0)}`,
        `${fmt(Math.min(...w))} (${fmt((100 * Math.min(...w)) / (w[0] ?? 1))}%)`,
        s.steps,
        fmt(s.pauseMs),
      ]);
    }
    const smoothTable = table(
      [
        `${seconds}-s race`,
        'long tasks > 50 ms',
        'longest (ms)',
        'long-task ms per 10 s',
        'steps/s, first → last 10-s window',
        'lowest window (% of first)',
        'race steps',
        'Pause (ms)',
      ],
      smoothRows,
    );
    const control = machineWindows(Number(process.env.DEMO_CONTROL_SECONDS ?? 60));
    const share = (x: number) => fmt((100 * x) / control[0]!);
    return [
      table(['race', 'backend', 'race steps/s', 'optimizer steps/s', 'page’s own figure'], rows),
      '',
      `Smoothness (defaults, 1440x900, PerformanceObserver 'longtask' in the page; Pause: until the button's label and the worker's state changed), with the page's frame gate (the worker waits while the page draws) and without it, one run each, one after the other:`,
      '',
      smoothTable,
      '',
      `Race steps with the gate / without: ${fmt(totals[0]! / totals[1]!, 3)}. Wall-clock long tasks stretch when other jobs share the machine's 2 cores.`,
      '',
      `The machine's own steadiness, right after: a fixed loop of 96x96 float64 matrix products in Node, alone, ${control.length} windows of 10 s: ${control.map((x) => fmt(x)).join(', ')} products/s; lowest ${share(Math.min(...control))}%, highest ${share(Math.max(...control))}% of the first. That spread is the machine's alone: nothing of the page runs in it.`,
      '',
      `wasm / cpu: ${ratio(0, 1)}x at width 64, ${ratio(3, 4)}x at width 256. Measured over 6 s after 200 warm-up steps (20 on cpu), counting steps from the page's state; "page's own figure" is the steps/s the worker reports (its last 2 s). Provisional while other work shares the machine.`,
    ].join('\n');
  },
};
