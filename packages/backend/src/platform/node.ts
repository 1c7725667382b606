import { arch, cpus, platform as osPlatform } from 'node:os';
import type { Platform } from './platform.js';

export const platform: Platform = {
  kind: 'node',

  async registerGradients() {
    // tfjs-core's Node entry registers no gradients; this build-time bundle of tfjs-core's own
    // registration modules does, into the global registries every tfjs-core copy shares
    // (scripts/bundle-gradients.mjs says why it is not the 240 MB @tensorflow/tfjs union).
    await import('#tfjs-gradients');
  },

  describe() {
    return {
      runtime: `Node ${process.version}`,
      os: `${osPlatform()} ${arch()}`,
      cpus: cpus().length,
    };
  },
};
