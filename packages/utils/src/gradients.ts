/**
 * The one check for "are tfjs's gradients registered". tfjs-core's Node entry registers none, so
 * `tf.grad` fails deep inside backprop in a plain `node` process that imports only tfjs-core. This
 * package depends on no tfjs: pass the tfjs-core namespace you use (`import * as tf from
 * '@tensorflow/tfjs-core'`), which also makes the check look at *your* copy of tfjs-core.
 */
import { DeltaclipError } from './errors.js';

/** The part of the tfjs-core namespace the check reads. */
export interface GradientRegistry {
  getGradient(kernelName: string): unknown;
}

/** Probes: a kernel every model differentiates through (Square, BatchMatMul). */
const PROBES = ['Square', 'BatchMatMul'] as const;

/** Whether `tf` has the gradients of the probe kernels registered. */
export function gradientsRegistered(tf: GradientRegistry): boolean {
  return PROBES.every((k) => tf.getGradient(k) != null);
}

/** Thrown when differentiation is asked for and no tfjs gradients are registered. */
export class GradientsNotRegisteredError extends DeltaclipError {
  override readonly name = 'GradientsNotRegisteredError';
  readonly code = 'GRADIENTS_NOT_REGISTERED';

  constructor(readonly who: string) {
    super(
      `No gradients are registered with tfjs-core, so ${who} cannot differentiate the loss. ` +
        "Import '@tensorflow/tfjs' (or '@tensorflow/tfjs-core/dist/register_all_gradients') first, " +
        "or call useBackend()/ensureGradients() from '@deltaclip/backend'.",
    );
  }
}

/** Throws {@link GradientsNotRegisteredError} naming `who` unless gradients are registered. */
export function requireGradients(tf: GradientRegistry, who: string): void {
  if (!gradientsRegistered(tf)) throw new GradientsNotRegisteredError(who);
}
