import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectGradientsForEveryVariable,
  expectNoLeak,
  testData,
  train,
  weightMap,
} from '../../test/helpers.js';
import { maxRelativeError } from '../../test/reference.js';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy.js';
import { createVit, type VitConfig } from './vit.js';

/** Parameters of a ViT from its definition. */
function expectedParameters(c: {
  imageSize: number;
  patchSize: number;
  channels: number;
  width: number;
  depth: number;
  mlpHidden: number;
  classes: number;
  cls: boolean;
}): number {
  const d = c.width;
  const tokens = (c.imageSize / c.patchSize) ** 2 + (c.cls ? 1 : 0);
  const block =
    4 * d +
    (d * 3 * d + 3 * d) +
    (d * d + d) +
    (d * c.mlpHidden + c.mlpHidden) +
    (c.mlpHidden * d + d);
  return (
    c.patchSize ** 2 * c.channels * d +
    d +
    (c.cls ? d : 0) +
    tokens * d +
    c.depth * block +
    2 * d +
    d * c.classes +
    c.classes
  );
}

const tiny: VitConfig = {
  kind: 'vit',
  imageSize: 8,
  patchSize: 4,
  width: 8,
  depth: 2,
  heads: 2,
  mlpRatio: 2,
  numClasses: 3,
  seed: 2,
};

describe('vit', () => {
  it('vit-tiny (192 wide, 3 heads, depth 12, patch 16 on 64x64) has 5,491,786 parameters with 10 classes', () => {
    const before = tf.memory().numTensors;
    const model = createVit({ kind: 'vit', preset: 'vit-tiny' });
    const spec = {
      imageSize: 64,
      patchSize: 16,
      channels: 3,
      width: 192,
      depth: 12,
      mlpHidden: 768,
      classes: 10,
      cls: true,
    };
    expect(expectedParameters(spec)).toBe(5_491_786);
    expect(model.parameterCount).toBe(5_491_786);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('vit-mini maps [N, 32, 32, 3] to logits; mean pooling drops the class token', () => {
    const model = createVit({ kind: 'vit', preset: 'vit-mini' });
    const spec = {
      imageSize: 32,
      patchSize: 4,
      channels: 3,
      width: 64,
      depth: 4,
      mlpHidden: 128,
      classes: 10,
      cls: true,
    };
    expect(model.parameterCount).toBe(expectedParameters(spec));
    const x = testData([2, 32, 32, 3]);
    const y = model.apply(x);
    expect(y.shape).toEqual([2, 10]);
    const mean = createVit({ ...tiny, pooling: 'mean' });
    expect(mean.variables.some((v) => v.name.endsWith('/cls'))).toBe(false);
    expect(mean.parameterCount).toBe(
      expectedParameters({
        imageSize: 8,
        patchSize: 4,
        channels: 3,
        width: 8,
        depth: 2,
        mlpHidden: 16,
        classes: 3,
        cls: false,
      }),
    );
    tf.dispose([x, y]);
    model.dispose();
    mean.dispose();
  });

  it('embeds patches exactly as a stride-p convolution with the same kernel', () => {
    // depth 0 and mean pooling: logits = head(LayerNorm(mean_tokens(patch(x) + position))).
    const model = createVit({ ...tiny, depth: 0, pooling: 'mean', layerNormEpsilon: 1e-6 });
    const x = testData([2, 8, 8, 3], 6);
    const w = weightMap(model);
    const expected = tf.tidy(() => {
      const kernel = tf.reshape(tf.tensor(w.get('patch/kernel')!.values), [4, 4, 3, 8]);
      const conv = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 4, 'valid');
      const tokens = tf.add(
        tf.add(tf.reshape(conv, [2, 4, 8]), tf.tensor(w.get('patch/bias')!.values)),
        tf.tensor(w.get('position')!.values, [1, 4, 8]),
      );
      const { mean, variance } = tf.moments(tokens, -1, true);
      const normed = tf.div(tf.sub(tokens, mean), tf.sqrt(tf.add(variance, 1e-6)));
      const pooled = tf.mean(normed, 1) as tf.Tensor2D; // LN gamma 1, beta 0 at init
      const head = tf.tensor2d(w.get('head/kernel')!.values, [8, 3]);
      return tf.add(tf.matMul(pooled, head), tf.tensor(w.get('head/bias')!.values));
    });
    const y = model.apply(x);
    expect(maxRelativeError(y.dataSync(), expected.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, y, expected]);
    model.dispose();
  });

  it('passes gradients to every variable, class token and position embeddings included', () => {
    const model = createVit(tiny);
    const x = testData([3, 8, 8, 3], 3);
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    expectGradientsForEveryVariable(model, () => softmaxCrossEntropy(model.apply(x), labels));
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('lowers the cross-entropy of a tiny batch in a few Adam steps', () => {
    const model = createVit(tiny);
    const x = testData([6, 8, 8, 3], 4);
    const labels = tf.tensor1d([0, 1, 2, 2, 1, 0], 'int32');
    const { before, after } = train(
      model,
      () => softmaxCrossEntropy(model.apply(x), labels),
      15,
      tf.train.adam(0.01),
    );
    expect(after).toBeLessThan(0.7 * before);
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('leaks no tensor in apply', () => {
    const model = createVit(tiny);
    const x = testData([2, 8, 8, 3]);
    expectNoLeak(() => model.apply(x));
    x.dispose();
    model.dispose();
  });

  it('rejects bad configs and inputs', () => {
    expect(() => createVit({ ...tiny, patchSize: 3 })).toThrow(
      'patchSize must divide imageSize (got patchSize 3, imageSize 8)',
    );
    expect(() => createVit({ ...tiny, heads: 3 })).toThrow(
      'heads must divide width (got heads 3, width 8)',
    );
    const model = createVit(tiny);
    const x = testData([1, 16, 16, 3]);
    expect(() => model.apply(x)).toThrow(
      'vit.apply: expected NHWC input of shape [N, 8, 8, 3] (got [1, 16, 16, 3])',
    );
    x.dispose();
    model.dispose();
  });
});
