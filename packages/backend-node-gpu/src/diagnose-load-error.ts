import type { Unavailable } from '@deltaclip/backend';
import { firstLine, installCommand } from '@deltaclip/backend/internal';
import {
  CUDA_VERSION,
  CUDNN_VERSION,
  downloadRedirectHints,
  LIBTENSORFLOW_VERSION,
  type NodeFlavor,
  systemRequirements,
} from './install-hints.js';

export type { NodeFlavor };

export function tfjsNodePackage(flavor: NodeFlavor): string {
  return flavor === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
}

/** The steps every diagnosis ends with: install command, system requirements, download variables. */
function generalFix(flavor: NodeFlavor): string[] {
  return [
    installCommand(['@deltaclip/backend-node-gpu', tfjsNodePackage(flavor)]),
    ...systemRequirements(flavor),
    ...downloadRedirectHints(),
  ];
}

/** The fix when the package is not installed at all. */
export function notInstalled(flavor: NodeFlavor): Unavailable {
  return {
    available: false,
    reason: `${tfjsNodePackage(flavor)} is not installed`,
    fix: generalFix(flavor),
  };
}

const CUDA_LIBRARY =
  /(libcudart|libcublas|libcublasLt|libcufft|libcurand|libcusolver|libcusparse|libcudnn|libnvinfer|cudart64|cublas64|cudnn64)[\w.]*/i;

/**
 * Turns the error of importing tfjs-node(-gpu) into a reason and the steps that fix it, instead of
 * the native loader's stack trace: a missing addon or libtensorflow (the install-time download
 * failed), missing CUDA/cuDNN libraries, an old C library, or anything else with its first line.
 */
export function diagnoseLoadError(error: unknown, flavor: NodeFlavor): Unavailable {
  const pkg = tfjsNodePackage(flavor);
  const message = error instanceof Error ? error.message : String(error);
  const first = firstLine(error);
  const rebuild = `reinstall it where storage.googleapis.com is reachable (or with the variables below): npm rebuild ${pkg}`;
  const cuda = message.match(CUDA_LIBRARY);
  if (cuda) {
    return {
      available: false,
      reason: `${pkg} could not load the CUDA library ${cuda[0]}: CUDA ${CUDA_VERSION} and cuDNN ${CUDNN_VERSION} are missing or not on the library path`,
      fix: [
        `install CUDA ${CUDA_VERSION} and cuDNN ${CUDNN_VERSION} (libtensorflow ${LIBTENSORFLOW_VERSION} is built against them) and add their lib64 folders to LD_LIBRARY_PATH, e.g. /usr/local/cuda-${CUDA_VERSION}/lib64`,
        `or train on the CPU with the node backend: ${installCommand(['@tensorflow/tfjs-node'])}`,
        ...generalFix(flavor),
      ],
    };
  }
  if (/GLIBC|GLIBCXX|CXXABI/.test(message)) {
    return {
      available: false,
      reason: `the prebuilt libtensorflow ${LIBTENSORFLOW_VERSION} needs a newer C/C++ runtime than this system has (${first})`,
      fix: [
        'use a newer Linux distribution, or build the addon from source against your own libtensorflow',
        ...generalFix(flavor),
      ],
    };
  }
  if (/tfjs_binding\.node|native addon/i.test(message)) {
    return {
      available: false,
      reason: `${pkg} is installed but its native addon (tfjs_binding.node) is missing: its install script could not download or build it`,
      fix: [
        rebuild,
        `or build the addon from source (Python 3 and a C++ toolchain): npm rebuild ${pkg} --build-addon-from-source`,
        ...generalFix(flavor),
      ],
    };
  }
  if (/libtensorflow/i.test(message)) {
    return {
      available: false,
      reason: `${pkg} is installed but libtensorflow ${LIBTENSORFLOW_VERSION} is missing (${first}): the install-time download failed`,
      fix: [rebuild, ...generalFix(flavor)],
    };
  }
  const dependency = message.match(/Cannot find (?:package|module) '([^']+)'/);
  if (dependency && dependency[1] !== pkg) {
    return {
      available: false,
      reason: `${pkg} failed to load: its dependency ${dependency[1]} is missing`,
      fix: [`reinstall it: ${installCommand([pkg])}`, ...generalFix(flavor)],
    };
  }
  return {
    available: false,
    reason: `${pkg} failed to load: ${first}`,
    fix: [rebuild, ...generalFix(flavor)],
  };
}
