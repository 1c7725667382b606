import * as tf from '@tensorflow/tfjs-core';
import { HOST_FINITE_FLAGS, kernelFor } from './host-memory.js';

/**
 * Name of the kernel that tells whether a float32 scalar is finite, both ways: input `x`; outputs
 * `finite` and its negation (bool scalars), the guard of a step and its "skipped" flag.
 *
 * Backends may register one under this name; core has its own for webgl only (./webgl.ts), for layout rather than arithmetic: tfjs's
 * IsFinite and LogicalNot are unpacked shaders only, so on the packed norm that tfjs's sqrt
 * writes they cost an unpack, and their result a pack in every packed program that reads it (the
 * guarded update of each variable, telemetry). Core's two one-fragment shaders keep the norm's
 * layout. Elsewhere {@link finiteFlags} runs the two ops, which cost no more there.
 */
export const FINITE_FLAGS = 'DeltaClipFiniteFlags';

/** Whether x (a float32 scalar) is finite, and whether it is not, as bool scalars. */
export function finiteFlags(x: tf.Scalar): { finite: tf.Scalar; notFinite: tf.Scalar } {
  const kernel = kernelFor(FINITE_FLAGS, HOST_FINITE_FLAGS, [x]);
  if (kernel !== undefined) {
    const [finite, notFinite] = tf.engine().runKernel(kernel, { x }) as tf.Tensor[];
    return { finite: finite as tf.Scalar, notFinite: notFinite as tf.Scalar };
  }
  const finite = tf.isFinite(x) as tf.Scalar;
  return { finite, notFinite: tf.logicalNot(finite) as tf.Scalar };
}
