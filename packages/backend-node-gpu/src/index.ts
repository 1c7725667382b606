/**
 * @deltaclip/backend-node-gpu — the `node` (@tensorflow/tfjs-node) and `node-gpu`
 * (@tensorflow/tfjs-node-gpu) backends, imported lazily as optional peers, with failures turned
 * into a reason and a fix (install command, CUDA 11.2 / cuDNN 8.1, download mirrors).
 */
import { nodeBackend, nodeGpuBackend } from './node-backend.js';

export {
  diagnoseLoadError,
  type NodeFlavor,
  notInstalled,
  tfjsNodePackage,
} from './diagnose-load-error.js';
export {
  createNodeBackend,
  type NodeBackendOptions,
  nodeBackend,
  nodeGpuBackend,
  type PackageImporter,
} from './node-backend.js';

/** The adapters of this package, for the registry of @deltaclip/backend. */
export const backendAdapters = [nodeGpuBackend, nodeBackend] as const;
