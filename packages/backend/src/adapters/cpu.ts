import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, firstLine } from '../errors.js';
import { installCommand } from '../install-command.js';
import { registerCpuKernels } from '../kernels/register-cpu-kernels.js';
import { isMissingPackage } from '../missing-package.js';
import { type Availability, BACKEND_SPEC_VERSION, type BackendAdapter } from '../spec.js';

const CPU_PACKAGE = '@tensorflow/tfjs-backend-cpu';

let cpuVersion: string | undefined;

async function importCpu(): Promise<Availability> {
  try {
    const mod = (await import('@tensorflow/tfjs-backend-cpu')) as { version_cpu?: string };
    cpuVersion = mod.version_cpu ?? tf.version_core;
    return {
      available: true,
      summary: 'plain JavaScript, 1 thread',
      info: { versions: versions() },
    };
  } catch (error) {
    return {
      available: false,
      reason: isMissingPackage(error, CPU_PACKAGE)
        ? `${CPU_PACKAGE} is not installed`
        : `${CPU_PACKAGE} failed to load: ${firstLine(error)}`,
      fix: [installCommand([CPU_PACKAGE])],
    };
  }
}

function versions(): Record<string, string> {
  return { 'tfjs-core': tf.version_core, 'tfjs-backend-cpu': cpuVersion ?? 'not loaded' };
}

/**
 * The embedded default: tfjs-backend-cpu, plain JavaScript on one thread. Works everywhere; the
 * slowest of the backends (about 1 GFLOP/s for matMul), so `auto` picks it last.
 */
export const cpuBackend: BackendAdapter = {
  specVersion: BACKEND_SPEC_VERSION,
  name: 'cpu',
  tfBackend: 'cpu',
  packageName: '@deltaclip/backend',
  rank: 10,
  availability: importCpu,
  async load() {
    const loaded = await importCpu();
    if (!loaded.available) throw new BackendUnavailableError('cpu', loaded.reason, loaded.fix);
    registerCpuKernels();
    // tfjs-backend-cpu greets its first tensor in Node with a banner recommending tfjs-node;
    // `doctor` gives that advice with the reason, so the banner is turned off here.
    const backend = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
    if (backend !== null && 'firstUse' in backend) backend.firstUse = false;
  },
  info() {
    return {
      name: 'cpu',
      tfBackend: 'cpu',
      package: '@deltaclip/backend',
      variant: 'javascript',
      threads: 1,
      simd: false,
      devices: ['cpu'],
      versions: versions(),
    };
  },
};
