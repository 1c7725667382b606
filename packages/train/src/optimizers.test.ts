import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  createOptimizer,
  describeOptimizer,
  OPTIMIZER_NAMES,
  parseOptimizerSpec,
} from './optimizers.js';

describe('optimizer registry', () => {
  it('builds every registered optimizer, and each descends on a quadratic', () => {
    for (const name of OPTIMIZER_NAMES) {
      const w = tf.variable(tf.tensor1d([2, -3]), true, `reg_${name}`);
      const optimizer = createOptimizer({ name, learningRate: 0.1 });
      const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
      const before = loss().dataSync()[0]!;
      for (let i = 0; i < 20; i++) optimizer.minimize(loss);
      expect(loss().dataSync()[0]!, name).toBeLessThan(before);
      optimizer.dispose();
      w.dispose();
    }
  });

  it('parses name:key=value specs, with lr/eta/wd shorthands', () => {
    expect(parseOptimizerSpec('delta-gclip:lr=0.1,gamma=1,delta=1e-2')).toEqual({
      name: 'delta-gclip',
      learningRate: 0.1,
      gamma: 1,
      delta: 0.01,
    });
    expect(parseOptimizerSpec('momentum:eta=0.5,nesterov=true,wd=1e-4')).toEqual({
      name: 'momentum',
      learningRate: 0.5,
      nesterov: true,
      weightDecay: 1e-4,
    });
    expect(parseOptimizerSpec('adam', { learningRate: 1e-3 })).toEqual({
      name: 'adam',
      learningRate: 1e-3,
    });
  });

  it('explains bad specs', () => {
    expect(() => parseOptimizerSpec('adamw:lr=1')).toThrow(
      "Unknown optimizer 'adamw'. Known optimizers: sgd, momentum, adam, gclip, delta-gclip",
    );
    expect(() => parseOptimizerSpec('sgd:lr=abc')).toThrow(
      "Optimizer option 'lr' in 'sgd:lr=abc' must be a number (got 'abc')",
    );
    expect(() => parseOptimizerSpec('sgd:gamma=1,lr=1')).toThrow(
      "Optimizer 'sgd' does not take 'gamma'. It takes: label, learningRate, weightDecay, decoupledWeightDecay, nonFinite",
    );
    expect(() => parseOptimizerSpec('gclip:gamma=1')).toThrow(
      "Optimizer 'gclip:gamma=1' needs a learning rate: add lr=<value>, e.g. gclip:lr=0.1",
    );
    expect(() => parseOptimizerSpec('sgd:lr')).toThrow(
      "Bad optimizer option 'lr' in 'sgd:lr': expected key=value",
    );
  });

  it('labels optimizers for tables and plots', () => {
    expect(
      describeOptimizer({ name: 'delta-gclip', learningRate: 0.1, gamma: 1, delta: 0.01 }),
    ).toBe('δ-GClip (eta 0.1, gamma 1, delta 0.01)');
    expect(describeOptimizer({ name: 'sgd', learningRate: 0.5, label: 'plain' })).toBe('plain');
  });
});
