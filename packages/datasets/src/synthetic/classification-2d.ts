/**
 * 2-D classification sets for plots and playgrounds: circle, xor, spiral, gaussians. Seeded and
 * deterministic; classes are balanced (sample i has class i mod K); features are float32 pairs.
 */

import { requireInteger, requireNonNegative, requireOneOf, requireSeed } from '@deltaclip/utils';
import { Dataset } from '../dataset.js';
import { GENERATED_LICENCE, GENERATOR_STREAM, generatorRng } from './common.js';

export const CLASSIFICATION_2D_KINDS = ['circle', 'xor', 'spiral', 'gaussians'] as const;
export type Classification2dKind = (typeof CLASSIFICATION_2D_KINDS)[number];

export interface Classification2dOptions {
  readonly kind: Classification2dKind;
  /** Number of points (default 400). */
  readonly numSamples?: number;
  /**
   * Standard deviation of Gaussian noise added to each coordinate. Defaults: circle 0.05, xor 0.05,
   * spiral 0.03, gaussians 0.15 (for gaussians it is the blobs' own spread).
   */
  readonly noise?: number;
  /** spiral: number of arms (default 2); gaussians: number of blobs (default 3). Others: 2. */
  readonly numClasses?: number;
  readonly seed?: number;
}

const DEFAULT_NOISE: Readonly<Record<Classification2dKind, number>> = {
  circle: 0.05,
  xor: 0.05,
  spiral: 0.03,
  gaussians: 0.15,
};

const DESCRIPTION: Readonly<Record<Classification2dKind, string>> = {
  circle:
    'Points inside a disc of radius 0.5 (class inside) or in the ring 0.7..1 (class outside).',
  xor: 'Points uniform in [-1, 1]^2; the class is whether the coordinates have the same sign.',
  spiral: 'Interleaved spiral arms (1.5 turns from the origin to radius 1), one class per arm.',
  gaussians: 'Gaussian blobs centred on the circle of radius 0.6, one class per blob.',
};

/**
 * A 2-D classification set.
 *
 * @example
 * const spiral = classification2d({ kind: 'spiral', numSamples: 600, seed: 1 });
 * const { x, y } = spiral.toTensors(); // x: [600, 2], y: [600, 2] one-hot
 */
export function classification2d(options: Classification2dOptions): Dataset {
  const kind = requireOneOf('kind', options.kind, CLASSIFICATION_2D_KINDS);
  const n = requireInteger('numSamples', options.numSamples ?? 400, 1);
  const noise = requireNonNegative('noise', options.noise ?? DEFAULT_NOISE[kind]);
  const seed = requireSeed('seed', options.seed ?? 0);
  const k =
    kind === 'spiral' || kind === 'gaussians'
      ? requireInteger('numClasses', options.numClasses ?? (kind === 'spiral' ? 2 : 3), 2)
      : 2;
  if (
    (kind === 'circle' || kind === 'xor') &&
    options.numClasses !== undefined &&
    options.numClasses !== 2
  ) {
    throw new RangeError(`numClasses of ${kind} must be 2 (got ${options.numClasses})`);
  }
  const rng = generatorRng(
    seed,
    GENERATOR_STREAM.classification2d,
    CLASSIFICATION_2D_KINDS.indexOf(kind),
  );
  const x = new Float32Array(2 * n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % k;
    let px = 0;
    let py = 0;
    switch (kind) {
      case 'circle': {
        // Area-uniform radius in the disc [0, 0.5] or the ring [0.7, 1].
        const u = rng.uniform();
        const r = label === 0 ? 0.5 * Math.sqrt(u) : Math.sqrt(0.49 + u * 0.51);
        const a = 2 * Math.PI * rng.uniform();
        px = r * Math.cos(a);
        py = r * Math.sin(a);
        break;
      }
      case 'xor': {
        // Same sign (class 0) or opposite signs (class 1), magnitudes uniform in [0, 1).
        const sx = rng.uniform() < 0.5 ? -1 : 1;
        const sy = label === 0 ? sx : -sx;
        px = sx * rng.uniform();
        py = sy * rng.uniform();
        break;
      }
      case 'spiral': {
        const t = rng.uniform();
        const a = 3 * Math.PI * t + (2 * Math.PI * label) / k;
        px = t * Math.cos(a);
        py = t * Math.sin(a);
        break;
      }
      case 'gaussians': {
        const a = (2 * Math.PI * label) / k;
        px = 0.6 * Math.cos(a);
        py = 0.6 * Math.sin(a);
        break;
      }
    }
    x[2 * i] = px + noise * rng.normal();
    x[2 * i + 1] = py + noise * rng.normal();
    y[i] = label;
  }
  const classes =
    kind === 'circle'
      ? ['inside', 'outside']
      : kind === 'xor'
        ? ['same sign', 'opposite signs']
        : Array.from({ length: k }, (_, c) => `${kind === 'spiral' ? 'arm' : 'blob'} ${c + 1}`);
  return new Dataset({
    x,
    featureShape: [2],
    y,
    targetShape: [],
    numClasses: k,
    metadata: {
      name: kind,
      task: 'classification',
      description: DESCRIPTION[kind],
      featureNames: ['x1', 'x2'],
      targetNames: [],
      classes,
      source: `synthetic: classification2d({ kind: '${kind}', numSamples: ${n}, noise: ${noise}, numClasses: ${k}, seed: ${seed} })`,
      licence: GENERATED_LICENCE,
      preprocessing: [],
      details: { kind, numSamples: n, noise, numClasses: k, seed },
    },
  });
}
