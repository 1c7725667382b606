import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerCpuKernels } from '@deltaclip/backend/internal';
import { registerWasmKernels } from '@deltaclip/backend-wasm';
import {
  chromiumMissing,
  launchChromium,
  pageResult,
  serveStatic,
} from '@deltaclip/browser-harness';
import { deltaGClip } from '@deltaclip/core';
import {
  DELTA_GCLIP_SCALARS,
  GLOBAL_SUM_OF_SQUARES,
  GUARDED_AXPY,
  HOST_DELTA_GCLIP_SCALARS,
  HOST_GLOBAL_SUM_OF_SQUARES,
  HOST_GUARDED_AXPY,
  HOST_SELECT_BY_SCALAR,
  HOST_SUM_OF_SQUARES,
  HOST_TELEMETRY_STEP,
  SELECT_BY_SCALAR,
  SUM_OF_SQUARES,
  TELEMETRY_STEP,
} from '@deltaclip/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { build } from 'vite';
import type { WebglRow } from '../browser/webgl-step/main.js';
import { stepProblem } from '../browser/webgl-step/problem.js';
import { stepSamples, timeSteps } from '../stats.js';
import { fmt, median, type Suite, table } from '../suite.js';

interface Row {
  backend: string;
  params: number;
  sgdMs: number;
  deltaGClipMs: number;
  deltaGClipCoreOnlyMs: number;
  deltaGClipFallbackMs: number;
  floorMs: number;
  /** The fastest sample of each: the least disturbed step on a shared machine. */
  best: { sgdMs: number; deltaGClipMs: number; deltaGClipCoreOnlyMs: number; floorMs: number };
}

/** Run `fn` with the named kernels of `backend` unregistered, then put them back. */
function without<T>(names: readonly string[], backend: string, fn: () => T): T {
  const saved = names.map((n) => tf.getKernel(n, backend)).filter((k) => k !== undefined);
  for (const k of saved) tf.unregisterKernel(k.kernelName, backend);
  try {
    return fn();
  } finally {
    for (const k of saved) tf.registerKernel(k);
  }
}

const SHARED = [
  GUARDED_AXPY,
  SUM_OF_SQUARES,
  GLOBAL_SUM_OF_SQUARES,
  SELECT_BY_SCALAR,
  DELTA_GCLIP_SCALARS,
  TELEMETRY_STEP,
];
const HOST = [
  HOST_GUARDED_AXPY,
  HOST_SUM_OF_SQUARES,
  HOST_GLOBAL_SUM_OF_SQUARES,
  HOST_SELECT_BY_SCALAR,
  HOST_DELTA_GCLIP_SCALARS,
  HOST_TELEMETRY_STEP,
];

/**
 * The memory floor of a step over these sizes: the bytes a δ-GClip step must move (read g for the
 * norm, read g and w, write w: 16 bytes per parameter) moved by two plain copies per variable
 * (Float32Array.set, a memmove: 8 bytes read and written per parameter each).
 */
function copyFloor(sizes: readonly number[]): { step(): void; sync(): void } {
  const pairs = sizes.map((n) => [new Float32Array(n).fill(1), new Float32Array(n)] as const);
  return {
    step() {
      for (const [a, b] of pairs) {
        b.set(a);
        a.set(b);
      }
    },
    sync() {},
  };
}

