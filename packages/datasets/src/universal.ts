/**
 * Everything that runs unchanged in browsers and Node. The entries add the bundled-data loaders
 * of their runtime (index.ts: embedded copy; index.node.ts: installed vega-datasets files).
 */
export {
  BUNDLED_DATASETS,
  type BundledName,
  type BundledOptions,
} from './bundled/vega.js';
export {
  CATALOG,
  type CatalogEntry,
  type DatasetKind,
  type SyntheticOptions,
  syntheticDataset,
} from './catalog.js';
export {
  type Batch,
  type BatchesOptions,
  type BatchOptions,
  Dataset,
  type DatasetInit,
  type FeatureArray,
  type FeatureStatistics,
  type LabelEncoding,
  type TargetArray,
} from './dataset.js';
export {
  DatasetFormatError,
  type DatasetFormatErrorDetails,
  DatasetNotFoundError,
  DatasetTooLargeError,
  type ExpectedFile,
  type FormatErrorLocation,
  UnknownColumnError,
} from './errors.js';
export {
  CIFAR10_CLASSES,
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  type CifarBatch,
  type CifarDatasetOptions,
  type CifarLayout,
  type CifarVariant,
  cifarDataset,
  type ParseCifarOptions,
  parseCifar,
  readCifar,
} from './formats/cifar.js';
export {
  type IdxArray,
  type IdxDtype,
  type IdxExpectation,
  type ParseIdxOptions,
  parseIdx,
  readIdx,
} from './formats/idx.js';
export { DEFAULT_MAX_BYTES, type ReadLimits } from './formats/limits.js';
export {
  type MnistOptions,
  type MnistSources,
  type MnistVariant,
  mnistDataset,
  readMnist,
} from './formats/mnist.js';
export type {
  BinarySource,
  TextSource,
} from './formats/source.js';
export type { DatasetMetadata, Normalization, SplitName, Splits, Task } from './metadata.js';
export { epochOrder } from './random.js';
export {
  CLASSIFICATION_2D_KINDS,
  type Classification2dKind,
  type Classification2dOptions,
  classification2d,
} from './synthetic/classification-2d.js';
export {
  type LeastSquaresConstants,
  type LeastSquaresOptions,
  type LeastSquaresTheory,
  linearLeastSquares,
  type SpectrumSpec,
} from './synthetic/least-squares.js';
export {
  SEQUENCE_KINDS,
  type SequenceKind,
  type SequenceTaskOptions,
  sequenceTask,
} from './synthetic/sequence.js';
export {
  SURFACE_2D_KINDS,
  SURFACES,
  type Surface2dKind,
  type Surface2dOptions,
  surface2d,
} from './synthetic/surface-2d.js';
export {
  type Teacher,
  type TeacherActivation,
  type TeacherStudentOptions,
  teacherStudent,
} from './synthetic/teacher-student.js';
export { type CsvOptions, parseCsv } from './tabular/csv.js';
export { type ReadTableOptions, readTable } from './tabular/read-table.js';
export {
  type Cell,
  type ColumnSummary,
  cellNumber,
  DEFAULT_MISSING_TOKENS,
  isMissing,
  summarizeTable,
  type Table,
  tableFromJson,
} from './tabular/table.js';
export {
  type MissingPolicy,
  type TabularSpec,
  type TabularSplitOptions,
  type TabularSplits,
  tabularDataset,
} from './tabular/tabular.js';
