/**
 * Both cores for one training run: the wasm backend on 1 thread (SIMD build) and 2 threads
 * (threaded SIMD build, pthreads as worker_threads), PyTorch CPU on the same model, batch and
 * optimizer as the peer, and `deltaclip compare` with 2 workers against serial. Every
 * configuration runs in its own process (the wasm build and threads are chosen once per process),
 * in rounds that alternate the configurations, so that the machine's noise hits all alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, type Suite, table } from '../suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, '..', 'threads-child.js');
const TORCH_SCRIPT = join(here, '..', '..', 'python', 'threads_torch.py');
const CLI = join(here, '..', '..', '..', 'apps', 'cli', 'dist', 'cli.js');
/** Debian's interpreter, which sees Debian's python3-torch (the first python3 on PATH may not). */
const PYTHON = '/usr/bin/python3';

const DELTA_GCLIP = { learningRate: 0.05, gamma: 1, delta: 0.1 } as const;

/** The MLP of issue 16: 784-256-256-10, relu, softmax cross-entropy, batch 128. */
export const THREADS_MLP = {
  inputs: 784,
  hidden: [256, 256],
  classes: 10,
  batchSize: 128,
  batches: 4,
  deltaGClip: DELTA_GCLIP,
} as const;

/** The reference CNN of @deltaclip/backend/workloads in its benchmark preset (as the backends suite). */
const THREADS_CNN = {
  size: 28,
  classes: 10,
  batchSize: 32,
  batches: 4,
  deltaGClip: DELTA_GCLIP,
} as const;

export type ThreadsWorkload = 'mlp' | 'cnn';

export interface ThreadsChildRequest {
  readonly workload: ThreadsWorkload;
  readonly threads: number;
  readonly steps: number;
  readonly warmup: number;
}

export interface ThreadsChildResult {
  readonly variant: string;
  readonly threads: number;
  readonly samplesPerSecond: number;
  readonly samplesPerCpuSecond: number;
}

interface Rate {
  readonly samplesPerSecond: number;
  readonly samplesPerCpuSecond: number;
  /** wasm: the build and threads that ran. */
  readonly variant?: string;
  readonly threads?: number;
  /** PyTorch: the BLAS library its process loaded. */
  readonly blas?: string;
}

const ROUNDS = 3;
const STEPS: Record<ThreadsWorkload, number> = { mlp: 60, cnn: 30 };
const WARMUP = 3;

function lastJsonLine(stdout: string): unknown {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`no result line in: ${stdout.slice(-500)}`);
  return JSON.parse(line);
}

/** Runs a process to its end and returns its stdout; throws with its stderr when it fails. */
function run(
  command: string,
  args: readonly string[],
  what: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 600_000,
    env,
    maxBuffer: 64 * 2 ** 20,
  });
  if (result.status !== 0) {
    throw new Error(
      `${what} failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr ?? '').slice(-1000)}`,
    );
  }
  return result.stdout;
}

function wasmRate(workload: ThreadsWorkload, threads: number): Rate {
  const request: ThreadsChildRequest = {
    workload,
    threads,
    steps: STEPS[workload],
    warmup: WARMUP,
  };
  return lastJsonLine(
    run(
      process.execPath,
      [CHILD, JSON.stringify(request)],
      `wasm ${workload} on ${threads} thread(s)`,
    ),
  ) as ThreadsChildResult;
}

function torchRate(workload: ThreadsWorkload, threads: number): Rate {
  const request = {
    workload,
    threads,
    steps: STEPS[workload],
    warmup: WARMUP,
    model: workload === 'mlp' ? THREADS_MLP : THREADS_CNN,
  };
  // OpenBLAS (libopenblas0-pthread) and OpenMP size their own pools unless told.
  const env = {
    ...process.env,
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
  };
  return lastJsonLine(
    run(
      PYTHON,
      [TORCH_SCRIPT, JSON.stringify(request)],
      `PyTorch ${workload} on ${threads} thread(s)`,
      env,
    ),
  ) as Rate;
}

