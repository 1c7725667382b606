/**
 * The racing optimizers, built from @deltaclip/core with per-step telemetry kept until the worker
 * flushes it (one asynchronous read per chunk of steps, never a sync per step).
 */
import {
  adam,
  deltaGClip,
  gClip,
  sgd,
  type Telemetry,
  type TelemetryOptions,
} from '@deltaclip/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { OptimizerId, OptimizerParams } from '../state/settings.js';

/** A tf.Optimizer from core, with its telemetry. */
export type RacingOptimizer = tf.Optimizer & { readonly telemetry: Telemetry };

const TELEMETRY: TelemetryOptions = { history: true };

/** The optimizer `id` with the given parameters (the ones it does not take are ignored). */
export function createOptimizer(id: OptimizerId, p: OptimizerParams): RacingOptimizer {
  switch (id) {
    case 'sgd':
      return sgd({ learningRate: p.eta, telemetry: TELEMETRY });
    case 'adam':
      return adam({ learningRate: p.eta, telemetry: TELEMETRY });
    case 'gclip':
      return gClip({ learningRate: p.eta, gamma: p.gamma, telemetry: TELEMETRY });
    case 'dgclip':
      return deltaGClip({
        learningRate: p.eta,
        gamma: p.gamma,
        delta: p.delta,
        telemetry: TELEMETRY,
      });
  }
}

/** Whether an optimizer clips (has gamma, and the certificate and δ advisor apply to it). */
export function isClipping(id: OptimizerId): id is 'gclip' | 'dgclip' {
  return id === 'gclip' || id === 'dgclip';
}

/** The delta an optimizer effectively uses (GClip is δ-GClip with delta = 0). */
export function effectiveDelta(id: OptimizerId, p: OptimizerParams): number {
  return id === 'dgclip' ? p.delta : 0;
}
