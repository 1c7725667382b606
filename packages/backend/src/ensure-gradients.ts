import { gradientsRegistered } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { platform } from '#platform';
import { GradientRegistrationError } from './errors.js';

let pending: Promise<void> | undefined;

/**
 * Registers tfjs's gradients with the tfjs-core in use, once; `useBackend` calls it.
 *
 * tfjs-core's Node entry registers no gradients, so `tf.grad` and `optimizer.minimize` fail in a
 * plain `node` process that imports only tfjs-core and a backend. In Node this loads the union
 * package `@tensorflow/tfjs` (a dependency of this package), whose Node entry registers the
 * gradients and the chained ops against the same tfjs-core; in bundles it imports tfjs-core's own
 * `register_all_gradients` module. Throws {@link GradientRegistrationError} when they end up in
 * another copy of tfjs-core.
 */
export function ensureGradients(): Promise<void> {
  if (gradientsRegistered(tf)) return Promise.resolve();
  pending ??= (async () => {
    await platform.registerGradients();
    if (!gradientsRegistered(tf)) {
      throw new GradientRegistrationError(
        `tfjs gradients are still not registered after loading ${
          platform.kind === 'node' ? '@tensorflow/tfjs' : 'tfjs-core/dist/register_all_gradients'
        }: it registered them with another copy of @tensorflow/tfjs-core than this one (${tf.version_core}). ` +
          `Install one version of the tfjs packages: npm install @tensorflow/tfjs@${tf.version_core} @tensorflow/tfjs-core@${tf.version_core}`,
      );
    }
  })().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
