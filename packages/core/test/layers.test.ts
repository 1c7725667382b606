import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { adam, deltaGClip, stepDecaySchedule } from '../src/index.js';

function data() {
  // y = sin(3 x0) + x1^2 on a fixed grid: a small regression any MLP can fit.
  const n = 64;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const x0 = (i % 8) / 4 - 1;
    const x1 = Math.floor(i / 8) / 4 - 1;
    xs.push(x0, x1);
    ys.push(Math.sin(3 * x0) + x1 * x1);
  }
  return { x: tf.tensor2d(xs, [n, 2]), y: tf.tensor2d(ys, [n, 1]) };
}

function model(seed: number) {
  const m = tfl.sequential();
  m.add(
    tfl.layers.dense({
      units: 32,
      activation: 'relu',
      inputShape: [2],
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    }),
  );
  m.add(
    tfl.layers.dense({
      units: 1,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  return m;
}

async function saveToMemory(m: tfl.LayersModel) {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return artifacts!;
}

describe('tfjs-layers', () => {
  it('trains with model.compile({optimizer: deltaGClip(...)}) + model.fit', async () => {
    const { x, y } = data();
    const m = model(1);
    const optimizer = deltaGClip({ learningRate: 0.1, gamma: 1, delta: 0.1 });
    m.compile({ optimizer, loss: 'meanSquaredError' });
    const history = await m.fit(x, y, { epochs: 40, batchSize: 16, shuffle: false, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(0.25 * losses[0]!);
    expect(optimizer.iterations).toBe(40 * 4);
    const counts = await optimizer.telemetry.counts();
    expect(counts.unclipped + counts.clipped + counts.floored + counts.skipped).toBe(160);
    tf.dispose([x, y]);
    m.dispose();
  });

  for (const [label, make, exact] of [
    [
      'deltaGClip with a schedule',
      () =>
        deltaGClip({
          learningRate: 0.1,
          gamma: 0.5,
          delta: 0.05,
          schedule: stepDecaySchedule({ boundaries: [12], factor: 0.5 }),
        }),
      true,
    ],
    [
      'adam with clipNorm (state keyed by layer variable names)',
      () => adam({ learningRate: 0.01, clipNorm: 0.5 }),
      true,
    ],
  ] as const) {
    it(`resumes a model saved with its optimizer (${label})`, async () => {
      const { x, y } = data();
      const straight = model(2);
      straight.compile({ optimizer: make(), loss: 'meanSquaredError' });
      await straight.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
      const artifacts = await saveToMemory(straight);
      const optimizerConfig = artifacts.trainingConfig?.optimizer_config as { class_name?: string };
      expect(optimizerConfig.class_name).toBe(straight.optimizer.getClassName());

      const resumed = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
      expect(resumed.optimizer.getClassName()).toBe(straight.optimizer.getClassName());
      expect(resumed.optimizer.getConfig()).toEqual(straight.optimizer.getConfig());
      expect(resumed.optimizer.iterations).toBe(12);

      await straight.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
      await resumed.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
      const a = straight.getWeights().flatMap((w) => Array.from(w.dataSync()));
      const b = resumed.getWeights().flatMap((w) => Array.from(w.dataSync()));
      if (exact) {
        expect(b).toEqual(a);
      } else {
        b.forEach((v, i) => {
          expect(Math.abs(v - a[i]!)).toBeLessThan(1e-5);
        });
      }
      tf.dispose([x, y]);
      straight.dispose();
      resumed.dispose();
    });
  }
});
