import { isMissingPackage, type Platform } from './platform.js';

export const platform: Platform = {
  kind: 'browser',

  async registerGradients() {
    // tfjs-core's own registration module (extensionless ESM, which bundlers resolve).
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  },

  async importPackage(specifier) {
    try {
      return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as Record<
        string,
        unknown
      >;
    } catch (error) {
      // A bare name cannot be fetched by a browser: the adapter must be imported by the app.
      if (isMissingPackage(error, specifier) || error instanceof TypeError) return undefined;
      throw error;
    }
  },

  describe() {
    const nav = (globalThis as { navigator?: { userAgent?: string; hardwareConcurrency?: number } })
      .navigator;
    return {
      runtime: nav?.userAgent ?? 'unknown browser',
      os: 'browser',
      cpus: nav?.hardwareConcurrency ?? 1,
    };
  },
};
