import { HALF_SUM, MEAN } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { squareResidualLoss } from './square-residual-loss.js';

describe('squareResidualLoss', () => {
  it('matches a plain-JS sum, and mean averages over every entry like tf.losses.meanSquaredError', () => {
    const p = [
      [1, 2],
      [3, -1],
      [0.5, 0],
    ];
    const t = [
      [0, 2],
      [1, 1],
      [-0.5, 1],
    ];
    const ss = p.flat().reduce((s, v, i) => s + (v - t.flat()[i]!) ** 2, 0);
    const pt = tf.tensor2d(p);
    const tt = tf.tensor2d(t);
    const value = (loss: Parameters<typeof squareResidualLoss>[2]) =>
      squareResidualLoss(pt, tt, loss).dataSync()[0]!;
    expect(value(HALF_SUM)).toBeCloseTo(0.5 * ss, 5);
    expect(value({ reduction: 'sum', half: false })).toBeCloseTo(ss, 5);
    expect(value(MEAN)).toBeCloseTo(ss / 6, 5);
    expect(value(MEAN)).toBeCloseTo(tf.losses.meanSquaredError(tt, pt).dataSync()[0]!, 6);
    tf.dispose([pt, tt]);
  });
});
