import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectGradientsForEveryVariable,
  expectNoLeak,
  testData,
  train,
  weightMap,
} from '../../test/helpers.js';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy.js';
import { createResNet, type ResNetConfig } from './resnet.js';

const tiny: ResNetConfig = {
  kind: 'resnet',
  widths: [4, 8],
  blocks: [1, 1],
  numClasses: 3,
  seed: 1,
};

/** Parameter count of a CIFAR ResNet from its definition (independent of the implementation). */
function expectedParameters(widths: number[], blocks: number[], classes: number, inC = 3): number {
  let n = 9 * inC * widths[0]! + 2 * widths[0]!;
  let c = widths[0]!;
  widths.forEach((w, s) => {
    for (let b = 0; b < blocks[s]!; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      n += 9 * c * w + 2 * w + 9 * w * w + 2 * w;
      if (stride !== 1 || c !== w) n += c * w + 2 * w;
      c = w;
    }
  });
  return n + c * classes + classes;
}

describe('resnet', () => {
  it('ResNet-18 (preset resnet18) has exactly 11,173,962 parameters with 10 classes', () => {
    const before = tf.memory().numTensors;
    const model = createResNet({ kind: 'resnet', preset: 'resnet18' });
    expect(model.name).toBe('resnet18');
    expect(model.parameterCount).toBe(11_173_962);
    expect(expectedParameters([64, 128, 256, 512], [2, 2, 2, 2], 10)).toBe(11_173_962);
    // 20 batch norms (stem, 16 in blocks, 3 shortcuts) with a running mean and variance each.
    expect(model.state.length).toBe(40);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('maps NHWC images to logits, with the parameter count of its definition', () => {
    const model = createResNet(tiny);
    const x = testData([2, 8, 8, 3]);
    const y = model.apply(x);
    expect(y.shape).toEqual([2, 3]);
    expect(model.parameterCount).toBe(expectedParameters([4, 8], [1, 1], 3));
    const mini = createResNet({ kind: 'resnet', preset: 'resnet-mini' });
    expect(mini.parameterCount).toBe(expectedParameters([16, 32, 64], [1, 1, 1], 10));
    const image = testData([1, 32, 32, 3]);
    const logits = mini.apply(image);
    expect(logits.shape).toEqual([1, 10]);
    tf.dispose([x, y, image, logits]);
    model.dispose();
    mini.dispose();
  });

  it('inference mode uses the running statistics: no state change, each row independent of the batch', () => {
    const model = createResNet(tiny);
    const x = testData([4, 8, 8, 3], 2);
    const stateBefore = model.getWeights().filter((w) => !w.trainable);
    const all = model.apply(x);
    const first = model.apply(tf.slice(x, [0, 0, 0, 0], [1, 8, 8, 3]));
    expect(Array.from(first.dataSync())).toEqual(Array.from(all.dataSync().slice(0, 3)));
    expect(model.getWeights().filter((w) => !w.trainable)).toEqual(stateBefore);
    tf.dispose([x, all, first]);
    model.dispose();
  });

  it('training mode normalizes by the batch and updates the running statistics (float64 reference)', () => {
    const model = createResNet({ ...tiny, batchNormMomentum: 0.25 });
    const x = testData([4, 8, 8, 3], 3);
    // The stem's batch statistics, from a direct convolution with the model's kernel.
    const w = weightMap(model);
    const kernel = tf.tensor(w.get('stem/conv/kernel')!.values, w.get('stem/conv/kernel')!.shape);
    const conv = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, 1);
    const values = conv.dataSync();
    const channels = 4;
    const count = values.length / channels;
    const mean = new Array(channels).fill(0);
    const sq = new Array(channels).fill(0);
    values.forEach((v, i) => {
      mean[i % channels] += v / count;
    });
    values.forEach((v, i) => {
      sq[i % channels] += (v - mean[i % channels]) ** 2;
    });
    const unbiased = sq.map((s) => s / (count - 1));

    const all = model.apply(x, { training: true });
    const after = weightMap(model);
    const runningMean = after.get('stem/bn/movingMean')!.values;
    const runningVar = after.get('stem/bn/movingVariance')!.values;
    for (let c = 0; c < channels; c++) {
      expect(runningMean[c]).toBeCloseTo(0.25 * mean[c]!, 5);
      expect(runningVar[c]).toBeCloseTo(0.75 * 1 + 0.25 * unbiased[c]!, 5);
    }
    // With batch statistics, a row depends on the rest of the batch.
    const first = model.apply(tf.slice(x, [0, 0, 0, 0], [2, 8, 8, 3]), { training: true });
    const gap = Math.max(
      ...Array.from(first.dataSync().slice(0, 3)).map((v, i) => Math.abs(v - all.dataSync()[i]!)),
    );
    expect(gap).toBeGreaterThan(1e-4);
    tf.dispose([x, kernel, conv, all, first]);
    model.dispose();
  });

  it('passes gradients to every variable, shortcuts and batch norms included', () => {
    const model = createResNet(tiny);
    const x = testData([4, 8, 8, 3], 4);
    const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
    expectGradientsForEveryVariable(model, () =>
      softmaxCrossEntropy(model.apply(x, { training: true }), labels),
    );
    expect(
      model.variables.some((v) => v.name === 'resnet/stage1/block0/shortcut/conv/kernel'),
    ).toBe(true);
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('lowers the cross-entropy of a tiny batch in a few Adam steps', () => {
    const model = createResNet(tiny);
    const x = testData([6, 8, 8, 3], 5);
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const { before, after } = train(
      model,
      () => softmaxCrossEntropy(model.apply(x, { training: true }), labels),
      8,
      tf.train.adam(0.01),
    );
    expect(after).toBeLessThan(0.7 * before);
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('leaks no tensor in apply, in either mode', () => {
    const model = createResNet({ ...tiny, init: 'he' });
    const x = testData([2, 8, 8, 3]);
    expectNoLeak(() => model.apply(x));
    expectNoLeak(() => model.apply(x, { training: true }));
    x.dispose();
    model.dispose();
  });

  it('rejects bad configs and inputs', () => {
    expect(() => createResNet({ kind: 'resnet', widths: [8, 16], blocks: [1] })).toThrow(
      'widths and blocks must have one entry per stage (got 2 widths [8, 16] and 1 blocks [1])',
    );
    expect(() => createResNet({ kind: 'resnet', preset: 'vit-tiny' })).toThrow(
      "preset 'vit-tiny' is a vit preset, but the config has kind 'resnet'",
    );
    const model = createResNet(tiny);
    const x = testData([2, 3, 8, 8]);
    expect(() => model.apply(x)).toThrow(
      'resnet.apply: expected NHWC input of shape [N, H, W, 3] (got [2, 3, 8, 8])',
    );
    const one = testData([1, 2, 2, 3]);
    expect(() => model.apply(one, { training: true })).toThrow(
      'batch norm in training mode needs at least 2 values per channel (got 1 from input shape [1, 1, 1, 8])',
    );
    tf.dispose([x, one]);
    model.dispose();
  });
});
