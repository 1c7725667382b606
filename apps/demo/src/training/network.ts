/**
 * The weights the network diagram shows: per dense layer the kernel and bias of the first
 * `maxUnits` units on each side (a diagram of 256 units per layer is unreadable and costly to
 * send twice a second), sliced on the device so only those values are read.
 */
import type { Model } from '@deltaclip/models';
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerId } from '../state/settings.js';

/** Units drawn per layer at most (inputs and outputs too). */
export const DIAGRAM_MAX_UNITS = 12;

export interface DiagramLayer {
  /** Units of the layer's input and output side, all of them. */
  readonly inputs: number;
  readonly outputs: number;
  /** How many of them are shown (and in `kernel`, `bias`). */
  readonly shownIn: number;
  readonly shownOut: number;
  /** Row-major [shownIn, shownOut]: kernel[i * shownOut + j] joins input i to output j. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
}

export interface NetworkWeights {
  readonly optimizer: OptimizerId;
  readonly step: number;
  readonly layers: readonly DiagramLayer[];
}

/** The dense layers of an MLP (variables `.../dense<k>/kernel` and `/bias`), input side first. */
export async function readNetwork(
  model: Model,
  maxUnits: number = DIAGRAM_MAX_UNITS,
): Promise<DiagramLayer[]> {
  const layers: DiagramLayer[] = [];
  for (let k = 0; ; k++) {
    const kernel = model.variables.find((v) => v.name.endsWith(`dense${k}/kernel`));
    const bias = model.variables.find((v) => v.name.endsWith(`dense${k}/bias`));
    if (kernel === undefined) break;
    const [inputs, outputs] = kernel.shape as [number, number];
    const shownIn = Math.min(inputs, maxUnits);
    const shownOut = Math.min(outputs, maxUnits);
    const [kv, bv] = tf.tidy(() => [
      tf.slice(kernel, [0, 0], [shownIn, shownOut]),
      bias === undefined ? tf.zeros([shownOut]) : tf.slice(bias, [0], [shownOut]),
    ]);
    const [kd, bd] = await Promise.all([kv!.data(), bv!.data()]);
    tf.dispose([kv!, bv!]);
    layers.push({
      inputs,
      outputs,
      shownIn,
      shownOut,
      kernel: Float32Array.from(kd),
      bias: Float32Array.from(bd),
    });
  }
  return layers;
}
