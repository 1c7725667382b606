import { describe, expect, it } from 'vitest';
import { float64MlpLossCurve } from './float64-mlp.js';
import type { MlpProblem } from './mlp.js';

/** A one-layer linear model f(x) = w x + b on one example. */
function linear(w: number, b: number, x: number, y: number): MlpProblem {
  return {
    sizes: [1, 1],
    batchSize: 1,
    layers: [{ w: Float32Array.of(w), b: Float32Array.of(b) }],
    xs: [Float32Array.of(x)],
    ys: [Float32Array.of(y)],
  };
}

describe('float64MlpLossCurve', () => {
  it('takes the floored, clipped and unclipped δ-GClip steps by hand', () => {
    // w = 2, b = 0, x = 1, y = 0: loss 4, g = (2 e x, 2 e) = (4, 4), ||g|| = sqrt(32).
    const problem = linear(2, 0, 1, 0);
    const norm = Math.sqrt(32);
    // Floored: gamma / ||g|| = 0.177 < delta = 0.5, h = 0.1 * 0.5; w, b <- 2 - 0.2, -0.2; loss 1.6^2.
    expect(float64MlpLossCurve(problem, { learningRate: 0.1, gamma: 1, delta: 0.5 }, 2)).toEqual([
      4,
      (2 - 0.05 * 4 - 0.05 * 4) ** 2,
    ]);
    // Clipped: h = eta gamma / ||g||.
    const clipped = float64MlpLossCurve(problem, { learningRate: 0.1, gamma: 1, delta: 0 }, 2);
    expect(clipped[1]).toBeCloseTo((2 - 2 * ((0.1 * 1) / norm) * 4) ** 2, 14);
    // Unclipped (gamma above ||g||): plain gradient descent, h = eta.
    const plain = float64MlpLossCurve(problem, { learningRate: 0.1, gamma: 10, delta: 0 }, 2);
    expect(plain[1]).toBeCloseTo((2 - 2 * 0.1 * 4) ** 2, 14);
  });

  it('backpropagates through tanh and relu: the first step lowers the loss as far as its gradient predicts', () => {
    // Two hidden units (tanh, then relu), one output; the decrease of a tiny plain-GD step equals
    // eta ||g||^2 to first order, checked against the loss at w - eta g from finite differences.
    const problem: MlpProblem = {
      sizes: [2, 2, 2, 1],
      batchSize: 2,
      layers: [
        { w: Float32Array.of(0.5, -0.3, 0.8, 0.2), b: Float32Array.of(0.1, -0.1) },
        { w: Float32Array.of(0.7, -0.4, 0.6, 0.9), b: Float32Array.of(0.2, 0.3) },
        { w: Float32Array.of(1.1, -0.6), b: Float32Array.of(0.05) },
      ],
      xs: [Float32Array.of(0.3, -0.7, 0.9, 0.4)],
      ys: [Float32Array.of(0.5, -0.2)],
    };
    const eta = 1e-6;
    const [l0, l1] = float64MlpLossCurve(problem, { learningRate: eta, gamma: 1e9, delta: 0 }, 2);
    // ||g||^2 by central differences of the loss over every parameter.
    const loss = (p: MlpProblem) =>
      float64MlpLossCurve(p, { learningRate: 0, gamma: 1, delta: 0 }, 1)[0]!;
    let squares = 0;
    problem.layers.forEach((layer, i) => {
      for (const key of ['w', 'b'] as const) {
        for (let j = 0; j < layer[key].length; j++) {
          const shifted = (d: number) => {
            const layers = problem.layers.map((l, k) => {
              if (k !== i) return l;
              const copy = { w: Float32Array.from(l.w), b: Float32Array.from(l.b) };
              // Float32 parameters: shift by a representable step.
              copy[key][j] = copy[key][j]! + d;
              return copy;
            });
            return { ...problem, layers };
          };
          const h = 2 ** -10;
          const g = (loss(shifted(h)) - loss(shifted(-h))) / (2 * h);
          squares += g * g;
        }
      }
    });
    expect((l0! - l1!) / eta).toBeCloseTo(squares, 3);
  });
});
