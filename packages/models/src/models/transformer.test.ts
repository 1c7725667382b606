import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectGradientsForEveryVariable, expectNoLeak, train } from '../../test/helpers.js';
import { maxRelativeError } from '../../test/reference.js';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy.js';
import { createTransformer, type TransformerConfig } from './transformer.js';

const tiny: TransformerConfig = {
  kind: 'transformer',
  vocabSize: 5,
  sequenceLength: 6,
  width: 8,
  depth: 2,
  heads: 2,
  mlpRatio: 2,
  seed: 4,
};

const tokens = () =>
  tf.tensor2d(
    [
      [1, 2, 3, 4],
      [4, 0, 2, 1],
    ],
    [2, 4],
    'int32',
  );

describe('transformer', () => {
  it('gives per-position logits [N, T, vocab] for sequences up to sequenceLength', () => {
    const model = createTransformer(tiny);
    const d = 8;
    const block = 4 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * 16 + 16) + (16 * d + d);
    expect(model.parameterCount).toBe(5 * d + 6 * d + 2 * block + 2 * d + d * 5 + 5);
    const x = tokens();
    const y = model.apply(x);
    expect(y.shape).toEqual([2, 4, 5]);
    const float = tf.cast(x, 'float32');
    const yFloat = model.apply(float);
    expect(Array.from(yFloat.dataSync())).toEqual(Array.from(y.dataSync()));
    tf.dispose([x, y, float, yFloat]);
    model.dispose();
  });

  it('oneHot lookup computes the same function as gather', () => {
    const a = createTransformer(tiny);
    const b = createTransformer({ ...tiny, embedding: 'oneHot' });
    const x = tokens();
    const ya = a.apply(x);
    const yb = b.apply(x);
    expect(maxRelativeError(yb.dataSync(), ya.dataSync())).toBeLessThan(1e-6);
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('causal attention: later tokens do not change earlier outputs; bidirectional: they do', () => {
    for (const causal of [true, false]) {
      const model = createTransformer({ ...tiny, causal });
      const x1 = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
      const x2 = tf.tensor2d([[1, 2, 0, 0]], [1, 4], 'int32');
      const y1 = model.apply(x1).dataSync();
      const y2 = model.apply(x2).dataSync();
      const firstTwo = (y: ArrayLike<number>) => Array.from(y).slice(0, 2 * 5);
      if (causal) expect(firstTwo(y2)).toEqual(firstTwo(y1));
      else expect(maxRelativeError(firstTwo(y2), firstTwo(y1))).toBeGreaterThan(1e-4);
      tf.dispose([x1, x2]);
      model.dispose();
    }
  });

  it('passes gradients to every variable with either embedding lookup', () => {
    for (const embedding of ['gather', 'oneHot'] as const) {
      const model = createTransformer({ ...tiny, embedding });
      const x = tokens();
      expectGradientsForEveryVariable(model, () => softmaxCrossEntropy(model.apply(x), x));
      x.dispose();
      model.dispose();
    }
  });

  it('learns to copy a tiny batch of sequences in a few Adam steps', () => {
    const model = createTransformer(tiny);
    const x = tf.tensor2d(
      [
        [1, 2, 3, 4, 0, 1],
        [4, 3, 2, 1, 0, 2],
        [0, 0, 1, 1, 2, 2],
      ],
      [3, 6],
      'int32',
    );
    const { before, after } = train(
      model,
      () => softmaxCrossEntropy(model.apply(x), x),
      15,
      tf.train.adam(0.02),
    );
    expect(after).toBeLessThan(0.6 * before);
    x.dispose();
    model.dispose();
  });

  it('leaks no tensor in apply', () => {
    const model = createTransformer({ ...tiny, causal: true, embedding: 'oneHot' });
    const x = tokens();
    expectNoLeak(() => model.apply(x));
    x.dispose();
    model.dispose();
  });

  it('rejects sequences longer than sequenceLength', () => {
    const model = createTransformer(tiny);
    const x = tf.zeros([1, 7], 'int32');
    expect(() => model.apply(x)).toThrow(
      'transformer.apply: expected integer tokens of shape [N, T] with 1 <= T <= 6 (got [1, 7])',
    );
    x.dispose();
    model.dispose();
  });
});
