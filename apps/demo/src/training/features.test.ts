import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FEATURES } from '../state/settings.js';
import { featureTensor, featureValue, isIdentity } from './features.js';

describe('input features', () => {
  it('computes each input of a point by its formula', () => {
    // x1 = 0.5, x2 = -2: sin values from a table (sin 0.5 = 0.4794255386, sin -2 = -0.9092974268).
    const expected = [0.5, -2, 0.25, 4, -1, 0.479425538604203, -0.9092974268256817];
    FEATURES.forEach((f, i) => {
      expect(featureValue(f, 0.5, -2)).toBeCloseTo(expected[i]!, 12);
    });
  });

  it('maps rows as the plain-number formulas do, in the order chosen', async () => {
    const points = [0.5, -2, -1.25, 0.75, 3, 0.1];
    const chosen = ['sinx2', 'x1x2', 'x1sq', 'x2'] as const;
    const x = tf.tensor2d(points, [3, 2]);
    const mapped = featureTensor(x, chosen);
    expect(mapped.shape).toEqual([3, 4]);
    const values = Array.from(await mapped.data());
    const reference = [0, 1, 2].flatMap((r) =>
      chosen.map((f) => featureValue(f, points[2 * r]!, points[2 * r + 1]!)),
    );
    values.forEach((v, i) => {
      expect(v).toBeCloseTo(reference[i]!, 5);
    });
    tf.dispose([x, mapped]);
  });

  it('knows when nothing needs mapping', () => {
    expect(isIdentity(['x1', 'x2'])).toBe(true);
    expect(isIdentity(['x2', 'x1'])).toBe(false);
    expect(isIdentity(['x1', 'x2', 'x1sq'])).toBe(false);
  });
});