async function measure(
  backend: string,
  params: number,
  rounds: number,
  reps: number,
): Promise<Row> {
  await tf.setBackend(backend);
  await tf.ready();
  const problem = stepProblem(params, `bench_${backend}`);
  const { grads, sync } = problem;
  const sgd = tf.train.sgd(0.01);
  const dg = deltaGClip({ learningRate: 0.01, gamma: 1, delta: 1e-3 });
  const floor = copyFloor(problem.sizes);
  const samples = {
    sgd: [] as number[],
    dg: [] as number[],
    coreOnly: [] as number[],
    fallback: [] as number[],
    floor: [] as number[],
  };
  // Let core register its own kernels before any are taken away below.
  without(SHARED, backend, () => timeSteps(() => dg.applyGradients(grads), sync, 1));
  // Interleave round by round so that machine noise hits all variants alike.
  for (let r = 0; r < rounds; r++) {
    samples.floor.push(...stepSamples(floor.step, floor.sync, reps));
    samples.sgd.push(...stepSamples(() => sgd.applyGradients(grads), sync, reps));
    samples.dg.push(...stepSamples(() => dg.applyGradients(grads), sync, reps));
    // Only @deltaclip/core on the stock backend: core's own kernels.
    samples.coreOnly.push(
      ...without(SHARED, backend, () => stepSamples(() => dg.applyGradients(grads), sync, reps)),
    );
    // No fused kernel at all (plain tfjs ops), as on a backend neither package knows.
    samples.fallback.push(
      ...without([...SHARED, ...HOST], backend, () =>
        stepSamples(() => dg.applyGradients(grads), sync, reps),
      ),
    );
  }
  sgd.dispose();
  dg.dispose();
  problem.dispose();
  const best = (xs: number[]) => Math.min(...xs);
  return {
    backend,
    params,
    sgdMs: median(samples.sgd),
    deltaGClipMs: median(samples.dg),
    deltaGClipCoreOnlyMs: median(samples.coreOnly),
    deltaGClipFallbackMs: median(samples.fallback),
    floorMs: median(samples.floor),
    best: {
      sgdMs: best(samples.sgd),
      deltaGClipMs: best(samples.dg),
      deltaGClipCoreOnlyMs: best(samples.coreOnly),
      floorMs: best(samples.floor),
    },
  };
}

/** The page's source folder (Vite bundles the TypeScript itself). */
const WEBGL_PAGE = fileURLToPath(new URL('../../src/browser/webgl-step/', import.meta.url));

/**
 * The webgl rows, measured in headless Chromium (WebGL2 on SwiftShader here: software, so the
 * absolute times say little about a real GPU; the ratio is what the row is for).
 */
