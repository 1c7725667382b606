import { InvalidOptionError, requireGradients } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { PlStarModel } from './model.js';
import { resolveSamples, type SampleSelection } from './sample-selection.js';

export interface JacobianOptions {
  /** Samples whose rows to compute: a count (the first n) or indices. Default: all. */
  readonly samples?: SampleSelection;
  /** Differentiate with respect to these (default `model.variables`). */
  readonly variables?: readonly tf.Variable[];
  /** Passed to `model.apply` (default false: dropout and the like off). */
  readonly training?: boolean;
}

/**
 * Per-sample Jacobian rows `J_(i,j) = d f_j(x_i) / d w` over all variables concatenated (in the
 * order of `variables`, each flattened row-major), as float32. Row `i * k + j` belongs to sample
 * `samples[i]` and output `j` of the k outputs per sample.
 */
export interface JacobianRows {
  readonly rows: Float32Array;
  readonly numRows: number;
  readonly numParams: number;
  readonly outputsPerSample: number;
  readonly samples: readonly number[];
}

function sliceSample(x: tf.Tensor, i: number): tf.Tensor {
  return tf.slice(x, i, 1);
}

/**
 * Per-sample Jacobian rows of a model. Cost: for each of the n samples and each of its k outputs,
 * one forward and one backward pass on that single sample (n*k gradient evaluations at batch size
 * 1, about the arithmetic of k full-batch gradients on n samples plus per-call overhead), and
 * n*k*p float32 values of memory. No per-sample trick is generic over models, so this is the
 * honest way; the rows are read back one at a time.
 */
export async function jacobianRows(
  model: PlStarModel,
  x: tf.Tensor,
  options: JacobianOptions = {},
): Promise<JacobianRows> {
  requireGradients(tf, 'plstar');
  if (x.rank < 1) throw new InvalidOptionError(`x must have a batch dimension (got a scalar)`);
  const numSamples = x.shape[0]!;
  const samples = resolveSamples(options.samples ?? numSamples, numSamples, 'samples');
  const variables = options.variables ?? model.variables;
  if (variables.length === 0)
    throw new InvalidOptionError('the model has no variables to differentiate');
  const training = options.training ?? false;
  const numParams = variables.reduce((s, v) => s + v.size, 0);
  const outputsPerSample = tf.tidy(
    () => model.apply(sliceSample(x, samples[0]!), { training }).size,
  );
  const rows = new Float32Array(samples.length * outputsPerSample * numParams);
  let offset = 0;
  for (const i of samples) {
    for (let j = 0; j < outputsPerSample; j++) {
      const row = tf.tidy(() => {
        const xi = sliceSample(x, i);
        const { grads } = tf.variableGrads(() => {
          const out = tf.reshape(model.apply(xi, { training }), [-1]);
          return (outputsPerSample === 1 ? tf.sum(out) : tf.sum(tf.slice(out, j, 1))) as tf.Scalar;
        }, variables as tf.Variable[]);
        return tf.concat(variables.map((v) => tf.reshape(grads[v.name] ?? tf.zerosLike(v), [-1])));
      });
      rows.set(await row.data(), offset);
      row.dispose();
      offset += numParams;
    }
  }
  return { rows, numRows: samples.length * outputsPerSample, numParams, outputsPerSample, samples };
}
