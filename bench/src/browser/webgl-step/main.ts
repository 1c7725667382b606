/**
 * The optimizer-step benchmark's webgl rows, in the page: tf.train.sgd vs δ-GClip with only
 * @deltaclip/core on tfjs's own WebGL backend (core's own webgl kernels: a fused square and
 * partial-sum shader for the norm, one guarded-update shader). Same problem as the Node rows;
 * the result goes to `window.__result`.
 */
import { deltaGClip } from '@deltaclip/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { median, stepSamples } from '../../stats.js';
import { stepProblem } from './problem.js';

export interface WebglRow {
  params: number;
  sgdMs: number;
  deltaGClipCoreOnlyMs: number;
  /** The fastest sample of each: the least disturbed step on a shared machine. */
  best: { sgdMs: number; deltaGClipCoreOnlyMs: number };
}

async function measure(params: number, rounds: number, reps: number): Promise<WebglRow> {
  const problem = stepProblem(params, 'bench_webgl');
  const { grads, sync } = problem;
  const sgd = tf.train.sgd(0.01);
  const dg = deltaGClip({ learningRate: 0.01, gamma: 1, delta: 1e-3 });
  const sgdMs: number[] = [];
  const dgMs: number[] = [];
  // Interleaved round by round so that machine noise hits both alike; every step is a sample.
  for (let r = 0; r < rounds; r++) {
    sgdMs.push(...stepSamples(() => sgd.applyGradients(grads), sync, reps));
    dgMs.push(...stepSamples(() => dg.applyGradients(grads), sync, reps));
  }
  sgd.dispose();
  dg.dispose();
  problem.dispose();
  return {
    params,
    sgdMs: median(sgdMs),
    deltaGClipCoreOnlyMs: median(dgMs),
    best: { sgdMs: Math.min(...sgdMs), deltaGClipCoreOnlyMs: Math.min(...dgMs) },
  };
}

const page = globalThis as { __result?: unknown };
try {
  await tf.setBackend('webgl');
  await tf.ready();
  const gl = document.createElement('canvas').getContext('webgl2');
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  const renderer = info ? String(gl!.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown';
  const rows: WebglRow[] = [];
  for (const params of [1_000_000, 10_000_000]) {
    rows.push(await measure(params, params > 5e6 ? 6 : 12, params > 5e6 ? 3 : 5));
  }
  page.__result = { rows, renderer, backend: tf.getBackend() };
} catch (error) {
  page.__result = { error: String(error) };
}
