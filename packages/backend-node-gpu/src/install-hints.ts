/**
 * What tfjs-node and tfjs-node-gpu need beyond `npm install`: the system they run on and the
 * environment variables that redirect their install-time downloads. Used by every diagnosis of
 * this package, so the advice is the same wherever the backend turns out to be missing.
 */

/** Which tfjs-node flavor: `node` (@tensorflow/tfjs-node) or `node-gpu` (@tensorflow/tfjs-node-gpu). */
export type NodeFlavor = 'node' | 'node-gpu';

/** The libtensorflow that tfjs-node 4.x downloads at install time, and what its GPU build needs. */
export const LIBTENSORFLOW_VERSION = '2.9.1';
export const CUDA_VERSION = '11.2';
export const CUDNN_VERSION = '8.1';

/**
 * Environment variables read at install time by tfjs-node's scripts/install.js (libtensorflow) and
 * by node-pre-gyp (the prebuilt tfjs_binding.node addon): set them to install without access to
 * storage.googleapis.com.
 */
export const TFJS_NODE_DOWNLOAD_ENV: readonly {
  readonly name: string;
  readonly purpose: string;
}[] = [
  {
    name: 'TFJS_NODE_CDN_STORAGE',
    purpose:
      '<mirror host>/ replaces https://storage.googleapis.com/ in the libtensorflow download (also read as CDN_STORAGE and npm config TFJS_NODE_CDN_STORAGE)',
  },
  {
    name: 'TFJS_NODE_BASE_URI',
    purpose: `<url prefix> of the libtensorflow-<cpu|gpu>-<os>-<arch>-${LIBTENSORFLOW_VERSION}.tar.gz archives (also npm config TFJS_NODE_BASE_URI)`,
  },
  {
    name: 'npm_config_tfjs_binding_binary_host_mirror',
    purpose:
      '<url> mirrors https://storage.googleapis.com/tf-builds/pre-built-binary, the host of the prebuilt tfjs_binding.node addon',
  },
  { name: 'HTTPS_PROXY', purpose: '<proxy url> for both downloads' },
];

/** System requirements of a flavor, one line each. */
export function systemRequirements(flavor: NodeFlavor): string[] {
  if (flavor === 'node-gpu') {
    return [
      `needs Linux x86_64 or Windows x64 with an NVIDIA GPU, CUDA ${CUDA_VERSION} and cuDNN ${CUDNN_VERSION} (the versions libtensorflow ${LIBTENSORFLOW_VERSION} is built against); on Linux libcudart.so.11.0 and libcudnn.so.8 must be on LD_LIBRARY_PATH`,
    ];
  }
  return [
    `needs Linux (x86_64 or arm64), macOS or Windows x64; installing downloads libtensorflow ${LIBTENSORFLOW_VERSION} and a prebuilt addon (or builds it with Python and a C++ toolchain)`,
  ];
}

/** How to point tfjs-node's install at reachable downloads: a heading, then one line per variable. */
export function downloadRedirectHints(): string[] {
  return [
    'if the install cannot reach storage.googleapis.com, redirect its downloads (then npm rebuild):',
    ...TFJS_NODE_DOWNLOAD_ENV.map((v) => `  ${v.name}=${v.purpose}`),
  ];
}
