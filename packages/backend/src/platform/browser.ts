import type { Platform } from './platform.js';

export const platform: Platform = {
  kind: 'browser',

  async registerGradients() {
    // tfjs-core's own registration module (extensionless ESM, which bundlers resolve).
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
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
