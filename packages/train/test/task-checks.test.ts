import { Dataset } from '@deltaclip/datasets';
import { createModel } from '@deltaclip/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { trainModel } from '../src/loop.js';
import { LossTaskMismatchError } from '../src/loss-task-mismatch.js';
import { createObjective } from '../src/objectives.js';
import { createRunOptimizer } from '../src/run-optimizer.js';
import { buildTask, type TaskSpec } from '../src/task.js';

const mlp = (inputSize: number, outputSize: number) =>
  ({ kind: 'mlp', inputSize, hidden: [4], outputSize, seed: 0 }) as TaskSpec['model'];
const cars: TaskSpec['dataset'] = { name: 'cars' };
const penguins: TaskSpec['dataset'] = { name: 'penguins' };

async function mismatch(spec: TaskSpec): Promise<unknown> {
  try {
    const task = await buildTask(spec);
    task.model.dispose();
  } catch (error) {
    return error;
  }
  return null;
}

describe('loss/task checks before training', () => {
  it('cross-entropy on a regression target is a typed error', async () => {
    const e = await mismatch({ dataset: cars, model: mlp(6, 1), loss: { kind: 'cross-entropy' } });
    expect(LossTaskMismatchError.is(e)).toBe(true);
    expect((e as LossTaskMismatchError).code).toBe('LOSS_TASK_MISMATCH');
    expect((e as Error).message).toBe(
      "loss 'cross-entropy' needs class labels, but dataset 'cars' has a regression target: use a square loss",
    );
  });

  it('vae on a non-VAE model, and a square loss whose target shape cannot match', async () => {
    expect(
      ((await mismatch({ dataset: cars, model: mlp(6, 1), loss: { kind: 'vae' } })) as Error)
        .message,
    ).toBe("loss 'vae' needs a VAE model (got model kind 'mlp'): use --model vae or another loss");
    const e = await mismatch({ dataset: cars, model: mlp(6, 2), loss: { kind: 'square' } });
    expect((e as Error).message).toBe(
      "loss 'square' compares the model's output [2] per sample with the target [1] of dataset 'cars': give the model 1 outputs",
    );
  });

  it('a square loss on classification gets one-hot labels', async () => {
    const square = await buildTask({
      dataset: penguins,
      model: mlp(9, 3),
      loss: { kind: 'square' },
    });
    expect(square.labels).toBe('oneHot');
    const { y } = square.train.toTensors({ labels: square.labels });
    expect(y.shape).toEqual([square.train.size, 3]);
    const rows = (await y.array()) as number[][];
    expect(
      rows.every((r) => r.reduce((a, b) => a + b, 0) === 1 && r.every((v) => v === 0 || v === 1)),
    ).toBe(true);
    y.dispose();
    square.model.dispose();
  });
});

describe('divergence', () => {
  it('stops and reports the first non-finite loss, not the last finite one', async () => {
    const x = Float32Array.from({ length: 8 }, (_, i) => i + 1);
    const data = new Dataset({
      x,
      y: Float32Array.from(x, (v) => 3 * v),
      featureShape: [1],
      targetShape: [1],
      metadata: { name: 'line' },
    } as never);
    const model = createModel({
      kind: 'mlp',
      inputSize: 1,
      hidden: [],
      outputSize: 1,
      seed: 0,
    } as never);
    const optimizer = createRunOptimizer({
      className: 'deltaclip.SGD',
      config: { learningRate: 10, nonFinite: 'apply' },
    });
    const result = await trainModel({
      model,
      optimizer,
      objective: createObjective({ kind: 'square', reduction: 'sum', half: true }),
      train: data,
      epochs: 200,
      batchSize: 8,
      seed: 0,
      recordEvery: 1,
    });
    // Full batch: the evaluation after update k is L(w_{k+1}), the loss the next step would see,
    // so divergence is caught there, before a step is taken from non-finite weights.
    expect(result.history.steps.every((s) => Number.isFinite(s.loss))).toBe(true);
    const firstBad = result.history.epochs.find((e) => !Number.isFinite(e.train.loss))!;
    expect(firstBad).toBeDefined();
    expect(result.diverged).toEqual({ step: firstBad.step, loss: firstBad.train.loss });
    expect(result.reason).toBe(`diverged at step ${firstBad.step} (loss ${firstBad.train.loss})`);
    expect(result.position.step).toBe(firstBad.step);
    expect(result.history.steps.at(-1)!.step).toBe(firstBad.step - 1);
    optimizer.dispose();
    model.dispose();
  });
});

describe('square-loss metric sums', () => {
  it('match an independent per-sample computation in each convention', () => {
    const x = Float32Array.of(1, 2, 3);
    const data = new Dataset({
      x,
      y: Float32Array.of(0, 0, 0, 0, 0, 0),
      featureShape: [1],
      targetShape: [2],
    } as never);
    const model = createModel({
      kind: 'mlp',
      inputSize: 1,
      hidden: [],
      outputSize: 2,
      seed: 3,
    } as never);
    const pred = model.apply(tf.tensor2d([1, 2, 3], [3, 1])).arraySync() as number[][];
    const sq = pred.flat().reduce((a, v) => a + v * v, 0);
    for (const [reduction, half, expected] of [
      ['sum', true, 0.5 * sq],
      ['sum', false, sq],
      ['mean', true, (0.5 * sq) / 2],
      ['mean', false, sq / 2],
    ] as const) {
      const objective = createObjective({ kind: 'square', reduction, half });
      const batch = data.toTensors({ labels: 'index' });
      const sums = objective.metricSums(model, batch);
      expect(sums.loss!.dataSync()[0]!).toBeCloseTo(expected, 4);
      expect(sums.mse!.dataSync()[0]!).toBeCloseTo(sq / 2, 4);
      tf.dispose([batch, sums]);
    }
    model.dispose();
  });
});
