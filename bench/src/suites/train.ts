import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBackend, useBackend } from '@deltaclip/backend';
import { wasmBackend } from '@deltaclip/backend-wasm';
import { adam, deltaGClip } from '@deltaclip/core';
import { teacherStudent } from '@deltaclip/datasets';
import { createModel, squareLoss } from '@deltaclip/models';
import * as tf from '@tensorflow/tfjs-core';
import { fmt, median, type Suite, table } from '../suite.js';

/** Steps per measurement: the cpu backend runs an MLP of this size at about 100 samples/s. */
const STEPS: Readonly<Record<'cpu' | 'wasm', number>> = { cpu: 5, wasm: 20 };
const BATCH = 256;

/** Samples per second of `steps` training steps (forward, backward, update), waiting at the end. */
function throughput(steps: number, step: () => void, sync: () => void): number {
  step();
  sync();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  sync();
  return (steps * BATCH) / ((performance.now() - t0) / 1000);
}

async function optimizerThroughput(backend: 'cpu' | 'wasm') {
  await useBackend(backend === 'cpu' ? cpuBackend : wasmBackend);
  const data = teacherStudent({
    numSamples: BATCH,
    inputDim: 64,
    hiddenWidths: [64],
    seed: 1,
  }).dataset;
  const { x, y } = data.toTensors();
  const model = createModel({
    kind: 'mlp',
    inputSize: 64,
    hidden: [1024, 1024],
    outputSize: 1,
    seed: 1,
    prefix: `bench_train_${backend}`,
  });
  const initial = model.getWeights();
  const optimizers: [string, () => tf.Optimizer][] = [
    ['tf.train.sgd', () => tf.train.sgd(0.01)],
    ['δ-GClip', () => deltaGClip({ learningRate: 0.01, gamma: 1, delta: 1e-3 })],
    ['tf.train.adam', () => tf.train.adam(1e-3)],
    ['deltaclip adam', () => adam({ learningRate: 1e-3 })],
  ];
  const samples = new Map<string, number[]>(optimizers.map(([n]) => [n, []]));
  const loss = () => squareLoss(model.apply(x), y, { reduction: 'mean', half: true });
  for (let round = 0; round < 3; round++) {
    for (const [name, make] of optimizers) {
      model.setWeights(initial);
      const optimizer = make();
      const step = () =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(loss, model.variables as tf.Variable[]);
          optimizer.applyGradients(grads);
          value.dispose();
        });
      samples
        .get(name)!
        .push(throughput(STEPS[backend], step, () => model.variables[0]!.dataSync()));
      optimizer.dispose();
    }
  }
  tf.dispose([x, y]);
  const params = model.parameterCount;
  model.dispose();
  const rate = (name: string) => median(samples.get(name)!);
  return { backend, params, rate };
}

function cliPath(): string {
  return join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    'apps',
    'cli',
    'dist',
    'cli.js',
  );
}

function compareWallTime(workers: number, out: string): number {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [cliPath(), 'compare', '--workers', String(workers), '--out', out, '--json'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`deltaclip compare failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

export const train: Suite = {
  id: 'train',
  title: 'Training: optimizer throughput and parallel comparisons',
  async run() {
    const rows: string[][] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      const { params, rate } = await optimizerThroughput(backend);
      const sgd = rate('tf.train.sgd');
      for (const name of ['tf.train.sgd', 'δ-GClip', 'tf.train.adam', 'deltaclip adam']) {
        rows.push([backend, name, fmt(rate(name)), `${fmt(rate(name) / sgd)}x`, String(params)]);
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'deltaclip-bench-'));
    let serial: number;
    let parallel: number;
    try {
      serial = compareWallTime(1, join(dir, 'serial'));
      parallel = compareWallTime(2, join(dir, 'parallel'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return [
      `Throughput: an MLP 64-1024-1024-1 on batches of ${BATCH}, ${STEPS.cpu} (cpu) or ${STEPS.wasm} (wasm) steps of forward, backward and update, median of 3 interleaved rounds; δ-GClip with its defaults (guard and telemetry on).`,
      '',
      table(['backend', 'optimizer', 'samples/s', 'vs tf.train.sgd', 'parameters'], rows),
      '',
      '`deltaclip compare` (the main job: 4 optimizers, 400 full-batch steps, PL* every 20 steps), whole command wall time including process start-up:',
      '',
      table(
        ['workers', 'wall s', 'speed-up'],
        [
          ['1 (serial)', fmt(serial), '1x'],
          ['2 (parallel)', fmt(parallel), `${fmt(serial / parallel)}x`],
        ],
      ),
    ].join('\n');
  },
};
