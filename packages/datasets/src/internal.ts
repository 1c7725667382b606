/**
 * @deltaclip/datasets/internal — what tests, benchmarks and tools need beyond the public API:
 * the byte layouts of the formats and encoders that write them (fixtures), the gzip and source
 * helpers every loader reads through, the bundled tables' preprocessing and column lists, the
 * file lists and "where to obtain" hints the directory loaders use, and the PRNG stream ids.
 * No semver promise: these follow the implementation. Runs in browsers and Node alike (the
 * Node-only helpers stay unexported; the public Node loaders are in `@deltaclip/datasets/node`).
 */
export {
  CARS_FEATURES,
  PENGUINS_CATEGORICAL,
  PENGUINS_NUMERIC,
  prepareBundled,
  prepareCars,
  preparePenguins,
  VEGA_DATASETS_VERSION,
} from './bundled/vega.js';
export { formatBytes } from './errors.js';
export {
  CIFAR_FILES,
  CIFAR_IMAGE_BYTES,
  CIFAR_RECORD_BYTES,
  cifarObtainHint,
  encodeCifar,
} from './formats/cifar.js';
export { gunzip, isGzip } from './formats/gzip.js';
export { encodeIdx, IDX_TYPE_CODES } from './formats/idx.js';
export { MNIST_FILES, mnistObtainHint } from './formats/mnist.js';
export { readContent, sourceName } from './formats/source.js';
export { STREAM } from './random.js';
export { spectrum } from './synthetic/least-squares.js';
