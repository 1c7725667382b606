/** A loss measured at an optimizer step (step 0: the weights before any update, L_0). */
export interface LossPoint {
  readonly step: number;
  readonly loss: number;
}

/** ||w_t - w_0|| measured at an optimizer step. */
export interface DistancePoint {
  readonly step: number;
  readonly distance: number;
}

/** A PL* ratio mu_t measured at an optimizer step (null where L_t = 0). */
export interface MuPoint {
  readonly step: number;
  readonly mu: number | null;
}

/** A measured value at a step. */
export interface Point {
  readonly step: number;
  readonly value: number | null;
}

/**
 * Normalize a series given either as one value per step from step 0 (`[L_0, L_1, ...]`) or as
 * explicit `{ step, ... }` points.
 */
export function toPoints<T extends { readonly step: number }>(
  values: readonly (number | null)[] | readonly T[],
  pick: (point: T) => number | null,
): Point[] {
  return (values as readonly (number | null | T)[]).map((v, i) =>
    typeof v === 'object' && v !== null ? { step: v.step, value: pick(v) } : { step: i, value: v },
  );
}
