import { REGIME_CODE } from '../types.js';

/** The attrs of the δ-GClip scalars kernel (see DELTA_GCLIP_SCALARS). */
export interface DeltaGClipScalarsAttrs {
  gamma: number;
  delta: number;
}

/** The regime code of a ratio r = gamma / ||g|| as a host number (see `regimeOf`). */
export function regimeCode(ratio: number, delta: number): number {
  if (delta >= 1) return REGIME_CODE.unclipped;
  const floor = Math.fround(delta);
  return (ratio < 1 ? 1 : 0) + (ratio < floor ? 1 : 0);
}

/**
 * δ-GClip's scale and regime from the norm, as the ops compute them: the ratio rounded to float32
 * (tfjs's RealDiv), the clamp compared against delta itself (ClipByValue), the regime's
 * thresholds against float32 delta (Less with a float32 tensor). Host numbers in, host numbers
 * out, for the host-memory kernels.
 */
export function deltaGClipScalarsOf(
  norm: number,
  gamma: number,
  delta: number,
): { scale: number; regime: number } {
  if (norm === 0) return { scale: 0, regime: REGIME_CODE.skipped };
  const ratio = Number.isNaN(norm) ? 0 : Math.fround(Math.fround(gamma) / norm);
  const scale = delta >= 1 ? 1 : ratio < delta ? delta : Math.min(ratio, 1);
  return { scale: Math.fround(scale), regime: regimeCode(ratio, delta) };
}