async function measureWebgl(): Promise<{ rows: WebglRow[]; renderer: string } | string> {
  const missing = chromiumMissing();
  if (missing !== undefined) return missing;
  const outDir = mkdtempSync(join(tmpdir(), 'deltaclip-bench-webgl-'));
  try {
    await build({
      root: WEBGL_PAGE,
      configFile: false,
      logLevel: 'error',
      build: { outDir, emptyOutDir: true, target: 'es2022' },
    });
    const server = await serveStatic(outDir);
    const browser = await launchChromium();
    try {
      const { result } = await pageResult<
        { rows: WebglRow[]; renderer: string; backend: string } | { error: string }
      >(browser, server.url, 600_000);
      if ('error' in result) return `the webgl page failed: ${result.error}`;
      if (result.backend !== 'webgl') return `the page ran on ${result.backend}, not webgl`;
      return result;
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** A webgl row's first cells (only the core-only column applies there), from median or best times. */
function webglCells(params: number, t: { sgdMs: number; deltaGClipCoreOnlyMs: number }): string[] {
  return [
    'webgl',
    `${params / 1e6}M`,
    fmt(t.sgdMs),
    'n/a',
    'n/a',
    fmt(t.deltaGClipCoreOnlyMs),
    `${fmt(t.deltaGClipCoreOnlyMs / t.sgdMs)}x`,
  ];
}

/** Comma-separated backends to measure (default all), e.g. `OPTIMIZER_STEP_BACKENDS=webgl`. */
const BACKENDS_VAR = 'OPTIMIZER_STEP_BACKENDS';
const ALL_BACKENDS = ['cpu', 'wasm', 'webgl'];

function backendsToRun(): string[] {
  const value = process.env[BACKENDS_VAR];
  if (value === undefined || value.trim() === '') return ALL_BACKENDS;
  const wanted = value.split(',').map((b) => b.trim());
  const unknown = wanted.filter((b) => !ALL_BACKENDS.includes(b));
  if (unknown.length > 0) {
    throw new RangeError(
      `${BACKENDS_VAR} names unknown backend(s) ${unknown.join(', ')} (got '${value}'; use a comma-separated subset of ${ALL_BACKENDS.join(',')})`,
    );
  }
  return wanted;
}

export const optimizerStep: Suite = {
  id: 'optimizer-step',
  title: 'One optimizer step: δ-GClip vs tf.train.sgd',
  async run() {
    registerCpuKernels();
    registerWasmKernels();
    const rows: Row[] = [];
    const only = backendsToRun();
    for (const backend of ['cpu', 'wasm'].filter((b) => only.includes(b))) {
      for (const params of [1_000_000, 10_000_000]) {
        const big = params > 5e6;
        rows.push(await measure(backend, params, big ? 3 : 5, big ? 5 : 7));
      }
    }
    const webgl = only.includes('webgl')
      ? await measureWebgl()
      : `left out by ${BACKENDS_VAR}=${process.env[BACKENDS_VAR]}`;
    const webglRows = typeof webgl === 'string' ? [] : webgl.rows;
    return [
      'Same four variables and gradients; median time of one step including the wait for its result',
      '(a read of one value of the last variable updated). δ-GClip runs with its defaults (non-finite',
      'guard on, telemetry on). "with @deltaclip/backend" uses the kernels that package registers under',
      'the shared names; "core only, stock backend" is what a user with only @deltaclip/core and',
      "tfjs's own backend gets (core's own kernels under core's names; both are the one implementation",
      'in @deltaclip/core, WebAssembly SIMD and in place on wasm); "plain ops" is the same optimizer with no fused kernel at',
      'all (a backend neither package knows). "copy floor" moves the bytes a step must move (read g for',
      'the norm, read g and w, write w: 16 bytes per parameter) with two Float32Array.set copies per',
      'variable, in the same rounds. The machine was shared with other jobs (noisy).',
      typeof webgl === 'string'
        ? `webgl rows not measured: ${webgl}.`
        : `webgl: tfjs-backend-webgl in headless Chromium (${webgl.renderer}: software rendering: a real GPU moves the full-size passes far faster, so there the fixed cost of each small pass weighs more); @deltaclip/backend has no webgl kernels, so only the core-only column applies.`,
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
          'copy floor ms',
          'δ-GClip (backend) / floor',
        ],
        rows
          .map((r) => [
            r.backend,
            `${r.params / 1e6}M`,
            fmt(r.sgdMs),
            fmt(r.deltaGClipMs),
            `${fmt(r.deltaGClipMs / r.sgdMs)}x`,
            fmt(r.deltaGClipCoreOnlyMs),
            `${fmt(r.deltaGClipCoreOnlyMs / r.sgdMs)}x`,
            fmt(r.deltaGClipFallbackMs),
            `${fmt(r.deltaGClipFallbackMs / r.sgdMs)}x`,
            fmt(r.floorMs),
            `${fmt(r.deltaGClipMs / r.floorMs)}x`,
          ])
          .concat(webglRows.map((r) => [...webglCells(r.params, r), 'n/a', 'n/a', 'n/a', 'n/a'])),
      ),
      '',
      'The same runs, fastest sample of each (every sample above is one step; on a machine shared with',
      "other jobs the fastest is the least disturbed, closest to the code's own cost):",
      '',
      table(
        [
          'backend',
          'parameters',
          'sgd ms',
          'δ-GClip with @deltaclip/backend ms',
          'ratio',
          'δ-GClip core only ms',
          'ratio',
          'copy floor ms',
          'δ-GClip (backend) / floor',
        ],
        rows
          .map(({ backend, params, best: b }) => [
            backend,
            `${params / 1e6}M`,
            fmt(b.sgdMs),
            fmt(b.deltaGClipMs),
            `${fmt(b.deltaGClipMs / b.sgdMs)}x`,
            fmt(b.deltaGClipCoreOnlyMs),
            `${fmt(b.deltaGClipCoreOnlyMs / b.sgdMs)}x`,
            fmt(b.floorMs),
            `${fmt(b.deltaGClipMs / b.floorMs)}x`,
          ])
          .concat(webglRows.map((r) => [...webglCells(r.params, r.best), 'n/a', 'n/a'])),
      ),
    ].join('\n');
  },
};
