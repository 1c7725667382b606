import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { StepContext } from '../context.js';
import { globalNorm } from '../norms.js';
import { EMPTY_STATE } from '../state.js';
import { Updates } from '../updates.js';
import { chain } from './chain.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { transformFromConfig } from './registry.js';

function apply(transform: ReturnType<typeof clipByGlobalNorm>, grads: tf.Tensor[]) {
  const params = grads.map((g) => tf.variable(tf.zerosLike(g)));
  const context = new StepContext(
    0,
    params,
    params.map((p) => p.name),
    grads,
  );
  const { updates } = transform.update(Updates.of(grads), transform.init(), context);
  const out = updates.materialize();
  return { out, context, dispose: () => tf.dispose(params) };
}

function grads(scale: number) {
  return [
    tf.mul(
      tf.tensor2d([
        [1, -2],
        [3, 0.5],
      ]),
      scale,
    ),
    tf.mul(tf.tensor1d([0.25, -4, 2]), scale),
  ];
}

describe('clipByGlobalNorm', () => {
  it('clips to exactly maxNorm when the norm is larger', () => {
    tf.tidy(() => {
      const g = grads(10);
      const { out, dispose } = apply(clipByGlobalNorm(1.5), g);
      expect(globalNorm(out).dataSync()[0]).toBeCloseTo(1.5, 5);
      // Direction is kept: clipped = g * (1.5 / ||g||).
      const ratio = 1.5 / globalNorm(g).dataSync()[0]!;
      out.forEach((o, i) => {
        const expected = Array.from(g[i]!.dataSync()).map((x) => x * ratio);
        Array.from(o.dataSync()).forEach((x, k) => {
          expect(x).toBeCloseTo(expected[k]!, 5);
        });
      });
      dispose();
    });
  });

  it('leaves updates with a smaller norm untouched', () => {
    tf.tidy(() => {
      const g = grads(0.01);
      const { out, dispose } = apply(clipByGlobalNorm(1.5), g);
      out.forEach((o, i) => {
        expect(Array.from(o.dataSync())).toEqual(Array.from(g[i]!.dataSync()));
      });
      dispose();
    });
  });

  it('is idempotent: clipping twice equals clipping once', () => {
    tf.tidy(() => {
      const g = grads(7);
      const once = apply(clipByGlobalNorm(2), g);
      const twice = apply(chain(clipByGlobalNorm(2), clipByGlobalNorm(2)), g);
      once.out.forEach((o, i) => {
        const a = Array.from(o.dataSync());
        Array.from(twice.out[i]!.dataSync()).forEach((x, k) => {
          expect(x).toBeCloseTo(a[k]!, 6);
        });
      });
      once.dispose();
      twice.dispose();
    });
  });

  it('keeps a zero update at zero (no division by zero)', () => {
    tf.tidy(() => {
      const g = [tf.zeros([3])];
      const { out, dispose } = apply(clipByGlobalNorm(1), g);
      expect(Array.from(out[0]!.dataSync())).toEqual([0, 0, 0]);
      dispose();
    });
  });

  it('reuses the memoized raw-gradient norm instead of another pass', () => {
    tf.tidy(() => {
      const g = grads(3);
      const { context, dispose } = apply(clipByGlobalNorm(1), g);
      const memo = context.rawGlobalNorm();
      expect(context.rawGlobalNorm()).toBe(memo);
      dispose();
    });
  });

  it('is stateless and round-trips its config', () => {
    const t = clipByGlobalNorm(0.7);
    expect(t.init()).toBe(EMPTY_STATE);
    expect(transformFromConfig(t.config).config).toEqual({
      kind: 'clipByGlobalNorm',
      maxNorm: 0.7,
    });
  });

  it('rejects a bad maxNorm with a RangeError naming the value', () => {
    expect(() => clipByGlobalNorm(0)).toThrow(RangeError);
    expect(() => clipByGlobalNorm(0)).toThrow('maxNorm must be > 0 (got 0)');
    expect(() => clipByGlobalNorm(Number.NaN)).toThrow(
      /maxNorm must be a finite number \(got NaN\)/,
    );
  });
});
