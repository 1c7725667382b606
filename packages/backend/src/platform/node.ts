import { arch, cpus, platform as osPlatform } from 'node:os';
import type { Platform } from './platform.js';

export const platform: Platform = {
  kind: 'node',

  async registerGradients() {
    // tfjs-core's Node entry registers no gradients; the union package's Node entry registers
    // them (and the chained ops) against the same tfjs-core, which its CommonJS require shares.
    await import('@tensorflow/tfjs');
  },

  describe() {
    return {
      runtime: `Node ${process.version}`,
      os: `${osPlatform()} ${arch()}`,
      cpus: cpus().length,
    };
  },
};
