import { gradientsRegistered } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { platform } from '#platform';
import { GradientRegistrationError } from './errors.js';

let pending: Promise<void> | undefined;

/**
 * Registers tfjs's gradients with the tfjs-core in use, once; `useBackend` calls it.
 *
 * tfjs-core's Node entry registers no gradients, so `tf.grad` and `optimizer.minimize` fail in a
 * plain `node` process that imports only tfjs-core and a backend. In Node this loads
 * tfjs-core's own gradient and chained-op registration, bundled into this package at build time
 * (no @tensorflow/tfjs needed); in bundles it imports tfjs-core's `register_all_gradients` module.
 * Throws {@link GradientRegistrationError} when they end up in another copy of tfjs-core.
 */
export function ensureGradients(): Promise<void> {
  if (gradientsRegistered(tf)) return Promise.resolve();
  pending ??= (async () => {
    await platform.registerGradients();
    if (!gradientsRegistered(tf)) {
      throw new GradientRegistrationError(
        `tfjs gradients are still not registered after loading ${
          platform.kind === 'node'
            ? "@deltaclip/backend's bundled tfjs-core gradients"
            : 'tfjs-core/dist/register_all_gradients'
        }: they went to another copy of @tensorflow/tfjs-core than this one (${tf.version_core}). ` +
          `Install one version of the tfjs packages: npm ls @tensorflow/tfjs-core shows them; npm install @tensorflow/tfjs-core@${tf.version_core}`,
      );
    }
  })().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
