import { registerCpuKernels } from '@deltaclip/backend/internal';
import { registerWasmKernels } from '@deltaclip/backend-wasm';
import { deltaGClip } from '@deltaclip/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fmt, median, type Suite, table } from '../suite.js';

interface Row {
  backend: string;
  params: number;
  sgdMs: number;
  deltaGClipMs: number;
  deltaGClipFallbackMs: number;
}

/** Time `reps` steps after a warm-up; every step waits for the result (dataSync of a variable). */
function timeSteps(step: () => void, sync: () => void, reps: number): number {
  step();
  step();
  sync();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    step();
    sync();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function measure(
  backend: string,
  params: number,
  rounds: number,
  reps: number,
): Promise<Row> {
  await tf.setBackend(backend);
  await tf.ready();
  // Four variables, like a small network's layers, and one fixed gradient per variable.
  const sizes = [0.5, 0.25, 0.125, 0.125].map((f) => Math.round(f * params));
  const vars = sizes.map((n, i) =>
    tf.variable(tf.randomNormal([n], 0, 1, 'float32', i), true, `bench_${backend}_${params}_${i}`),
  );
  const grads = Object.fromEntries(
    vars.map((v, i) => [v.name, tf.randomNormal([sizes[i]!], 0, 0.01, 'float32', 10 + i)]),
  );
  const sgd = tf.train.sgd(0.01);
  const dg = deltaGClip({ learningRate: 0.01, gamma: 1, delta: 1e-3 });
  const sync = () => {
    vars[0]!.dataSync();
  };
  const samples = { sgd: [] as number[], dg: [] as number[], fallback: [] as number[] };
  // Interleave round by round so that machine noise hits all variants alike.
  for (let r = 0; r < rounds; r++) {
    samples.sgd.push(timeSteps(() => sgd.applyGradients(grads), sync, reps));
    samples.dg.push(timeSteps(() => dg.applyGradients(grads), sync, reps));
    // The same optimizer without deltaclip's fused kernels (plain tfjs ops).
    const saved = [
      tf.getKernel('DeltaClipGuardedAxpy', backend),
      tf.getKernel('DeltaClipSumOfSquares', backend),
    ];
    for (const k of saved) if (k) tf.unregisterKernel(k.kernelName, backend);
    samples.fallback.push(timeSteps(() => dg.applyGradients(grads), sync, reps));
    for (const k of saved) if (k) tf.registerKernel(k);
  }
  sgd.dispose();
  dg.dispose();
  tf.dispose([...vars, ...Object.values(grads)]);
  return {
    backend,
    params,
    sgdMs: median(samples.sgd),
    deltaGClipMs: median(samples.dg),
    deltaGClipFallbackMs: median(samples.fallback),
  };
}

export const optimizerStep: Suite = {
  id: 'optimizer-step',
  title: 'One optimizer step: δ-GClip vs tf.train.sgd',
  async run() {
    registerCpuKernels();
    registerWasmKernels();
    const rows: Row[] = [];
    for (const backend of ['cpu', 'wasm']) {
      for (const params of [1_000_000, 10_000_000]) {
        const big = params > 5e6;
        rows.push(await measure(backend, params, big ? 3 : 5, big ? 5 : 7));
      }
    }
    return [
      'Same four variables and gradients; median time of one step including the wait for its result.',
      'δ-GClip runs with its defaults (non-finite guard on, telemetry on). "without kernels" is the',
      "same optimizer on plain tfjs ops, i.e. without @deltaclip/backend's fused kernels.",
      '',
      table(
        [
          'backend',
          'parameters',
          'sgd ms',
          'δ-GClip ms',
          'ratio',
          'δ-GClip without kernels ms',
          'ratio',
        ],
        rows.map((r) => [
          r.backend,
          `${r.params / 1e6}M`,
          fmt(r.sgdMs),
          fmt(r.deltaGClipMs),
          `${fmt(r.deltaGClipMs / r.sgdMs)}x`,
          fmt(r.deltaGClipFallbackMs),
          `${fmt(r.deltaGClipFallbackMs / r.sgdMs)}x`,
        ]),
      ),
    ].join('\n');
  },
};