/** PyTorch's version, or why the PyTorch columns are skipped. */
function probeTorch(): { version: string } | { reason: string } {
  if (!existsSync(PYTHON)) return { reason: `${PYTHON} not found` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (probe.status !== 0) {
    const last = (probe.stderr ?? '').trim().split('\n').at(-1) ?? `exit ${probe.status}`;
    return {
      reason: `PyTorch is not importable by ${PYTHON} (${last}); apt-get install -y python3-torch`,
    };
  }
  return { version: probe.stdout.trim() };
}

/**
 * The `compare` job timed: two optimizers that both run every step at these settings (a run that
 * diverges stops early, and then the job's wall time is the other run's alone, which says nothing
 * about scaling), long enough that the runs, not process start-up, dominate the wall time.
 */
const COMPARE = {
  optimizers: 'gclip:lr=0.05,gamma=1;delta-gclip:lr=0.05,gamma=1,delta=0.1',
  epochs: 200,
  batchSize: 64,
  model: 'mlp:hidden=512x512',
} as const;

/** Wall seconds of `deltaclip compare` on the wasm backend with `workers` worker processes, and the steps of each run. */
function compareSeconds(workers: number, out: string): { seconds: number; steps: number } {
  const t0 = performance.now();
  run(
    process.execPath,
    [
      CLI,
      'compare',
      '--backend',
      'wasm',
      '--dataset',
      'cars',
      '--model',
      COMPARE.model,
      '--batch-size',
      String(COMPARE.batchSize),
      '--epochs',
      String(COMPARE.epochs),
      '--analysis-every',
      '0',
      '--seeds',
      '1',
      '--optimizers',
      COMPARE.optimizers,
      '--workers',
      String(workers),
      '--out',
      out,
      '--overwrite',
      '--json',
    ],
    `compare --workers ${workers}`,
  );
  const seconds = (performance.now() - t0) / 1000;
  const steps = assertEveryRunFinished(join(out, 'results.json'), `compare --workers ${workers}`);
  return { seconds, steps };
}

/** The steps every run of a compare job ran; throws unless all ran all their steps (none diverged or failed). */
function assertEveryRunFinished(resultsFile: string, what: string): number {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
    runs: { status: string; summary: { label: string; steps: number; diverged: unknown } }[];
  };
  const steps = results.runs.map((r) => r.summary.steps);
  const short = results.runs.filter(
    (r) =>
      r.status !== 'done' || r.summary.diverged !== null || r.summary.steps !== Math.max(...steps),
  );
  if (short.length > 0) {
    throw new Error(
      `${what}: ${short.map((r) => `${r.summary.label} (${r.status}, ${r.summary.steps} steps)`).join(', ')} did not run every step, so the wall time would not measure 2 runs side by side; change COMPARE in suites/threads.ts`,
    );
  }
  return Math.max(...steps);
}

const medianOf = (rates: readonly Rate[], key: 'samplesPerSecond' | 'samplesPerCpuSecond') =>
  median(rates.map((r) => r[key]));

