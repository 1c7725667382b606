import * as tf from '@tensorflow/tfjs-core';

/**
 * `npm install a b` with tfjs packages pinned to the tfjs-core version in use: the first fix step
 * of every adapter whose tfjs package is missing. (What tfjs-node and tfjs-node-gpu need beyond
 * that, CUDA and the download mirrors, lives with their adapter in @deltaclip/backend-node-gpu.)
 */
export function installCommand(packages: readonly string[]): string {
  return `npm install ${packages
    .map((p) => (p.startsWith('@tensorflow/') ? `${p}@${tf.version_core}` : p))
    .join(' ')}`;
}
