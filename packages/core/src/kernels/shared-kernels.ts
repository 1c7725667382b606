import type * as tf from '@tensorflow/tfjs-core';
import { DELTA_GCLIP_SCALARS } from './delta-gclip-scalars.js';
import { GUARDED_AXPY } from './guarded-axpy.js';
import { hostKernelConfigs } from './host-memory.js';
import { SELECT_BY_SCALAR } from './select-by-scalar.js';
import { GLOBAL_SUM_OF_SQUARES, SUM_OF_SQUARES } from './sum-of-squares.js';
import { TELEMETRY_STEP } from './telemetry-step.js';

/**
 * Core's host-memory kernels for tfjs's cpu or wasm backend under the shared kernel names, which
 * win over core's own names: what the @deltaclip/backend adapters register, so the kernels are
 * defined once, here.
 */
export function sharedKernelConfigs(backendName: 'cpu' | 'wasm'): tf.KernelConfig[] {
  return hostKernelConfigs(backendName, {
    guardedAxpy: GUARDED_AXPY,
    sumOfSquares: SUM_OF_SQUARES,
    globalSumOfSquares: GLOBAL_SUM_OF_SQUARES,
    selectByScalar: SELECT_BY_SCALAR,
    deltaGClipScalars: DELTA_GCLIP_SCALARS,
    telemetryStep: TELEMETRY_STEP,
  });
}
