/**
 * The list of datasets this package knows, for `deltaclip datasets` and the demo: what each is,
 * where it comes from, and how to get it (bundled, generated, or from the user's files).
 */
import type { Dataset } from './dataset.js';
import type { ExpectedFile } from './errors.js';
import { CIFAR_FILES, cifarObtainHint } from './formats/cifar.js';
import { MNIST_FILES, mnistObtainHint } from './formats/mnist.js';
import type { Task } from './metadata.js';
import {
  CLASSIFICATION_2D_KINDS,
  type Classification2dKind,
  type Classification2dOptions,
  classification2d,
} from './synthetic/classification-2d.js';
import { GENERATED_LICENCE } from './synthetic/common.js';
import { type LeastSquaresOptions, linearLeastSquares } from './synthetic/least-squares.js';
import { type SequenceTaskOptions, sequenceTask } from './synthetic/sequence.js';
import {
  SURFACE_2D_KINDS,
  SURFACES,
  type Surface2dKind,
  type Surface2dOptions,
  surface2d,
} from './synthetic/surface-2d.js';
import { type TeacherStudentOptions, teacherStudent } from './synthetic/teacher-student.js';

/** How a dataset is obtained. */
export type DatasetKind = 'bundled' | 'synthetic' | 'files';

export interface CatalogEntry {
  readonly name: string;
  readonly kind: DatasetKind;
  readonly task: Task;
  readonly description: string;
  readonly source: string;
  readonly licence: string;
  /** `files` datasets: the files a directory must hold (names accepted per file). */
  readonly files?: readonly ExpectedFile[];
  /** `files` datasets: where users usually obtain them. */
  readonly obtain?: string;
}

const mnistFiles = [
  MNIST_FILES.trainImages,
  MNIST_FILES.trainLabels,
  MNIST_FILES.testImages,
  MNIST_FILES.testLabels,
];

