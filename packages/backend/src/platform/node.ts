import { createRequire } from 'node:module';
import { arch, cpus, platform as osPlatform } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMissingPackage, type Platform } from './platform.js';

export const platform: Platform = {
  kind: 'node',

  async registerGradients() {
    // tfjs-core's Node entry registers no gradients; the union package's Node entry registers
    // them (and the chained ops) against the same tfjs-core, which its CommonJS require shares.
    await import('@tensorflow/tfjs');
  },

  async importPackage(specifier) {
    try {
      return (await import(specifier)) as Record<string, unknown>;
    } catch (error) {
      if (!isMissingPackage(error, specifier)) throw error;
    }
    const bases = [join(process.cwd(), 'package.json'), process.argv[1]];
    for (const base of bases) {
      if (base === undefined) continue;
      let resolved: string;
      try {
        resolved = createRequire(base).resolve(specifier);
      } catch {
        continue;
      }
      return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
    }
    return undefined;
  },

  describe() {
    return {
      runtime: `Node ${process.version}`,
      os: `${osPlatform()} ${arch()}`,
      cpus: cpus().length,
    };
  },
};
