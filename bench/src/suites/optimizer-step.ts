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
import { build } from 'vite';
import type { WebglRow } from '../browser/webgl-step/main.js';
import { timeSteps } from '../stats.js';
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
    const webgl = await measureWebgl();
    const webglRows = typeof webgl === 'string' ? [] : webgl.rows;
    return [
      'Same four variables and gradients; median time of one step including the wait for its result.',
      'δ-GClip runs with its defaults (non-finite guard on, telemetry on). "with @deltaclip/backend"',
      'uses its fused kernels (wasm: SIMD); "core only, stock backend" is what a user with only',
      '@deltaclip/core and tfjs\'s own backend gets (core\'s own one-pass kernels); "plain ops" is the',
      'same optimizer with no fused kernel at all (a backend neither package knows).',
      typeof webgl === 'string'
        ? `webgl rows not measured: ${webgl}.`
        : `webgl: tfjs-backend-webgl in headless Chromium (${webgl.renderer}: software rendering, so only the ratio transfers to a real GPU); @deltaclip/backend has no webgl kernels, so only the core-only column applies.`,
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
          ])
          .concat(
            webglRows.map((r) => [
              'webgl',
              `${r.params / 1e6}M`,
              fmt(r.sgdMs),
              'n/a',
              'n/a',
              fmt(r.deltaGClipCoreOnlyMs),
              `${fmt(r.deltaGClipCoreOnlyMs / r.sgdMs)}x`,
              'n/a',
              'n/a',
            ]),
          ),
      ),
    ].join('\n');
  },
};
