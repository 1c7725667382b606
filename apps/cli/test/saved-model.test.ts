import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelFiles } from '@deltaclip/plstar/node';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';

const work = mkdtempSync(join(tmpdir(), 'deltaclip-saved-model-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ROWS = [
  [1, 2, 0.5],
  [0, -1, 1.5],
  [2, 0.5, -1],
] as const;
const W = [0.3, -0.2];
const B = 0.1;

async function saveLinearModel(dir: string, compiled: boolean) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 1,
        inputShape: [2],
        weights: [tf.tensor2d([[W[0]!], [W[1]!]]), tf.tensor1d([B])],
      }),
    ],
  });
  if (compiled) model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  await model.save(modelFiles(dir), { includeOptimizer: compiled });
  model.dispose();
}

/** Mean squared error of x W + b on the rows, its gradient's squared norm and mu, in float64. */
function reference() {
  const r = ROWS.map(([a, b, t]) => a * W[0]! + b * W[1]! + B - t);
  const n = ROWS.length;
  const loss = r.reduce((s, v) => s + v * v, 0) / n;
  const gw = [0, 1].map((j) => ROWS.reduce((s, row, i) => s + (2 / n) * row[j]! * r[i]!, 0));
  const gb = r.reduce((s, v) => s + (2 / n) * v, 0);
  const g2 = gw[0]! ** 2 + gw[1]! ** 2 + gb ** 2;
  return { loss, mu: g2 / (2 * loss) };
}

describe('deltaclip analyze --model model.json (built CLI as a real process)', () => {
  const csv = join(work, 'rows.csv');
  writeFileSync(csv, `a,b,t\n${ROWS.map((r) => r.join(',')).join('\n')}\n`);

  it('analyzes a saved tf.LayersModel at its weights under its compiled loss, on every row of --data', async () => {
    const dir = join(work, 'compiled');
    await saveLinearModel(dir, true);
    const r = await run([
      'analyze',
      '--model',
      join(dir, 'model.json'),
      '--data',
      csv,
      '--backend',
      'cpu',
      '--hessian-iterations',
      '3',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      samples: number;
      record: {
        loss: number;
        mu: number;
        lossConvention: string;
        squareLoss: string;
        kernel: {
          samples: number;
          coversAllSamples: boolean;
          lambdaMin: number;
          impliedMu: number;
        };
        muAboveKernelBound: boolean;
        hessian: { beta: number };
      };
    };
    const ref = reference();
    expect(result.samples).toBe(3);
    expect(Math.abs(result.record.loss - ref.loss)).toBeLessThanOrEqual(1e-5 * ref.loss);
    expect(Math.abs(result.record.mu - ref.mu)).toBeLessThanOrEqual(1e-5 * ref.mu);
    expect(result.record.lossConvention).toBe('meanSquaredError = mean: mean of squared errors');
    expect(result.record.squareLoss).toBe('mean');
    expect(result.record.kernel.samples).toBe(3);
    expect(result.record.kernel.coversAllSamples).toBe(true);
    expect(result.record.muAboveKernelBound).toBe(true);
    // Linear in its weights: the Hessian of the mean squared error is (2/n) [X 1]^T [X 1], constant.
    expect(result.record.hessian.beta).toBeGreaterThan(0);

    const text = await run([
      'analyze',
      '--model',
      dir,
      '--data',
      csv,
      '--backend',
      'cpu',
      '--hessian-iterations',
      '0',
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Saved model ${dir} at its weights, on 3 samples of ${csv}`);
    expect(text.stdout).toContain('loss L (meanSquaredError = mean: mean of squared errors) = ');
    expect(text.stdout).toContain('implied PL* constant for the square loss: ');
  });

  it('takes the loss from --loss (or the task) when model.json carries no training config, and says so', async () => {
    const dir = join(work, 'bare');
    await saveLinearModel(dir, false);
    const r = await run([
      'analyze',
      '--model',
      dir,
      '--data',
      csv,
      '--backend',
      'cpu',
      '--hessian-iterations',
      '0',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `Loss: ${dir} carries no training config (save it after compile with includeOptimizer: true), so the loss is meanSquaredError (--loss mean).`,
    );
    const ce = await run([
      'analyze',
      '--model',
      dir,
      '--data',
      csv,
      '--backend',
      'cpu',
      '--loss',
      'half-mean',
    ]);
    expect(ce.code).toBe(2);
    expect(ce.stderr).toContain(
      'deltaclip: --loss half-mean has no tfjs-layers loss to analyze a saved model under: use --loss mean (meanSquaredError) or --loss cross-entropy (categoricalCrossentropy)',
    );
    const noData = await run(['analyze', '--model', join(dir, 'model.json')]);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toBe(
      `deltaclip: --model ${join(dir, 'model.json')} needs --data FILE: the samples to analyze the saved model on (a CSV, TSV or JSON file, or an image folder)\n`,
    );
  });
});
