/**
 * 2-D regression surfaces: inputs uniform in [-1, 1]^2, target f(x1, x2) plus optional Gaussian
 * noise. The exact functions are exported so plots can draw the true surface.
 */

import { requireInteger, requireNonNegative, requireOneOf, requireSeed } from '@deltaclip/utils';
import { Dataset } from '../dataset.js';
import { GENERATED_LICENCE, GENERATOR_STREAM, generatorRng } from './common.js';

export const SURFACE_2D_KINDS = ['plane', 'bowl', 'saddle', 'sine', 'ripple'] as const;
export type Surface2dKind = (typeof SURFACE_2D_KINDS)[number];

/** The surfaces, as formulas and functions. */
export const SURFACES: Readonly<
  Record<Surface2dKind, { formula: string; f: (x1: number, x2: number) => number }>
> = {
  plane: { formula: 'x1 - 0.5 * x2', f: (a, b) => a - 0.5 * b },
  bowl: { formula: 'x1^2 + x2^2', f: (a, b) => a * a + b * b },
  saddle: { formula: 'x1^2 - x2^2', f: (a, b) => a * a - b * b },
  sine: {
    formula: 'sin(pi * x1) * cos(pi * x2)',
    f: (a, b) => Math.sin(Math.PI * a) * Math.cos(Math.PI * b),
  },
  ripple: {
    formula: 'sin(2 * pi * (x1^2 + x2^2))',
    f: (a, b) => Math.sin(2 * Math.PI * (a * a + b * b)),
  },
};

export interface Surface2dOptions {
  readonly kind: Surface2dKind;
  /** Number of points (default 400). */
  readonly numSamples?: number;
  /** Standard deviation of Gaussian noise added to the target (default 0). */
  readonly noise?: number;
  readonly seed?: number;
}

/**
 * A 2-D regression set.
 *
 * @example
 * const ds = surface2d({ kind: 'sine', numSamples: 500, noise: 0.05, seed: 3 });
 */
export function surface2d(options: Surface2dOptions): Dataset {
  const kind = requireOneOf('kind', options.kind, SURFACE_2D_KINDS);
  const n = requireInteger('numSamples', options.numSamples ?? 400, 1);
  const noise = requireNonNegative('noise', options.noise ?? 0);
  const seed = requireSeed('seed', options.seed ?? 0);
  const rng = generatorRng(seed, GENERATOR_STREAM.surface2d, SURFACE_2D_KINDS.indexOf(kind));
  const { f, formula } = SURFACES[kind];
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // The target is computed from the float32 inputs the model will see.
    const a = Math.fround(rng.uniformIn(-1, 1));
    const b = Math.fround(rng.uniformIn(-1, 1));
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = f(a, b) + noise * rng.normal();
  }
  return new Dataset({
    x,
    featureShape: [2],
    y,
    targetShape: [1],
    metadata: {
      name: `surface-${kind}`,
      task: 'regression',
      description: `Inputs uniform in [-1, 1]^2; target ${formula}${noise > 0 ? ` plus N(0, ${noise}^2) noise` : ''}.`,
      featureNames: ['x1', 'x2'],
      targetNames: ['y'],
      classes: [],
      source: `synthetic: surface2d({ kind: '${kind}', numSamples: ${n}, noise: ${noise}, seed: ${seed} })`,
      licence: GENERATED_LICENCE,
      preprocessing: [],
      details: { kind, formula, numSamples: n, noise, seed },
    },
  });
}
