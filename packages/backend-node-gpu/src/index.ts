/**
 * @deltaclip/backend-node-gpu — the `node` (@tensorflow/tfjs-node) and `node-gpu`
 * (@tensorflow/tfjs-node-gpu) backends, imported lazily as optional peers, with failures turned
 * into a reason and a fix (install command, CUDA 11.2 / cuDNN 8.1, download mirrors).
 */
export {
  diagnoseLoadError,
  type NodeFlavor,
  notInstalled,
  tfjsNodePackage,
} from './diagnose-load-error.js';
export {
  CUDA_VERSION,
  CUDNN_VERSION,
  downloadRedirectHints,
  LIBTENSORFLOW_VERSION,
  systemRequirements,
  TFJS_NODE_DOWNLOAD_ENV,
} from './install-hints.js';
export {
  createNodeBackend,
  type NodeBackendOptions,
  nodeBackend,
  nodeGpuBackend,
  type PackageImporter,
} from './node-backend.js';
