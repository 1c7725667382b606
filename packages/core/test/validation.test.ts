import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deltaGClip, deltaGClipPerTensor, gClip } from '../src/index.js';

describe('invalid configuration', () => {
  const cases: [string, () => unknown, string][] = [
    ['learningRate 0', () => deltaGClip({ learningRate: 0 }), 'learningRate must be > 0 (got 0)'],
    ['learningRate -1', () => gClip({ learningRate: -1 }), 'learningRate must be > 0 (got -1)'],
    [
      'learningRate NaN',
      () => deltaGClip({ learningRate: Number.NaN }),
      'learningRate must be a finite number (got NaN)',
    ],
    [
      'learningRate Infinity',
      () => deltaGClip({ learningRate: Infinity }),
      'learningRate must be a finite number (got Infinity)',
    ],
    [
      'learningRate missing',
      () => deltaGClip({} as never),
      'learningRate must be a finite number (got undefined)',
    ],
    [
      'learningRate as string',
      () => deltaGClip({ learningRate: '0.1' as never }),
      'learningRate must be a finite number (got "0.1")',
    ],
    ['gamma -1', () => deltaGClip({ learningRate: 1, gamma: -1 }), 'gamma must be > 0 (got -1)'],
    [
      'gamma 0',
      () => deltaGClipPerTensor({ learningRate: 1, gamma: 0 }),
      'gamma must be > 0 (got 0)',
    ],
    [
      'delta -0.1',
      () => deltaGClip({ learningRate: 1, delta: -0.1 }),
      'delta must be >= 0 (got -0.1)',
    ],
    [
      'delta Infinity',
      () => deltaGClip({ learningRate: 1, delta: Infinity }),
      'delta must be a finite number (got Infinity)',
    ],
    [
      'weightDecay -1e-4',
      () => deltaGClip({ learningRate: 1, weightDecay: -1e-4 }),
      'weightDecay must be >= 0 (got -0.0001)',
    ],
    [
      'nonFinite',
      () => deltaGClip({ learningRate: 1, nonFinite: 'ignore' as never }),
      "nonFinite must be one of 'skip', 'throw', 'apply' (got \"ignore\")",
    ],
    [
      'telemetry.every',
      () => deltaGClip({ learningRate: 1, telemetry: { every: 0, onRecords: () => {} } }),
      'telemetry.every must be an integer >= 1 (got 0)',
    ],
  ];
  for (const [label, make, message] of cases) {
    it(`rejects ${label}`, () => {
      expect(make).toThrow(RangeError);
      expect(make).toThrow(message);
    });
  }

  it('rejects a non-object options argument with a TypeError', () => {
    expect(() => deltaGClip(undefined as never)).toThrow(TypeError);
  });

  it('rejects gradients that do not match their variable', () => {
    const v = tf.variable(tf.zeros([2, 3]), true, 'val_shape');
    const optimizer = deltaGClip({ learningRate: 0.1 });
    const g = tf.zeros([3, 2]);
    expect(() => optimizer.applyGradients({ val_shape: g })).toThrow(
      "DeltaGClip.applyGradients: the gradient for 'val_shape' has shape [3,2] but the variable has shape [2,3]",
    );
    expect(() => optimizer.applyGradients({ nope: g })).toThrow(
      "DeltaGClip.applyGradients: no variable named 'nope' is registered",
    );
    tf.dispose([v, g]);
    optimizer.dispose();
  });
});
