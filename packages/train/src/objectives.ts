import type { Batch } from '@deltaclip/datasets';
import {
  accuracy,
  type Model,
  softmaxCrossEntropy,
  squareLoss,
  type VaeModel,
} from '@deltaclip/models';
import { requireOneOf } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { Objective } from './objective.js';

/**
 * The loss a run minimizes, as JSON:
 * - `square`: (half ? 1/2 : 1) * the squared error, summed (`reduction: 'sum'`) or averaged over
 *   every output element (`'mean'`, default) of the batch — the theory's setting;
 * - `cross-entropy`: softmax cross-entropy averaged over the batch;
 * - `vae`: the paper's VAE loss, summed squared error + KL, summed over the batch (needs a VAE).
 */
export type LossSpec =
  | { readonly kind: 'square'; readonly reduction?: 'mean' | 'sum'; readonly half?: boolean }
  | { readonly kind: 'cross-entropy' }
  | { readonly kind: 'vae' };

export const LOSS_KINDS = ['square', 'cross-entropy', 'vae'] as const;

function isVae(model: Model): model is VaeModel {
  return typeof (model as Partial<VaeModel>).lossTerms === 'function';
}

function batchSize(batch: Batch): number {
  return batch.x.shape[0]!;
}

/** Images [N, h, w, c] as the flat vectors [N, h*w*c] a VAE's loss takes. */
function flat(x: tf.Tensor): tf.Tensor {
  return x.rank === 2 ? x : tf.reshape(x, [x.shape[0]!, -1]);
}

/**
 * Per-sample metric sums for evaluation: `loss` is the per-sample loss in the run's own convention
 * (so a split's average equals the mean-reduced objective; for sum-reduced losses multiply by the
 * split size), `mse` the mean squared error per output, `accuracy` the fraction correct.
 */
export function createObjective(spec: LossSpec, options: { seed?: number } = {}): Objective {
  const kind = requireOneOf('loss.kind', spec?.kind, LOSS_KINDS);
  const seed = options.seed ?? 0;
  switch (kind) {
    case 'square': {
      const s = spec as Extract<LossSpec, { kind: 'square' }>;
      const reduction = requireOneOf('loss.reduction', s.reduction ?? 'mean', [
        'mean',
        'sum',
      ] as const);
      const half = s.half ?? false;
      const factor = half ? 0.5 : 1;
      return {
        name: `${half ? '0.5 * ' : ''}${reduction === 'sum' ? 'summed' : 'mean'} squared error`,
        loss: (model, batch) =>
          squareLoss(model.apply(batch.x, { training: true }), batch.y, { reduction, half }),
        metricSums(model, batch) {
          const pred = model.apply(batch.x);
          const squared = tf.square(tf.sub(pred, batch.y));
          const outputs = squared.size / batchSize(batch);
          const total = tf.sum(squared);
          // Per-sample loss: factor * sum over the sample's outputs (sum) or their mean (mean).
          const loss = tf.mul(total, reduction === 'sum' ? factor : factor / outputs);
          return { loss: loss as tf.Scalar, mse: tf.div(total, outputs) as tf.Scalar };
        },
      };
    }
    case 'cross-entropy':
      return {
        name: 'softmax cross-entropy',
        loss: (model, batch) =>
          softmaxCrossEntropy(model.apply(batch.x, { training: true }), batch.y),
        metricSums(model, batch) {
          const logits = model.apply(batch.x);
          const n = batchSize(batch);
          return {
            loss: softmaxCrossEntropy(logits, batch.y, { reduction: 'sum' }),
            accuracy: tf.mul(accuracy(logits, batch.y), n) as tf.Scalar,
          };
        },
      };
    case 'vae':
      return {
        name: 'VAE: summed squared error + KL',
        loss(model, batch, step) {
          if (!isVae(model)) {
            throw new RangeError(`loss 'vae' needs a VAE model (got '${model.name}')`);
          }
          // Noise seeded by (run seed, step): a resumed run draws exactly the same samples.
          return model.loss(flat(batch.x), { seed: seed * 1_000_003 + step });
        },
        metricSums(model, batch) {
          if (!isVae(model)) {
            throw new RangeError(`loss 'vae' needs a VAE model (got '${model.name}')`);
          }
          const x = flat(batch.x);
          const terms = model.lossTerms(x, { seed: seed * 1_000_003 + 999_999_937 });
          const recon = model.apply(x);
          const mse = tf.div(tf.sum(tf.square(tf.sub(recon, x))), recon.size / batchSize(batch));
          return {
            loss: terms.loss,
            reconstruction: terms.reconstruction,
            kl: terms.kl,
            mse: mse as tf.Scalar,
          };
        },
      };
  }
}
