import { registerCpuKernels } from '@deltaclip/backend/internal';
import { registerWasmKernels } from '@deltaclip/backend-wasm';
import { deltaGClip } from '@deltaclip/core';
import {
  GUARDED_AXPY,
  HOST_GUARDED_AXPY,
  HOST_SELECT_BY_SCALAR,
  HOST_SUM_OF_SQUARES,
  SELECT_BY_SCALAR,
  SUM_OF_SQUARES,
} from '@deltaclip/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fmt, median, type Suite, table } from '../suite.js';

interface Row {
  backend: string;
  params: number;
  sgdMs: number;
  deltaGClipMs: number;
  deltaGClipCoreOnlyMs: number;
  deltaGClipFallbackMs: number;
}

/** Run `fn` with the named kernels of `backend` unregistered, then put them back. */
function without(names: readonly string[], backend: string, fn: () => number): number {
  const saved = names.map((n) => tf.getKernel(n, backend)).filter((k) => k !== undefined);
  for (const k of saved) tf.unregisterKernel(k.kernelName, backend);
  try {
    return fn();
  } finally {
    for (const k of saved) tf.registerKernel(k);
  }
}

const SHARED = [GUARDED_AXPY, SUM_OF_SQUARES, SELECT_BY_SCALAR];
const HOST = [HOST_GUARDED_AXPY, HOST_SUM_OF_SQUARES, HOST_SELECT_BY_SCALAR];

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
  const samples = {
    sgd: [] as number[],
    dg: [] as number[],
    coreOnly: [] as number[],
    fallback: [] as number[],
  };
  // Let core register its own host-memory kernels before any are taken away below.
  without(SHARED, backend, () => timeSteps(() => dg.applyGradients(grads), sync, 1));
  // Interleave round by round so that machine noise hits all variants alike.
  for (let r = 0; r < rounds; r++) {
    samples.sgd.push(timeSteps(() => sgd.applyGradients(grads), sync, reps));
    samples.dg.push(timeSteps(() => dg.applyGradients(grads), sync, reps));
    // Only @deltaclip/core on the stock backend: core's own host-memory kernels.
    samples.coreOnly.push(
      without(SHARED, backend, () => timeSteps(() => dg.applyGradients(grads), sync, reps)),
    );
    // No fused kernel at all (plain tfjs ops), as on a backend neither package knows.
    samples.fallback.push(
      without([...SHARED, ...HOST], backend, () =>
        timeSteps(() => dg.applyGradients(grads), sync, reps),
      ),
    );
  }
  sgd.dispose();
  dg.dispose();
  tf.dispose([...vars, ...Object.values(grads)]);
  return {
    backend,
    params,
    sgdMs: median(samples.sgd),
    deltaGClipMs: median(samples.dg),
    deltaGClipCoreOnlyMs: median(samples.coreOnly),
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
      'δ-GClip runs with its defaults (non-finite guard on, telemetry on). "with @deltaclip/backend"',
      'uses its fused kernels (wasm: SIMD); "core only, stock backend" is what a user with only',
      '@deltaclip/core and tfjs\'s own backend gets (core\'s own one-pass kernels); "plain ops" is the',
      'same optimizer with no fused kernel at all (a backend neither package knows).',
      '',
      table(
        [
          'backend',
          'parameters',
          'sgd ms',
          'δ-GClip with @deltaclip/backend ms',
          'ratio',
          'δ-GClip core only, stock backend ms',
          'ratio',
          'δ-GClip plain ops ms',
          'ratio',
        ],
        rows.map((r) => [
          r.backend,
          `${r.params / 1e6}M`,
          fmt(r.sgdMs),
          fmt(r.deltaGClipMs),
          `${fmt(r.deltaGClipMs / r.sgdMs)}x`,
          fmt(r.deltaGClipCoreOnlyMs),
          `${fmt(r.deltaGClipCoreOnlyMs / r.sgdMs)}x`,
          fmt(r.deltaGClipFallbackMs),
          `${fmt(r.deltaGClipFallbackMs / r.sgdMs)}x`,
        ]),
      ),
    ].join('\n');
  },
};
