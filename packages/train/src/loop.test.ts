import { classification2d, surface2d } from '@deltaclip/datasets';
import { createModel } from '@deltaclip/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Callback } from './callbacks.js';
import {
  CHECKPOINT_VERSION,
  type CheckpointHeader,
  packTensors,
  unpackTensors,
} from './checkpoint-format.js';
import { emptyHistory } from './history.js';
import { trainModel } from './loop.js';
import { createObjective } from './objectives.js';
import { createRunOptimizer } from './run-optimizer.js';

function regressionSetup(prefix: string) {
  const data = surface2d({ kind: 'bowl', numSamples: 96, seed: 3 }).split({
    validation: 0,
    test: 0.25,
    seed: 1,
  });
  const model = createModel({
    kind: 'mlp',
    inputSize: 2,
    hidden: [32],
    outputSize: 1,
    seed: 5,
    prefix,
  });
  const optimizer = createRunOptimizer(
    { className: 'deltaclip.DeltaGClip', config: { learningRate: 0.2, gamma: 0.5, delta: 0.05 } },
    { telemetry: { history: true } },
  );
  const objective = createObjective({ kind: 'square', reduction: 'mean', half: true });
  return { data, model, optimizer, objective };
}

describe('trainModel', () => {
  it('trains, records every step with telemetry, evaluates each epoch, and calls back in order', async () => {
    const { data, model, optimizer, objective } = regressionSetup('loop_a');
    const events: string[] = [];
    const callback: Callback = {
      onTrainBegin: () => {
        events.push('begin');
      },
      onEpochEnd: (_run, r) => {
        events.push(`epoch ${r.epoch}`);
      },
      onTrainEnd: (_run, end) => {
        events.push(`end ${end.stopped}`);
      },
    };
    const result = await trainModel({
      model,
      optimizer,
      objective,
      train: data.train,
      test: data.test,
      epochs: 3,
      batchSize: 16,
      seed: 1,
      callbacks: [callback],
    });
    expect(events).toEqual(['begin', 'epoch 0', 'epoch 1', 'epoch 2', 'end false']);
    expect(result.position).toEqual({ step: 15, epoch: 3, batch: 0 });
    expect(result.history.steps.map((s) => s.step)).toEqual([...Array(15).keys()]);
    for (const s of result.history.steps) {
      expect(s.regime).toMatch(/unclipped|clipped|floored/);
      expect(Number.isFinite(s.loss)).toBe(true);
    }
    const epochs = result.history.epochs;
    expect(epochs.map((e) => e.epoch)).toEqual([-1, 0, 1, 2]);
    expect(epochs.at(-1)!.train.loss).toBeLessThan(epochs[0]!.train.loss!);
    expect(epochs.at(-1)!.test!.loss).toBeDefined();
    optimizer.dispose();
    model.dispose();
  });

  it('evaluates with the same convention as the training loss (full batch: equal)', async () => {
    const { data, model, optimizer, objective } = regressionSetup('loop_b');
    const result = await trainModel({
      model,
      optimizer,
      objective,
      train: data.train,
      epochs: 1,
      batchSize: data.train.size,
      seed: 1,
      recordEvery: 1,
    });
    // Step 0's training loss is the full-batch loss at initialization = epoch -1's train loss.
    expect(result.history.steps[0]!.loss).toBeCloseTo(result.history.epochs[0]!.train.loss!, 5);
    optimizer.dispose();
    model.dispose();
  });

  it('stops at maxSteps, and a run resumed from the packed state ends bit-for-bit like an uninterrupted one', async () => {
    const straight = regressionSetup('loop_c');
    const full = await trainModel({
      model: straight.model,
      optimizer: straight.optimizer,
      objective: straight.objective,
      train: straight.data.train,
      epochs: 4,
      batchSize: 10,
      seed: 7,
    });
    const expected = straight.model.getWeights();

    const first = regressionSetup('loop_d');
    const half = await trainModel({
      model: first.model,
      optimizer: first.optimizer,
      objective: first.objective,
      train: first.data.train,
      epochs: 4,
      batchSize: 10,
      seed: 7,
      maxSteps: 13,
    });
    expect(half.stopped).toBe(true);
    expect(half.position).toEqual({ step: 13, epoch: 1, batch: 5 });
    // Serialize everything a checkpoint holds, then rebuild fresh model and optimizer from it.
    const tensors = [
      ...first.model.getWeights().map((w) => ({
        group: 'model' as const,
        name: w.name,
        dtype: 'float32' as const,
        shape: w.shape,
        values: w.values,
      })),
      ...(await first.optimizer.getWeights()).map((w) => ({
        group: 'optimizer' as const,
        name: w.name,
        dtype: w.tensor.dtype === 'int32' ? ('int32' as const) : ('float32' as const),
        shape: w.tensor.shape,
        values:
          w.tensor.dtype === 'int32'
            ? Int32Array.from(w.tensor.dataSync())
            : Float32Array.from(w.tensor.dataSync()),
      })),
    ];
    const { manifest, blob } = packTensors(tensors);
    const header = {
      format: 'deltaclip-checkpoint',
      version: CHECKPOINT_VERSION,
      tensors: manifest,
      blobBytes: blob.byteLength,
    } as unknown as CheckpointHeader;
    const restored = unpackTensors(header, blob, 'memory');
    first.optimizer.dispose();
    first.model.dispose();

    const second = regressionSetup('loop_e');
    second.model.setWeights(
      restored
        .filter((t) => t.group === 'model')
        .map((t) => ({ name: t.name, shape: t.shape, values: t.values })),
    );
    const optimizerWeights = restored
      .filter((t) => t.group === 'optimizer')
      .map((t) => ({ name: t.name, tensor: tf.tensor(t.values, [...t.shape], t.dtype) }));
    await second.optimizer.setWeights(optimizerWeights);
    tf.dispose(optimizerWeights.map((w) => w.tensor));
    const rest = await trainModel({
      model: second.model,
      optimizer: second.optimizer,
      objective: second.objective,
      train: second.data.train,
      epochs: 4,
      batchSize: 10,
      seed: 7,
      start: half.position,
      history: JSON.parse(JSON.stringify(half.history)),
    });
    expect(rest.position).toEqual(full.position);
    const resumed = second.model.getWeights();
    resumed.forEach((w, i) => {
      expect(Array.from(w.values)).toEqual(Array.from(expected[i]!.values));
    });
    expect(rest.history.steps.map((s) => s.loss)).toEqual(full.history.steps.map((s) => s.loss));
    expect(rest.history.epochs).toEqual(
      full.history.epochs.map((e) => ({ ...e, seconds: expect.any(Number) })),
    );
    for (const s of [straight, second]) {
      s.optimizer.dispose();
      s.model.dispose();
    }
  });

  it('trains a classifier with cross-entropy and reports accuracy', async () => {
    const data = classification2d({ kind: 'gaussians', numSamples: 200, seed: 2 }).split({
      validation: 0,
      test: 0.2,
      seed: 2,
    });
    const model = createModel({
      kind: 'mlp',
      inputSize: 2,
      hidden: [16],
      outputSize: data.train.numClasses!,
      seed: 1,
      prefix: 'loop_cls',
    });
    const optimizer = createRunOptimizer({
      className: 'deltaclip.Adam',
      config: { learningRate: 0.05 },
    });
    const result = await trainModel({
      model,
      optimizer,
      objective: createObjective({ kind: 'cross-entropy' }),
      train: data.train,
      test: data.test,
      labels: 'index',
      epochs: 10,
      batchSize: 32,
      seed: 3,
    });
    const last = result.history.epochs.at(-1)!;
    expect(last.test!.accuracy).toBeGreaterThan(0.8);
    expect(last.train.loss).toBeLessThan(result.history.epochs[0]!.train.loss!);
    optimizer.dispose();
    model.dispose();
  });

  it('stops after the current step when its abort signal fires, leaking no tensor', async () => {
    const { data, model, optimizer, objective } = regressionSetup('loop_f');
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const result = await trainModel({
      model,
      optimizer,
      objective,
      train: data.train,
      epochs: 50,
      batchSize: 8,
      seed: 1,
      history: emptyHistory(),
      callbacks: [
        {
          onStepEnd: (run) => {
            if (run.position.step === 5) controller.abort();
          },
        },
      ],
      signal: controller.signal,
    });
    expect(result.stopped).toBe(true);
    expect(result.reason).toBe('aborted');
    expect(result.position.step).toBe(5);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    model.dispose();
  });
});