/** Every dataset, bundled first. */
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'cars',
    kind: 'bundled',
    task: 'regression',
    description:
      'Cars of 1970-1982: predict miles per gallon from 6 numeric columns (392 complete rows of 406).',
    source: 'vega-datasets data/cars.json (StatLib, 1983 ASA Data Exposition)',
    licence:
      'vega-datasets: BSD-3-Clause; StatLib: distributed for educational and scientific purposes',
  },
  {
    name: 'penguins',
    kind: 'bundled',
    task: 'classification',
    description:
      'Palmer penguins: predict the species (3) from 4 measurements, island and sex (333 complete rows of 344).',
    source: 'vega-datasets data/penguins.json (Palmer Station LTER, K. Gorman; palmerpenguins)',
    licence: 'CC0 1.0; vega-datasets: BSD-3-Clause',
  },
  ...CLASSIFICATION_2D_KINDS.map(
    (kind): CatalogEntry => ({
      name: kind,
      kind: 'synthetic',
      task: 'classification',
      description: classification2d({ kind, numSamples: 1 }).metadata.description,
      source: 'synthetic: classification2d',
      licence: GENERATED_LICENCE,
    }),
  ),
  ...SURFACE_2D_KINDS.map(
    (kind): CatalogEntry => ({
      name: `surface-${kind}`,
      kind: 'synthetic',
      task: 'regression',
      description: `Inputs uniform in [-1, 1]^2; target ${SURFACES[kind].formula}.`,
      source: 'synthetic: surface2d',
      licence: GENERATED_LICENCE,
    }),
  ),
  {
    name: 'teacher-student',
    kind: 'synthetic',
    task: 'regression',
    description: 'Gaussian inputs, targets from a random deep ReLU network (realizable).',
    source: 'synthetic: teacherStudent',
    licence: GENERATED_LICENCE,
  },
  {
    name: 'linear-least-squares',
    kind: 'synthetic',
    task: 'regression',
    description:
      'Linear least squares with a prescribed spectrum: PL* constants known in closed form.',
    source: 'synthetic: linearLeastSquares',
    licence: GENERATED_LICENCE,
  },
  {
    name: 'sequence-copy',
    kind: 'synthetic',
    task: 'sequence',
    description: 'Random token sequences; predict the same token at every position.',
    source: 'synthetic: sequenceTask',
    licence: GENERATED_LICENCE,
  },
  {
    name: 'sequence-reverse',
    kind: 'synthetic',
    task: 'sequence',
    description: 'Random token sequences; predict the reversed sequence.',
    source: 'synthetic: sequenceTask',
    licence: GENERATED_LICENCE,
  },
  {
    name: 'mnist',
    kind: 'files',
    task: 'classification',
    description: 'Handwritten digits, 60,000 + 10,000 28 x 28 grey images, 10 classes.',
    source: 'Y. LeCun, C. Cortes, C. J. C. Burges',
    licence: 'CC BY-SA 3.0',
    files: mnistFiles,
    obtain: mnistObtainHint('mnist'),
  },
  {
    name: 'fashion-mnist',
    kind: 'files',
    task: 'classification',
    description: 'Zalando articles, 60,000 + 10,000 28 x 28 grey images, 10 classes.',
    source: 'H. Xiao, K. Rasul, R. Vollgraf (Zalando Research, 2017)',
    licence: 'MIT',
    files: mnistFiles,
    obtain: mnistObtainHint('fashion-mnist'),
  },
  {
    name: 'cifar-10',
    kind: 'files',
    task: 'classification',
    description: '50,000 + 10,000 32 x 32 colour images, 10 classes.',
    source: 'A. Krizhevsky (2009)',
    licence: 'No explicit licence; cite Krizhevsky (2009)',
    files: [...CIFAR_FILES['cifar-10'].train, ...CIFAR_FILES['cifar-10'].test],
    obtain: cifarObtainHint('cifar-10'),
  },
  {
    name: 'cifar-100',
    kind: 'files',
    task: 'classification',
    description: '50,000 + 10,000 32 x 32 colour images, 100 fine / 20 coarse classes.',
    source: 'A. Krizhevsky (2009)',
    licence: 'No explicit licence; cite Krizhevsky (2009)',
    files: [...CIFAR_FILES['cifar-100'].train, ...CIFAR_FILES['cifar-100'].test],
    obtain: cifarObtainHint('cifar-100'),
  },
];

/** Options of {@link syntheticDataset}: those of the generator the name selects. */
export type SyntheticOptions = Omit<Partial<Classification2dOptions>, 'kind'> &
  Omit<Partial<Surface2dOptions>, 'kind'> &
  TeacherStudentOptions &
  LeastSquaresOptions &
  Omit<Partial<SequenceTaskOptions>, 'kind'>;

/**
 * A synthetic dataset by its catalog name (`spiral`, `surface-sine`, `teacher-student`,
 * `linear-least-squares`, `sequence-reverse`, ...), with the generator's options.
 */
export function syntheticDataset(name: string, options: SyntheticOptions = {}): Dataset {
  if ((CLASSIFICATION_2D_KINDS as readonly string[]).includes(name)) {
    return classification2d({ ...options, kind: name as Classification2dKind });
  }
  if (
    name.startsWith('surface-') &&
    (SURFACE_2D_KINDS as readonly string[]).includes(name.slice(8))
  ) {
    return surface2d({ ...options, kind: name.slice(8) as Surface2dKind });
  }
  if (name === 'teacher-student') return teacherStudent(options).dataset;
  if (name === 'linear-least-squares') return linearLeastSquares(options).dataset;
  if (name === 'sequence-copy' || name === 'sequence-reverse') {
    return sequenceTask({ ...options, kind: name === 'sequence-copy' ? 'copy' : 'reverse' });
  }
  const names = CATALOG.filter((e) => e.kind === 'synthetic').map((e) => `'${e.name}'`);
  throw new RangeError(
    `unknown synthetic dataset ${JSON.stringify(name)}; choose one of ${names.join(', ')}`,
  );
}
