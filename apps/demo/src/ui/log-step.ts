/**
 * Arrow-key steps for the scale parameters eta, gamma and delta: they span decades, so a step of
 * 1 (the browser's default for step="any") jumps from δ = 0.1 to 1.1; these fields move along
 * 1, 2, 5, 10, 20, 50... instead, the way a person sweeps a learning rate.
 */

/** The 1-2-5 mantissas of one decade. */
const MANTISSAS = [1, 2, 5] as const;

export interface LogStepRange {
  /** Smallest allowed value (0 for δ, where 0 is plain clipping; exclusive 0 for eta and gamma). */
  readonly min: number;
  readonly max: number;
  /** Smallest positive value a step reaches (below it, a step down goes to `min` when min is 0). */
  readonly smallest: number;
}

/** The 1-2-5 value `k` grid steps from 1 (k = 0 is 1, 1 is 2, 2 is 5, 3 is 10, -1 is 0.5...). */
function gridValue(k: number): number {
  const decade = Math.floor(k / 3);
  const m = MANTISSAS[k - 3 * decade]!;
  // Build from the decade's power of ten as a string so that 0.2 is 0.2, not 0.20000000000000004.
  return Number(`${m}e${decade}`);
}

/** The grid index of the largest 1-2-5 value <= v (v > 0), with a relative tolerance. */
function gridIndexAtOrBelow(v: number): number {
  let k = 3 * Math.floor(Math.log10(v)) - 3;
  while (gridValue(k + 1) <= v * (1 + 1e-9)) k++;
  while (gridValue(k) > v * (1 + 1e-9)) k--;
  return k;
}

/**
 * The next value from `value` in `direction` (+1 up, -1 down) on the 1-2-5 grid, clamped to the
 * range. From a value between grid points the step goes to the neighbouring grid point.
 */
export function logStep(value: number, direction: 1 | -1, range: LogStepRange): number {
  const clamp = (v: number) => Math.min(range.max, Math.max(range.min, v));
  if (!Number.isFinite(value) || value <= 0) {
    return direction > 0 ? clamp(range.smallest) : clamp(range.min);
  }
  const k = gridIndexAtOrBelow(value);
  const onGrid = Math.abs(gridValue(k) - value) <= value * 1e-9;
  const next = direction > 0 ? gridValue(k + 1) : onGrid ? gridValue(k - 1) : gridValue(k);
  if (direction < 0 && next < range.smallest * (1 - 1e-9)) return clamp(range.min);
  return clamp(next);
}
