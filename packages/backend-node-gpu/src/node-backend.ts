import { cpus } from 'node:os';
import {
  type Availability,
  BACKEND_SPEC_VERSION,
  type BackendAdapter,
  type BackendInfo,
  BackendUnavailableError,
  type Unavailable,
} from '@deltaclip/backend';
import { isMissingPackage } from '@deltaclip/backend/internal';
import * as tf from '@tensorflow/tfjs-core';
import {
  diagnoseLoadError,
  type NodeFlavor,
  notInstalled,
  tfjsNodePackage,
} from './diagnose-load-error.js';

/** Imports a package by name; undefined when it is not installed. */
export type PackageImporter = (specifier: string) => Promise<Record<string, unknown> | undefined>;

export interface NodeBackendOptions {
  /** `node-gpu` loads @tensorflow/tfjs-node-gpu, `node` loads @tensorflow/tfjs-node. */
  readonly flavor: NodeFlavor;
  /** How to import the package (default: `import()` from this package, where npm and pnpm link the optional peer). */
  readonly importer?: PackageImporter;
}

/** The slice of tfjs-node's NodeJSKernelBackend that `info` reads. */
interface TensorflowBackendLike {
  isUsingGpuDevice?: boolean;
  binding?: { TF_Version?: string };
}

/**
 * Imports from this package, where npm and pnpm link an installed optional peer; undefined when
 * it is not installed. Never from the working directory: the application's own dependency graph
 * decides which tfjs-node is used.
 */
const importFromHere: PackageImporter = async (specifier) => {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (isMissingPackage(error, specifier)) return undefined;
    throw error;
  }
};

/** Both flavors register a tfjs backend named 'tensorflow': only one can be loaded per process. */
let loadedFlavor: NodeFlavor | undefined;

/**
 * An adapter for tfjs-node or tfjs-node-gpu, imported on first use (never at install time: they
 * are optional peers, because their install script downloads libtensorflow). A failed import
 * becomes a reason and a fix, not the native loader's stack trace.
 */
export function createNodeBackend(options: NodeBackendOptions): BackendAdapter {
  const { flavor } = options;
  const importer = options.importer ?? importFromHere;
  const pkg = tfjsNodePackage(flavor);
  let loaded: { module: Record<string, unknown> } | Unavailable | undefined;

  async function load(): Promise<{ module: Record<string, unknown> } | Unavailable> {
    if (loaded !== undefined && 'module' in loaded) return loaded;
    if (typeof process === 'undefined' || process.versions?.node === undefined) {
      return {
        available: false,
        reason: `${pkg} runs in Node only`,
        fix: ["use the 'wasm' or 'cpu' backend in browsers"],
      };
    }
    if (loadedFlavor !== undefined && loadedFlavor !== flavor) {
      return {
        available: false,
        reason: `${tfjsNodePackage(loadedFlavor)} is already loaded in this process and provides the 'tensorflow' backend; node and node-gpu cannot both be loaded`,
        fix: [`use '${loadedFlavor}', or start a new process for '${flavor}'`],
      };
    }
    // Importing tfjs-node makes its backend the active one; keep the caller's.
    const previous = (tf.engine() as unknown as { backendName?: string }).backendName;
    let mod: Record<string, unknown> | undefined;
    try {
      mod = await importer(pkg);
    } catch (error) {
      loaded = diagnoseLoadError(error, flavor);
      return loaded;
    } finally {
      const now = (tf.engine() as unknown as { backendName?: string }).backendName;
      if (previous !== undefined && now !== previous) await tf.setBackend(previous);
    }
    if (mod === undefined) {
      loaded = notInstalled(flavor);
      return loaded;
    }
    loadedFlavor = flavor;
    if (tf.engine().registryFactory.tensorflow === undefined) {
      const theirs =
        (mod.version as Record<string, string> | undefined)?.['tfjs-core'] ?? 'another version';
      loaded = {
        available: false,
        reason: `${pkg} loaded but registered its 'tensorflow' backend with another copy of @tensorflow/tfjs-core (${theirs}) than deltaclip's (${tf.version_core})`,
        fix: [
          `install matching versions: npm install @tensorflow/tfjs-core@${theirs} ${pkg}@${theirs}`,
        ],
      };
      return loaded;
    }
    if (flavor === 'node-gpu' && !tensorflowBackend()?.isUsingGpuDevice) {
      loaded = {
        available: false,
        reason: `${pkg} loaded, but TensorFlow found no usable GPU and runs on the CPU (check nvidia-smi, the driver, and CUDA 11.2 / cuDNN 8.1 on LD_LIBRARY_PATH)`,
        fix: notInstalled(flavor).fix.slice(1),
      };
      return loaded;
    }
    loaded = { module: mod };
    return loaded;
  }

  function tensorflowBackend(): TensorflowBackendLike | undefined {
    try {
      return tf.findBackend('tensorflow') as unknown as TensorflowBackendLike;
    } catch {
      return undefined;
    }
  }

  function versions(): Record<string, string> {
    const mod = loaded !== undefined && 'module' in loaded ? loaded.module : undefined;
    const version = mod?.version as Record<string, string> | undefined;
    const libtensorflow = tensorflowBackend()?.binding?.TF_Version;
    return {
      'tfjs-core': tf.version_core,
      [pkg.replace('@tensorflow/', '')]: version?.['tfjs-node'] ?? 'not loaded',
      ...(libtensorflow ? { libtensorflow } : {}),
    };
  }

  function describe(): BackendInfo {
    const gpu = tensorflowBackend()?.isUsingGpuDevice === true;
    return {
      name: flavor,
      tfBackend: 'tensorflow',
      package: '@deltaclip/backend-node-gpu',
      variant: gpu ? 'cuda' : 'cpu',
      threads: cpus().length,
      simd: true,
      devices: gpu ? ['gpu', 'cpu'] : ['cpu'],
      versions: versions(),
    };
  }

  return {
    specVersion: BACKEND_SPEC_VERSION,
    name: flavor,
    tfBackend: 'tensorflow',
    packageName: '@deltaclip/backend-node-gpu',
    rank: flavor === 'node-gpu' ? 40 : 30,
    async availability(): Promise<Availability> {
      const result = await load();
      if (!('module' in result)) return result;
      const info = describe();
      return {
        available: true,
        summary: `libtensorflow ${info.versions.libtensorflow ?? ''} on ${info.variant === 'cuda' ? 'the GPU (CUDA)' : `the CPU, ${info.threads} threads`}`,
        info,
      };
    },
    async load() {
      const result = await load();
      if (!('module' in result))
        throw new BackendUnavailableError(flavor, result.reason, result.fix);
    },
    info: describe,
  };
}

/** tfjs-node: TensorFlow's C library on the CPU, all cores. */
export const nodeBackend = createNodeBackend({ flavor: 'node' });

/** tfjs-node-gpu: TensorFlow's C library with CUDA 11.2 and cuDNN 8.1 on an NVIDIA GPU. */
export const nodeGpuBackend = createNodeBackend({ flavor: 'node-gpu' });
