import * as tf from '@tensorflow/tfjs-core';
import { REGIME_CODE } from '../types.js';
import { HOST_TELEMETRY_STEP, kernelFor } from './host-memory.js';
import { selectByScalar } from './select-by-scalar.js';

/**
 * Name of the kernel that makes one step's telemetry: inputs `gradNorm`, `clipScale`, `eta`
 * (float32 scalars), `regime` (int32 scalar), `skipped` (bool scalar), `counts` (int32 [4], the
 * steps per regime so far); outputs the row [gradNorm, h, regime] (float32 [3], with h = eta *
 * clipScale, or 0 and the skipped code when skipped) and the counts with this step's regime
 * added. Eight scalar dispatches otherwise (multiply, two selects, cast, stack, and a one-hot
 * add); core's kernels do it on the host (cpu, wasm) or in two tiny shaders (webgl).
 */
export const TELEMETRY_STEP = 'DeltaClipTelemetryStep';

export interface TelemetryStepInputs {
  gradNorm: tf.Scalar;
  clipScale: tf.Scalar | undefined;
  eta: number;
  regime: tf.Scalar | undefined;
  skipped: tf.Scalar | undefined;
}

/** The row [gradNorm, h, regime] (float32 [3]) and the counts updated by this step's regime. */
export function telemetryStep(
  step: TelemetryStepInputs,
  counts: tf.Tensor,
): { row: tf.Tensor1D; counts: tf.Tensor } {
  const inputs = {
    gradNorm: step.gradNorm,
    clipScale: step.clipScale ?? tf.scalar(1),
    eta: tf.scalar(step.eta),
    regime: step.regime ?? tf.scalar(REGIME_CODE.unclipped, 'int32'),
    skipped: step.skipped ?? tf.scalar(false, 'bool'),
    counts,
  };
  const kernel = kernelFor(TELEMETRY_STEP, HOST_TELEMETRY_STEP, [
    inputs.gradNorm,
    inputs.clipScale,
    inputs.skipped,
  ]);
  if (kernel !== undefined) {
    const [row, next] = tf
      .engine()
      .runKernel(kernel, inputs as unknown as tf.NamedTensorMap) as tf.Tensor[];
    return { row: row as tf.Tensor1D, counts: next! };
  }
  const h = tf.mul(inputs.clipScale, inputs.eta) as tf.Scalar;
  const stepSize = selectByScalar(inputs.skipped, tf.scalar(0), h);
  const regime = selectByScalar(
    inputs.skipped,
    tf.scalar(REGIME_CODE.skipped, 'int32'),
    inputs.regime,
  );
  const codes = tf.tensor1d([0, 1, 2, 3], 'int32');
  const asFloat = (t: tf.Tensor) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'));
  return {
    row: tf.stack([asFloat(inputs.gradNorm), stepSize, asFloat(regime)]) as tf.Tensor1D,
    counts: tf.add(counts, tf.cast(tf.equal(regime, codes), 'int32')),
  };
}
