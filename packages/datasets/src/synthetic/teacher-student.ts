/**
 * Teacher-student regression: targets are the outputs of a random deep network (the teacher) on
 * Gaussian inputs, so a student of the same architecture can reach zero loss (an interpolation
 * setting, as PL* theory assumes). The teacher is computed in float64 from the float32 inputs the
 * student sees.
 */

import type { Rng } from '@deltaclip/utils';
import { requireInteger, requireNonNegative, requireOneOf, requireSeed } from '@deltaclip/utils';
import { Dataset } from '../dataset.js';
import { GENERATED_LICENCE, GENERATOR_STREAM, generatorRng } from './common.js';

export type TeacherActivation = 'relu' | 'tanh';

export interface TeacherStudentOptions {
  /** Number of samples (default 1000). */
  readonly numSamples?: number;
  /** Input dimension (default 10). */
  readonly inputDim?: number;
  /** Hidden layer widths of the teacher (default [64, 64]). */
  readonly hiddenWidths?: readonly number[];
  /** Output dimension (default 1). */
  readonly outputDim?: number;
  /** Hidden activation (default relu). */
  readonly activation?: TeacherActivation;
  /** Standard deviation of Gaussian noise added to the targets (default 0: realizable). */
  readonly noise?: number;
  readonly seed?: number;
}

/** The teacher network: `h_{l+1} = act(h_l W_l + b_l)`, linear last layer. */
export interface Teacher {
  /** Layer sizes, input to output, e.g. `[10, 64, 64, 1]`. */
  readonly layerSizes: readonly number[];
  readonly activation: TeacherActivation;
  /** `W_l` row-major `[in, out]`, entries N(0, gain / in) with gain 2 (relu) or 1 (tanh). */
  readonly weights: readonly Float64Array[];
  /** `b_l`, entries N(0, 0.1^2). */
  readonly biases: readonly Float64Array[];
  /** The teacher's outputs for `rows` inputs (row-major `[rows, inputDim]`), in float64. */
  predict(x: ArrayLike<number>, rows: number): Float64Array;
}

function makeTeacher(rng: Rng, sizes: number[], activation: TeacherActivation): Teacher {
  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  const gain = activation === 'relu' ? 2 : 1;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l]!;
    const fanOut = sizes[l + 1]!;
    const sd = Math.sqrt(gain / fanIn);
    weights.push(Float64Array.from({ length: fanIn * fanOut }, () => sd * rng.normal()));
    biases.push(Float64Array.from({ length: fanOut }, () => 0.1 * rng.normal()));
  }
  const act = activation === 'relu' ? (v: number) => Math.max(v, 0) : Math.tanh;
  return {
    layerSizes: sizes,
    activation,
    weights,
    biases,
    predict(x: ArrayLike<number>, rows: number): Float64Array {
      let h = Float64Array.from(x);
      for (let l = 0; l < weights.length; l++) {
        const fanIn = sizes[l]!;
        const fanOut = sizes[l + 1]!;
        const w = weights[l]!;
        const b = biases[l]!;
        const out = new Float64Array(rows * fanOut);
        const last = l === weights.length - 1;
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < fanOut; j++) {
            let s = b[j]!;
            for (let i = 0; i < fanIn; i++) s += h[r * fanIn + i]! * w[i * fanOut + j]!;
            out[r * fanOut + j] = last ? s : act(s);
          }
        }
        h = out;
      }
      return h;
    },
  };
}

/**
 * Teacher-student regression data and the teacher that made it.
 *
 * @example
 * const { dataset, teacher } = teacherStudent({ numSamples: 512, inputDim: 8, hiddenWidths: [32], seed: 0 });
 */
export function teacherStudent(options: TeacherStudentOptions = {}): {
  dataset: Dataset;
  teacher: Teacher;
} {
  const n = requireInteger('numSamples', options.numSamples ?? 1000, 1);
  const inputDim = requireInteger('inputDim', options.inputDim ?? 10, 1);
  const hidden = (options.hiddenWidths ?? [64, 64]).map((w, i) =>
    requireInteger(`hiddenWidths[${i}]`, w, 1),
  );
  const outputDim = requireInteger('outputDim', options.outputDim ?? 1, 1);
  const activation = requireOneOf('activation', options.activation ?? 'relu', [
    'relu',
    'tanh',
  ] as const);
  const noise = requireNonNegative('noise', options.noise ?? 0);
  const seed = requireSeed('seed', options.seed ?? 0);
  const rng = generatorRng(seed, GENERATOR_STREAM.teacherStudent);
  const sizes = [inputDim, ...hidden, outputDim];
  const teacher = makeTeacher(rng, sizes, activation);
  const x = Float32Array.from({ length: n * inputDim }, () => rng.normal());
  const clean = teacher.predict(x, n);
  const y = Float32Array.from(clean, (v) => v + noise * rng.normal());
  return {
    teacher,
    dataset: new Dataset({
      x,
      featureShape: [inputDim],
      y,
      targetShape: [outputDim],
      metadata: {
        name: 'teacher-student',
        task: 'regression',
        description: `Inputs N(0, I_${inputDim}); targets from a random ${activation} teacher network ${sizes.join('-')}${noise > 0 ? ` plus N(0, ${noise}^2) noise` : ' (realizable: a student of the same architecture can reach zero loss)'}.`,
        featureNames: Array.from({ length: inputDim }, (_, i) => `x${i + 1}`),
        targetNames: Array.from({ length: outputDim }, (_, i) =>
          outputDim === 1 ? 'y' : `y${i + 1}`,
        ),
        classes: [],
        source: `synthetic: teacherStudent({ numSamples: ${n}, inputDim: ${inputDim}, hiddenWidths: [${hidden.join(', ')}], outputDim: ${outputDim}, activation: '${activation}', noise: ${noise}, seed: ${seed} })`,
        licence: GENERATED_LICENCE,
        preprocessing: [],
        details: { numSamples: n, layerSizes: sizes, activation, noise, seed },
      },
    }),
  };
}
