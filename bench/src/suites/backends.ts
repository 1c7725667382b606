import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { cpuBackend, type SelectedBackend, useBackend } from '@deltaclip/backend';
import {
  createReferenceTraining,
  type ReferenceModel,
  type ReferenceTraining,
} from '@deltaclip/backend/workloads';
import { wasmBackend } from '@deltaclip/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { fmt, median, type Suite, table } from '../suite.js';

interface TrainingRow {
  model: ReferenceModel;
  batchSize: number;
  parameters: number;
  samplesPerSecond: Record<string, number>;
}

/** Seconds for `steps` training steps, each waiting for its loss (so the work is done). */
async function timeSteps(run: ReferenceTraining, steps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const loss = run.step();
    await loss.data();
    loss.dispose();
  }
  return (performance.now() - t0) / 1000;
}

/** Training throughput of a reference model on cpu and wasm, measured in interleaved rounds. */
async function trainingRow(
  model: ReferenceModel,
  steps: Record<string, number>,
): Promise<TrainingRow> {
  const runs: Record<string, ReferenceTraining> = {};
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    runs[backend] = createReferenceTraining(model, { preset: 'benchmark' });
    await timeSteps(runs[backend]!, 2); // warm-up
  }
  const rates: Record<string, number[]> = { cpu: [], wasm: [] };
  for (let round = 0; round < 3; round++) {
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const seconds = await timeSteps(runs[backend]!, steps[backend]!);
      rates[backend]!.push((steps[backend]! * runs[backend]!.batchSize) / seconds);
    }
  }
  const { batchSize, parameterCount } = runs.cpu!;
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    runs[backend]!.dispose();
  }
  return {
    model,
    batchSize,
    parameters: parameterCount,
    samplesPerSecond: { cpu: median(rates.cpu!), wasm: median(rates.wasm!) },
  };
}

/** GFLOP/s of an n x n float32 matMul on the active backend (median of timed repetitions). */
async function matMulGflops(n: number): Promise<number> {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const once = async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  };
  await once();
  const reps = Math.max(3, Math.min(50, Math.round(2e9 / (2 * n ** 3))));
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await once();
    times.push((performance.now() - t0) / 1000);
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / median(times) / 1e9;
}

const NUMPY_MATMUL = `
import json, sys, time
import numpy as np
out = {}
for n in [int(s) for s in sys.argv[1:]]:
    a = np.random.rand(n, n).astype(np.float32)
    b = np.random.rand(n, n).astype(np.float32)
    a @ b
    reps = max(3, min(50, round(2e9 / (2 * n ** 3))))
    times = []
    for _ in range(reps):
        t = time.perf_counter(); a @ b; times.append(time.perf_counter() - t)
    out[n] = 2 * n ** 3 / sorted(times)[len(times) // 2] / 1e9
print(json.dumps(out))
`;

/**
 * The machine's float32 matMul ceiling, from numpy's BLAS (OpenBLAS in Debian's python3-numpy or
 * numpy's wheels) on `threads` threads; undefined when python3 with numpy is not installed.
 */
function blasGflops(sizes: readonly number[], threads: number): Record<number, number> | undefined {
  const result = spawnSync('python3', ['-c', NUMPY_MATMUL, ...sizes.map(String)], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      OPENBLAS_NUM_THREADS: String(threads),
      OMP_NUM_THREADS: String(threads),
    },
  });
  if (result.status !== 0) return undefined;
  try {
    return JSON.parse(result.stdout) as Record<number, number>;
  } catch {
    return undefined;
  }
}

function describeBackend(info: SelectedBackend): string {
  return `${info.name} (${info.variant}, ${info.threads} thread${info.threads === 1 ? '' : 's'}, ${Object.entries(
    info.versions,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')})`;
}

export const backends: Suite = {
  id: 'backends',
  title: 'Backends: training throughput on cpu vs wasm, and wasm matMul against the machine',
  async run() {
    const cpuInfo = await useBackend(cpuBackend);
    const wasmInfo = await useBackend(wasmBackend);
    const rows: TrainingRow[] = [];
    rows.push(await trainingRow('mlp', { cpu: 3, wasm: 20 }));
    rows.push(await trainingRow('cnn', { cpu: 2, wasm: 10 }));
    rows.push(await trainingRow('embedding', { cpu: 3, wasm: 10 }));

    const sizes = [256, 512, 1024];
    const wasmRates: number[] = [];
    const cpuRates: number[] = [];
    for (const n of sizes) {
      await tf.setBackend('wasm');
      wasmRates.push(await matMulGflops(n));
      await tf.setBackend('cpu');
      cpuRates.push(n <= 512 ? await matMulGflops(n) : Number.NaN);
    }
    await tf.setBackend('wasm');
    const cores = cpus().length;
    const single = blasGflops(sizes, 1);
    const all = cores > 1 ? blasGflops(sizes, cores) : single;
    const na = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : fmt(x));

    return [
      `cpu = ${describeBackend(cpuInfo)}; wasm = ${describeBackend(wasmInfo)}.`,
      '',
      'Training: the reference models of `@deltaclip/backend/workloads` (benchmark preset), one δ-GClip step',
      'per batch, each step waiting for its loss; median of 3 rounds that alternate cpu and wasm. MLP',
      '784-256-256-10 (tanh/relu, square loss); CNN on 28x28x1: conv 3x3x16 same + relu, max pool 2,',
      'conv 3x3x32 stride 2, batch norm, leaky relu, avg pool, dense 10; embedding: 1000 x 64 table,',
      '32 tokens, layer norm, one attention head, dense 10.',
      '',
      table(
        ['model', 'batch', 'parameters', 'cpu samples/s', 'wasm samples/s', 'wasm / cpu'],
        rows.map((r) => [
          r.model,
          r.batchSize,
          r.parameters.toLocaleString('en-US'),
          fmt(r.samplesPerSecond.cpu!),
          fmt(r.samplesPerSecond.wasm!),
          `${fmt(r.samplesPerSecond.wasm! / r.samplesPerSecond.cpu!)}x`,
        ]),
      ),
      '',
      `matMul of two n x n float32 matrices, GFLOP/s (2n^3 / median time, result read back). The ceiling is`,
      `numpy's BLAS on this machine (${single === undefined ? 'python3 with numpy not found: n/a' : 'OpenBLAS via numpy'}), on 1 thread (what wasm uses in Node) and on ${cores}.`,
      '',
      table(
        [
          'n',
          'wasm GFLOP/s',
          'cpu GFLOP/s',
          'BLAS 1 thread',
          `BLAS ${cores} threads`,
          'wasm / BLAS 1 thread',
        ],
        sizes.map((n, i) => [
          n,
          fmt(wasmRates[i]!),
          na(cpuRates[i]),
          na(single?.[n]),
          na(all?.[n]),
          single?.[n] === undefined ? 'n/a' : `${fmt((100 * wasmRates[i]!) / single[n]!)}%`,
        ]),
      ),
    ].join('\n');
  },
};
