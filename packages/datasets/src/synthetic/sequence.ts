/**
 * A small sequence task for transformers: random token sequences whose target is the same
 * sequence (copy) or the reversed one (reverse), one class label per position.
 */

import { requireInteger, requireOneOf, requireSeed } from '@deltaclip/utils';
import { Dataset } from '../dataset.js';
import { GENERATED_LICENCE, GENERATOR_STREAM, generatorRng } from './common.js';

export const SEQUENCE_KINDS = ['copy', 'reverse'] as const;
export type SequenceKind = (typeof SEQUENCE_KINDS)[number];

export interface SequenceTaskOptions {
  readonly kind: SequenceKind;
  /** Number of sequences (default 1000). */
  readonly numSamples?: number;
  /** Tokens per sequence (default 8). */
  readonly length?: number;
  /** Tokens are 0..vocabSize-1 (default 10). */
  readonly vocabSize?: number;
  readonly seed?: number;
}

/**
 * Token sequences: features `[length]` int32 tokens, targets `[length]` labels with `vocabSize`
 * classes (batches give one-hot `[batch, length, vocabSize]`, or int32 with `labels: 'index'`).
 *
 * @example
 * const ds = sequenceTask({ kind: 'reverse', numSamples: 2000, length: 6, vocabSize: 8, seed: 0 });
 */
export function sequenceTask(options: SequenceTaskOptions): Dataset {
  const kind = requireOneOf('kind', options.kind, SEQUENCE_KINDS);
  const n = requireInteger('numSamples', options.numSamples ?? 1000, 1);
  const length = requireInteger('length', options.length ?? 8, 1);
  const vocabSize = requireInteger('vocabSize', options.vocabSize ?? 10, 2);
  const seed = requireSeed('seed', options.seed ?? 0);
  const rng = generatorRng(seed, GENERATOR_STREAM.sequence, SEQUENCE_KINDS.indexOf(kind));
  const x = new Int32Array(n * length);
  const y = new Int32Array(n * length);
  for (let i = 0; i < n; i++) {
    const base = i * length;
    for (let t = 0; t < length; t++) x[base + t] = rng.int(vocabSize);
    for (let t = 0; t < length; t++) {
      y[base + t] = kind === 'copy' ? x[base + t]! : x[base + length - 1 - t]!;
    }
  }
  return new Dataset({
    x,
    featureShape: [length],
    y,
    targetShape: [length],
    numClasses: vocabSize,
    metadata: {
      name: `sequence-${kind}`,
      task: 'sequence',
      description: `Random sequences of ${length} tokens from ${vocabSize}; predict, at every position, the token of the ${kind === 'copy' ? 'same sequence' : 'reversed sequence'}.`,
      featureNames: [],
      targetNames: [],
      classes: Array.from({ length: vocabSize }, (_, t) => String(t)),
      source: `synthetic: sequenceTask({ kind: '${kind}', numSamples: ${n}, length: ${length}, vocabSize: ${vocabSize}, seed: ${seed} })`,
      licence: GENERATED_LICENCE,
      preprocessing: [],
      details: { kind, numSamples: n, length, vocabSize, seed },
    },
  });
}
