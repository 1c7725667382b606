import type { Rng } from '@deltaclip/utils';

/**
 * How a variable's initial value is drawn. All draws come from the variable's own `Rng` (`rngFor(seed, name)`)
 * stream and are rounded to float32.
 *
 * - `zeros`, `ones`, `constant`
 * - `normal`: N(0, std^2)
 * - `truncatedNormal`: N(0, std^2) redrawn until |x| <= 2 std
 * - `uniform`: U(-limit, limit)
 */
export type Init =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'truncatedNormal'; readonly std: number }
  | { readonly kind: 'uniform'; readonly limit: number };

export const zeros: Init = { kind: 'zeros' };
export const ones: Init = { kind: 'ones' };

/** He (Kaiming) normal: N(0, gain^2 / fanIn), gain^2 = 2 / (1 + slope^2) for a (leaky) ReLU. */
export function heNormal(fanIn: number, negativeSlope = 0): Init {
  return { kind: 'normal', std: Math.sqrt(2 / ((1 + negativeSlope * negativeSlope) * fanIn)) };
}

/** Glorot (Xavier) uniform: U(-a, a), a = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(fanIn: number, fanOut: number): Init {
  return { kind: 'uniform', limit: Math.sqrt(6 / (fanIn + fanOut)) };
}

/**
 * PyTorch's default for `nn.Linear` and `nn.Conv2d` weights and biases: U(-1/sqrt(fanIn),
 * 1/sqrt(fanIn)) (kaiming_uniform with a = sqrt(5) gives exactly this bound for the weights).
 */
export function torchDefault(fanIn: number): Init {
  return { kind: 'uniform', limit: 1 / Math.sqrt(fanIn) };
}

/** Fills a float32 array of `size` values drawn as `init` says, from `random`. */
export function initialValues(init: Init, size: number, random: Rng): Float32Array {
  const out = new Float32Array(size);
  switch (init.kind) {
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'constant':
      out.fill(init.value);
      break;
    case 'normal':
      for (let i = 0; i < size; i++) out[i] = init.std * random.normal();
      break;
    case 'truncatedNormal':
      for (let i = 0; i < size; i++) {
        let z = random.normal();
        while (Math.abs(z) > 2) z = random.normal();
        out[i] = init.std * z;
      }
      break;
    case 'uniform':
      for (let i = 0; i < size; i++) out[i] = init.limit * (2 * random.uniform() - 1);
      break;
  }
  return out;
}
