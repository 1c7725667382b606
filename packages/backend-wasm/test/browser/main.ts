// A page bundled by Vite from the built packages, as an application would: useBackend(wasmBackend)
// with the .wasm files located automatically, then the reference trainings on wasm and on cpu, and
// the reference MLP against the float64 JavaScript reference.
import { cpuBackend, doctor, formatDoctorReport, useBackend } from '@deltaclip/backend';
import {
  float64MlpLossCurve,
  type ReferenceModel,
  referenceLossCurve,
  referenceMlpSetup,
} from '@deltaclip/backend/workloads';
import * as tf from '@tensorflow/tfjs-core';
import { wasmBackend } from '../../dist/index.js';

const STEPS: Record<ReferenceModel, number> = { mlp: 50, cnn: 20, embedding: 20 };

async function curves(): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [model, steps] of Object.entries(STEPS)) {
    out[model] = await referenceLossCurve(model as ReferenceModel, steps);
  }
  return out;
}

/** GFLOP/s of a 512 x 512 float32 matMul on the active backend (median of 9). */
async function matMulGflops(): Promise<number> {
  const a = tf.randomUniform([512, 512], -1, 1, 'float32', 1);
  const b = tf.randomUniform([512, 512], -1, 1, 'float32', 2);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i > 0) times.push(performance.now() - t0);
  }
  tf.dispose([a, b]);
  times.sort((x, y) => x - y);
  return (2 * 512 ** 3) / (times[4]! / 1000) / 1e9;
}

async function main() {
  const threads = Number(new URLSearchParams(location.search).get('threads') ?? '') || undefined;
  const availability = await wasmBackend.availability();
  const info = await useBackend(wasmBackend, threads === undefined ? {} : { threads });
  const gflops = await matMulGflops();
  const started = performance.now();
  const wasm = await curves();
  const wasmSeconds = (performance.now() - started) / 1000;
  const report = await doctor([wasmBackend, cpuBackend]);
  await useBackend(cpuBackend);
  const cpu = await curves();
  const maxRelative: Record<string, number> = {};
  for (const model of Object.keys(STEPS)) {
    maxRelative[model] = Math.max(
      ...wasm[model]!.map((x, i) => Math.abs(x - cpu[model]![i]!) / Math.abs(cpu[model]![i]!)),
    );
  }
  const { problem, deltaGClip } = referenceMlpSetup();
  const float64 = float64MlpLossCurve(problem, deltaGClip, STEPS.mlp);
  const mlpVsFloat64 = Math.max(
    ...wasm.mlp!.map((x, i) => Math.abs(x - float64[i]!) / Math.abs(float64[i]!)),
  );
  return {
    mlpVsFloat64,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    availability,
    info,
    tfBackendAfter: tf.getBackend(),
    wasmSeconds,
    gflops,
    losses: Object.fromEntries(Object.entries(wasm).map(([m, c]) => [m, [c[0], c.at(-1)]])),
    maxRelative,
    doctor: { text: formatDoctorReport(report), backends: report.backends },
  };
}

const target = window as unknown as { __result?: unknown };
main().then(
  (result) => {
    target.__result = result;
  },
  (error: unknown) => {
    target.__result = {
      error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
    };
  },
);