export const threads: Suite = {
  id: 'threads',
  title: 'Threads: one training run on 1 and 2 wasm threads, against PyTorch CPU',
  async run() {
    const loadBefore = loadavg()[0]!;
    const torch = probeTorch();
    const hasTorch = 'version' in torch;
    if (!hasTorch) console.log(`threads: PyTorch columns skipped: ${torch.reason}`);
    const configs = [
      { key: 'wasm1', measure: (w: ThreadsWorkload) => wasmRate(w, 1) },
      { key: 'wasm2', measure: (w: ThreadsWorkload) => wasmRate(w, 2) },
      ...(hasTorch
        ? [
            { key: 'torch1', measure: (w: ThreadsWorkload) => torchRate(w, 1) },
            { key: 'torch2', measure: (w: ThreadsWorkload) => torchRate(w, 2) },
          ]
        : []),
    ];
    const rows: (string | number)[][] = [];
    const variants = new Set<string>();
    const blas = new Set<string>();
    for (const workload of ['mlp', 'cnn'] as const) {
      const rates: Record<string, Rate[]> = Object.fromEntries(configs.map((c) => [c.key, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const config of configs) {
          const rate = config.measure(workload);
          console.log(
            `threads: ${workload} ${config.key} round ${round + 1}: ${JSON.stringify(rate)}`,
          );
          if (rate.variant !== undefined) variants.add(`${rate.variant} on ${rate.threads}`);
          if (rate.blas !== undefined) blas.add(rate.blas);
          rates[config.key]!.push(rate);
        }
      }
      const sps = (key: string) => medianOf(rates[key]!, 'samplesPerSecond');
      const cps = (key: string) => medianOf(rates[key]!, 'samplesPerCpuSecond');
      const model =
        workload === 'mlp'
          ? 'MLP 784-256-256-10, batch 128'
          : 'CNN 28x28x1 (reference, benchmark preset), batch 32';
      const torchCells = (f: (key: string) => number) =>
        hasTorch ? [fmt(f('torch1')), fmt(f('torch2'))] : ['n/a', 'n/a'];
      const vsTorch = (f: (key: string) => number, key: string) =>
        hasTorch ? `${fmt(f(key) / f('torch1'))}x` : 'n/a';
      rows.push([
        model,
        'samples/s',
        fmt(sps('wasm1')),
        fmt(sps('wasm2')),
        `${fmt(sps('wasm2') / sps('wasm1'))}x`,
        ...torchCells(sps),
        vsTorch(sps, 'wasm2'),
      ]);
      rows.push([
        '',
        'samples per CPU-second',
        fmt(cps('wasm1')),
        fmt(cps('wasm2')),
        `${fmt(cps('wasm2') / cps('wasm1'))}x`,
        ...torchCells(cps),
        vsTorch(cps, 'wasm2'),
      ]);
    }

    const scratch = mkdtempSync(join(tmpdir(), 'deltaclip-bench-threads-'));
    const compare: Record<number, number[]> = { 1: [], 2: [] };
    let compareSteps = 0;
    try {
      for (let round = 0; round < 2; round++) {
        for (const workers of [1, 2]) {
          const { seconds, steps } = compareSeconds(workers, join(scratch, `w${workers}`));
          compareSteps = steps;
          console.log(
            `threads: compare --workers ${workers} round ${round + 1}: ${fmt(seconds)} s`,
          );
          compare[workers]!.push(seconds);
        }
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const serial = median(compare[1]!);
    const parallel = median(compare[2]!);
    const cores = availableParallelism();
    const loadAfter = loadavg()[0]!;

    return [
      `${cores} logical cores; 1-minute load average ${fmt(loadBefore, 2)} at the start, ${fmt(loadAfter, 2)} at the end (the`,
      'benchmark itself keeps one or two cores busy; more means other processes shared them). Load can',
      'vary within a run, so read the ratios (alternating rounds) before the absolute rates. A threaded kernel waits for every',
      "thread's share, so when other processes hold the cores each such kernel waits for a descheduled",
      'thread: multi-threaded rows (wasm and PyTorch alike) suffer most from a loaded machine.',
      `wasm = tfjs-backend-wasm 4.22.0 through @deltaclip/backend-wasm (${[...variants].join(', ')} thread(s)); PyTorch ${hasTorch ? `${torch.version} (Debian python3-torch, ${PYTHON}), torch.set_num_threads(n) and OPENBLAS_NUM_THREADS=n, BLAS: ${[...blas].join(', ')}` : `skipped: ${torch.reason}`}.`,
      '',
      `Training throughput: each cell the median of ${ROUNDS} rounds, each round one fresh process per`,
      `configuration (${WARMUP} warm-up steps, then ${STEPS.mlp} MLP / ${STEPS.cnn} CNN steps, each waiting for its`,
      'loss). One step = forward, backward and a δ-GClip update (eta 0.05, gamma 1, delta 0.1; PyTorch:',
      'the same rule written with torch.norm and p.add_). MLP: relu, softmax cross-entropy, fixed',
      'random batches; CNN: conv 3x3x16 same + relu, max pool 2, conv 3x3x32 stride 2, batch norm,',
      'leaky relu, avg pool, dense 10, cross-entropy. CPU-seconds: user + system time of the whole',
      'process (pthreads and intra-op threads included).',
      '',
      table(
        [
          'model',
          '',
          'wasm 1 thread',
          'wasm 2 threads',
          '2 / 1 threads',
          'PyTorch 1 thread',
          'PyTorch 2 threads',
          'wasm 2 threads / PyTorch 1 thread',
        ],
        rows,
      ),
      '',
      '`deltaclip compare` on the wasm backend, 2 runs (GClip and δ-GClip, 1 seed, both checked to',
      `run every step) of an MLP 6-512-512-1 on cars, batch ${COMPARE.batchSize}, ${COMPARE.epochs} epochs (${compareSteps} steps per run), analysis off; wall`,
      'time of the whole command (process start-up included), median of 2 alternating rounds. Serial runs get both',
      'cores as threads (scheduling.ts: max(1, floor(cores / runs at a time))); 2 workers 1 thread each.',
      '',
      table(
        ['', 'wall s', 'vs serial'],
        [
          ['--workers 1 (2 threads per run)', fmt(serial), '1x'],
          ['--workers 2 (1 thread per run)', fmt(parallel), `${fmt(serial / parallel)}x`],
        ],
      ),
    ].join('\n');
  },
};
