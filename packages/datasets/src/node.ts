/**
 * @deltaclip/datasets/node — everything in the main entry plus loaders that take file paths and
 * folders: IDX, CIFAR and tabular files, and the MNIST / Fashion-MNIST / CIFAR directory loaders.
 * The helpers behind them (locateFiles, readFileBytes, vegaDataPath, the search-path constants)
 * are not exported: dataSearchPath says where files are looked for.
 */

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
  dataSearchPath,
  loadCifarDirectory,
  loadMnistDirectory,
} from './node/directories.js';
export {
  type FilePath,
  loadTabularFile,
  readCifarFile,
  readIdxFile,
  readTableFile,
} from './node/files.js';
