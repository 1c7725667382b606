import { InvalidOptionError, requireInteger } from '@deltaclip/utils';

/**
 * Which samples an analysis uses: `'all'`, a count n (the first n samples) or explicit indices
 * into the batch of `numSamples` samples.
 */
export type SampleSelection = 'all' | number | readonly number[];

/** Resolve a selection to distinct indices in [0, numSamples). */
export function resolveSamples(
  selection: SampleSelection,
  numSamples: number,
  name = 'samples',
): number[] {
  if (selection === 'all') return Array.from({ length: numSamples }, (_, i) => i);
  if (typeof selection === 'string') {
    throw new InvalidOptionError(
      `${name} must be 'all', a count or a list of indices (got ${JSON.stringify(selection)})`,
    );
  }
  if (typeof selection === 'number') {
    const n = requireInteger(name, selection, 1);
    if (n > numSamples) {
      throw new InvalidOptionError(
        `${name} must be <= the number of samples ${numSamples} (got ${n})`,
      );
    }
    return Array.from({ length: n }, (_, i) => i);
  }
  if (selection.length === 0) {
    throw new InvalidOptionError(`${name} must select at least one sample (got an empty list)`);
  }
  const seen = new Set<number>();
  for (const i of selection) {
    requireInteger(`${name}[]`, i, 0);
    if (i >= numSamples) {
      throw new InvalidOptionError(
        `${name}[] must be < the number of samples ${numSamples} (got ${i})`,
      );
    }
    if (seen.has(i))
      throw new InvalidOptionError(`${name} must not repeat a sample (got ${i} twice)`);
    seen.add(i);
  }
  return [...selection];
}
