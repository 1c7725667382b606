/**
 * @deltaclip/datasets/node — everything in the main entry plus loaders that take file paths and
 * folders: IDX, CIFAR and tabular files, and the MNIST / Fashion-MNIST / CIFAR directory loaders.
 */

export { vegaDataPath } from './bundled/vega-node.js';
export * from './index.node.js';
export {
  type DataFileDescription,
  type DataFileOptions,
  type DataFormat,
  type DataPathSplits,
  type DataTask,
  describeDataPath,
  loadDataPath,
} from './node/data-path.js';
export {
  type CifarDirectoryOptions,
  DATA_DIR_ENV,
  dataSearchPath,
  loadCifarDirectory,
  loadMnistDirectory,
  locateFiles,
  SYSTEM_DATA_DIRS,
} from './node/directories.js';
export {
  type FilePath,
  loadTabularFile,
  readCifarFile,
  readFileBytes,
  readIdxFile,
  readTableFile,
} from './node/files.js';
