import { ensureGradients } from '@deltaclip/backend';
import { squareLoss } from '@deltaclip/models';
import {
  gramMatrix,
  hessianVectorProduct,
  jacobianRows,
  type PlStarModel,
  symmetricSpectrum,
} from '@deltaclip/plstar';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fmt, median, type Suite, table } from '../suite.js';

// A 100k-parameter MLP: 100 -> 500 -> 100 -> 1 with relu (100,701 parameters), 128 samples.
const WIDTHS = [100, 500, 100, 1];
const SAMPLES = 128;
const HVPS = 20;

function mlp(backend: string): PlStarModel & { variables: tf.Variable[] } {
  const variables = tf.tidy(() =>
    WIDTHS.slice(1).flatMap((out, i) => {
      const fanIn = WIDTHS[i]!;
      return [
        tf.variable(
          tf.randomNormal([fanIn, out], 0, Math.sqrt(2 / fanIn), 'float32', i + 1),
          true,
          `bench_plstar_${backend}_W${i}`,
        ),
        tf.variable(tf.zeros([out]), true, `bench_plstar_${backend}_b${i}`),
      ];
    }),
  );
  return {
    variables,
    apply: (x) =>
      tf.tidy(() => {
        let h = x as tf.Tensor2D;
        for (let i = 0; i < variables.length; i += 2) {
          h = tf.add(tf.matMul(h, variables[i] as tf.Tensor2D), variables[i + 1]!);
          if (i + 2 < variables.length) h = tf.relu(h);
        }
        return h;
      }),
  };
}

interface Row {
  backend: string;
  params: number;
  gradientMs: number;
  jacobianMs: number;
  gramMs: number;
  eigenMs: number;
  fdMs: number;
  exactMs: number;
}

async function timed(fn: () => Promise<void> | void): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function measure(backend: string, rounds: number): Promise<Row> {
  await tf.setBackend(backend);
  await tf.ready();
  const model = mlp(backend);
  const x = tf.randomNormal([SAMPLES, WIDTHS[0]!], 0, 1, 'float32', 11);
  const y = tf.randomNormal([SAMPLES, 1], 0, 1, 'float32', 12);
  const lossFn = () =>
    tf.tidy(() => squareLoss(model.apply(x), y, { reduction: 'mean', half: true }));
  const vector = model.variables.map((v, i) => tf.randomNormal(v.shape, 0, 1, 'float32', 20 + i));
  const params = model.variables.reduce((s, v) => s + v.size, 0);

  // One full-batch gradient evaluation, waiting for its values like the kernel waits for its rows.
  const gradient = async () => {
    const flat = tf.tidy(() => {
      const { grads } = tf.variableGrads(lossFn, model.variables);
      return tf.concat(model.variables.map((v) => tf.reshape(grads[v.name]!, [-1])));
    });
    await flat.data();
    flat.dispose();
  };
  const hvps = (method: 'finite-difference' | 'exact') => async () => {
    for (let i = 0; i < HVPS; i++) {
      const hv = hessianVectorProduct(lossFn, model.variables, vector, { method });
      await hv[0]!.data();
      tf.dispose(hv);
    }
  };

  await gradient();
  await hvps('finite-difference')();
  const samples: Record<keyof Omit<Row, 'backend' | 'params'>, number[]> = {
    gradientMs: [],
    jacobianMs: [],
    gramMs: [],
    eigenMs: [],
    fdMs: [],
    exactMs: [],
  };
  // Interleave round by round so that machine noise hits every measurement alike.
  for (let r = 0; r < rounds; r++) {
    const g: number[] = [];
    for (let i = 0; i < 5; i++) g.push(await timed(gradient));
    samples.gradientMs.push(median(g));
    let rows: Awaited<ReturnType<typeof jacobianRows>> | undefined;
    samples.jacobianMs.push(
      await timed(async () => {
        rows = await jacobianRows(model, x, { samples: SAMPLES });
      }),
    );
    let gram: Float64Array = new Float64Array(0);
    samples.gramMs.push(
      await timed(() => {
        gram = gramMatrix(rows!.rows, rows!.numRows, rows!.numParams);
      }),
    );
    samples.eigenMs.push(await timed(() => void symmetricSpectrum(gram, rows!.numRows)));
    samples.fdMs.push(await timed(hvps('finite-difference')));
    samples.exactMs.push(await timed(hvps('exact')));
  }
  tf.dispose([...model.variables, x, y, ...vector]);
  return {
    backend,
    params,
    gradientMs: median(samples.gradientMs),
    jacobianMs: median(samples.jacobianMs),
    gramMs: median(samples.gramMs),
    eigenMs: median(samples.eigenMs),
    fdMs: median(samples.fdMs),
    exactMs: median(samples.exactMs),
  };
}

export const plstar: Suite = {
  id: 'plstar',
  title: 'PL* analysis: tangent kernel and Hessian-vector products vs one gradient',
  async run() {
    await ensureGradients();
    const rows: Row[] = [];
    for (const backend of ['cpu', 'wasm']) rows.push(await measure(backend, 3));
    const x = (ms: number, r: Row) => `${fmt(ms / r.gradientMs)}x`;
    return [
      `MLP ${WIDTHS.join('-')} with relu (${rows[0]!.params.toLocaleString('en-US')} parameters), square loss on ${SAMPLES} samples.`,
      'One gradient: a full-batch loss and gradient on all samples, values read back. Tangent kernel:',
      `${SAMPLES} per-sample Jacobian rows (one single-sample gradient each), the ${SAMPLES}x${SAMPLES} kernel`,
      'J J^T accumulated in float64 on the host, and its spectrum (ml-matrix). HVPs: 20 Hessian-vector',
      'products by central finite differences (2 gradients each) and by exact double backprop.',
      'Medians of 3 interleaved rounds; each cost also as a multiple of one gradient.',
      '',
      table(
        [
          'backend',
          'gradient ms',
          'kernel n=128 ms',
          'kernel / gradient',
          'Jacobian / Gram / eigen, each / gradient',
          `${HVPS} FD HVPs ms`,
          '/ gradient',
          `${HVPS} exact HVPs ms`,
          '/ gradient',
        ],
        rows.map((r) => [
          r.backend,
          fmt(r.gradientMs),
          fmt(r.jacobianMs + r.gramMs + r.eigenMs),
          x(r.jacobianMs + r.gramMs + r.eigenMs, r),
          `${x(r.jacobianMs, r)} / ${x(r.gramMs, r)} / ${x(r.eigenMs, r)}`,
          fmt(r.fdMs),
          x(r.fdMs, r),
          fmt(r.exactMs),
          x(r.exactMs, r),
        ]),
      ),
    ].join('\n');
  },
};
