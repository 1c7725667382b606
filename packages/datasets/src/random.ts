/**
 * The dataset-specific use of deltaclip's one PRNG (`Rng`, sfc32, from @deltaclip/utils): the
 * stream ids of splits, epoch orders and synthetic data, and the pure epoch order. Every random
 * choice in this package is a function of the user's seed and a fixed stream path, with no hidden
 * global state, so results are identical in Node and browsers.
 */
import { permutation, requireInteger, requireSeed, rngFor } from '@deltaclip/utils';

/** Stream ids: independent random streams derived from one user seed. */
export const STREAM = {
  split: 1,
  epoch: 2,
  synthetic: 3,
} as const;

/**
 * The sample order of epoch `epoch` for a set of `n` samples: a pure function of
 * `(n, seed, epoch)`. A resumed run that recomputes it sees exactly the order an uninterrupted
 * run saw, so it can skip to any batch.
 */
export function epochOrder(n: number, seed: number, epoch: number): Uint32Array {
  requireInteger('n', n, 0);
  requireSeed('seed', seed);
  requireInteger('epoch', epoch, 0);
  return permutation(n, rngFor(seed, STREAM.epoch, epoch));
}
