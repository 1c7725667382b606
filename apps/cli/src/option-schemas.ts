/**
 * The value schemas of the CLI's options (valibot). Flags and config files go through the same
 * schema: a flag's text is turned into a number once (args.ts), a config file's JSON value is used
 * as it is, so `{"epochs": "5"}` and `{"epochs": true}` are errors rather than 5 and 1 epochs.
 *
 * Every issue of one schema carries the same message, the requirement in words (`must be an integer
 * >= 1`), so whichever check fails, args.ts can print `--epochs must be an integer >= 1 (got -5)`.
 */
import * as v from 'valibot';

export type OptionSchema = v.GenericSchema<unknown, unknown>;

export function text(): OptionSchema {
  return v.string('must be a string');
}

export function flag(): OptionSchema {
  return v.boolean('must be true or false');
}

export function integerAtLeast(min: number, m = `must be an integer >= ${min}`): OptionSchema {
  return v.pipe(v.number(m), v.finite(m), v.integer(m), v.minValue(min, m));
}

/** A seed: an integer in [0, 2^53), as @deltaclip/utils' requireSeed accepts. */
export function seed(): OptionSchema {
  const m = 'must be an integer in [0, 2^53)';
  return v.pipe(
    v.number(m),
    v.integer(m),
    v.minValue(0, m),
    v.maxValue(Number.MAX_SAFE_INTEGER, m),
  );
}

/** A sample count per step, or `full` for full-batch gradient descent. */
export function batchSize(): OptionSchema {
  const m = "must be an integer >= 1 or 'full'";
  // A union reports the issue of the branch that matched the type, so both branches say it all.
  return v.union([integerAtLeast(1, m), v.literal('full', m)], m);
}

export function oneOf(choices: readonly string[]): OptionSchema {
  return v.picklist(choices, `must be one of ${choices.join(', ')}`);
}
