/** Shared bits of the synthetic generators. */
import { type Rng, rngFor } from '@deltaclip/utils';
import { STREAM } from '../random.js';

/** Licence line of generated data. */
export const GENERATED_LICENCE = 'generated data (no licence needed)';

/** Generator ids: each generator draws from its own stream of the user's seed. */
export const GENERATOR_STREAM = {
  classification2d: 1,
  surface2d: 2,
  teacherStudent: 3,
  leastSquares: 4,
  sequence: 5,
} as const;

/** The generator's random stream for a seed. */
export function generatorRng(seed: number, generator: number, variant = 0): Rng {
  return rngFor(seed, STREAM.synthetic, generator, variant);
}
