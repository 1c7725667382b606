import {
  type Availability,
  BACKEND_SPEC_VERSION,
  type BackendAdapter,
  type BackendInfo,
  type BackendLoadOptions,
  BackendUnavailableError,
  type WasmVariant,
} from '@deltaclip/backend';
import { firstLine, installCommand, isMissingPackage } from '@deltaclip/backend/internal';
import { requireInteger, requireOneOf } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { wasmPlatform } from '#wasm-platform';
import { BUNDLED_WASM_VERSION } from './bundled-wasm.js';
import { registerWasmKernels } from './kernels/register-wasm-kernels.js';

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
type TfjsWasm = typeof import('@tensorflow/tfjs-backend-wasm');
type Build = Exclude<WasmVariant, 'auto'>;

let tfjsWasm: TfjsWasm | undefined;
/** The build and threads the running wasm backend started with, once it has. */
let started: { build: Build; requestedThreads?: number } | undefined;

async function importTfjsWasm(): Promise<TfjsWasm | Availability> {
  if (typeof WebAssembly !== 'object') {
    return {
      available: false,
      reason: 'this JavaScript runtime has no WebAssembly',
      fix: ['run in Node >= 20 or a current browser, or use the cpu backend'],
    };
  }
  try {
    tfjsWasm ??= await import('@tensorflow/tfjs-backend-wasm');
    return tfjsWasm;
  } catch (error) {
    return {
      available: false,
      reason: isMissingPackage(error, WASM_PACKAGE)
        ? `${WASM_PACKAGE} is not installed`
        : `${WASM_PACKAGE} failed to load: ${firstLine(error)}`,
      fix: [installCommand([WASM_PACKAGE])],
    };
  }
}

/** What the platform supports: SIMD, and threads (SharedArrayBuffer + cross-origin isolation). */
async function platformBuild(): Promise<{ simd: boolean; threads: boolean }> {
  const [simd, threads] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  return { simd: simd === true, threads: threads === true };
}

function buildOf(support: { simd: boolean; threads: boolean }): Build {
  return support.simd ? (support.threads ? 'threaded-simd' : 'simd') : 'plain';
}

const BUILD_NAMES: Record<Build, string> = {
  plain: 'plain (no SIMD)',
  simd: 'SIMD',
  'threaded-simd': 'threaded SIMD',
};

function wasmBackendStarted(): boolean {
  return (
    (tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm !== undefined
  );
}

/** Sets tfjs-backend-wasm's feature flags so that it picks `wanted`, or explains why it cannot. */
async function chooseBuild(wanted: WasmVariant): Promise<Build> {
  const support = await platformBuild();
  if (wanted === 'auto') return buildOf(support);
  if (wanted !== 'plain' && !support.simd) {
    throw new BackendUnavailableError(
      'wasm',
      `the ${BUILD_NAMES[wanted]} build needs WebAssembly SIMD, which this runtime lacks`,
      ["use wasmVariant: 'plain' or 'auto'"],
    );
  }
  if (wanted === 'threaded-simd' && !support.threads) {
    throw new BackendUnavailableError(
      'wasm',
      `the threaded SIMD build is not available: ${wasmPlatform.threadsNote()}`,
      ["use wasmVariant: 'simd' or 'auto'"],
    );
  }
  tf.env().set('WASM_HAS_SIMD_SUPPORT', wanted !== 'plain');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', wanted === 'threaded-simd');
  return wanted;
}

function versions(): Record<string, string> {
  return {
    'tfjs-core': tf.version_core,
    'tfjs-backend-wasm': tfjsWasm?.version_wasm ?? 'not loaded',
  };
}

function threadsSummary(build: Build, threads: number): string {
  const count = `${threads} thread${threads === 1 ? '' : 's'}`;
  return build === 'threaded-simd' ? count : `${count} (${wasmPlatform.threadsNote()})`;
}

/**
 * tfjs-backend-wasm in Node and browsers, with the training kernels it lacks. Node runs the SIMD
 * build on one thread; browsers run threaded SIMD when the page is cross-origin isolated.
 */
export const wasmBackend: BackendAdapter = {
  specVersion: BACKEND_SPEC_VERSION,
  name: 'wasm',
  tfBackend: 'wasm',
  packageName: '@deltaclip/backend-wasm',
  rank: 20,

  async availability() {
    const loaded = await importTfjsWasm();
    if ('available' in loaded) return loaded;
    const build = started?.build ?? buildOf(await platformBuild());
    const threads = started
      ? loaded.getThreadsCount()
      : build === 'threaded-simd'
        ? defaultThreads()
        : 1;
    return {
      available: true,
      summary: `${BUILD_NAMES[build]}, ${threadsSummary(build, threads)}`,
      info: { variant: build, simd: build !== 'plain', threads, versions: versions() },
    };
  },

  async load(options: BackendLoadOptions = {}) {
    const loaded = await importTfjsWasm();
    if ('available' in loaded) {
      if (loaded.available) throw new Error('unreachable');
      throw new BackendUnavailableError('wasm', loaded.reason, loaded.fix);
    }
    const wanted = requireOneOf('wasmVariant', options.wasmVariant ?? 'auto', [
      'auto',
      'plain',
      'simd',
      'threaded-simd',
    ]);
    if (options.threads !== undefined) requireInteger('threads', options.threads, 1);
    if (started !== undefined || wasmBackendStarted()) {
      started ??= { build: buildOf(await platformBuild()) };
      if (wanted !== 'auto' && wanted !== started.build) {
        throw new BackendUnavailableError(
          'wasm',
          `the wasm backend already runs the ${BUILD_NAMES[started.build]} build; its build is chosen once, when it starts`,
          [
            `pass wasmVariant: '${wanted}' to the first useBackend(wasmBackend) of the process (or page)`,
          ],
        );
      }
    } else {
      const build = await chooseBuild(wanted);
      if (options.threads !== undefined) loaded.setThreadsCount(options.threads);
      setWasmPaths(loaded, options.wasmPaths);
      started = {
        build,
        ...(options.threads !== undefined ? { requestedThreads: options.threads } : {}),
      };
    }
    registerWasmKernels();
  },

  info(): BackendInfo {
    const build = started?.build ?? 'simd';
    let threads = 1;
    try {
      threads = Math.max(1, tfjsWasm?.getThreadsCount() ?? 1);
    } catch {
      // Not started yet: tfjs-backend-wasm knows its thread count once initialized.
    }
    return {
      name: 'wasm',
      tfBackend: 'wasm',
      package: '@deltaclip/backend-wasm',
      variant: build,
      threads,
      simd: build !== 'plain',
      devices: ['cpu'],
      versions: versions(),
    };
  },
};

/**
 * Threads the threaded build will use: tfjs-backend-wasm caps its XNNPACK pool at half the logical
 * cores (it assumes two hardware threads per core) and at 8 web workers.
 */
function defaultThreads(requested?: number): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const cores = Math.max(1, Math.floor((nav?.hardwareConcurrency ?? 1) / 2));
  return Math.max(1, Math.min(requested ?? cores, 8, cores));
}

/**
 * Where the `.wasm` files come from: the caller's paths, or else (in browsers) the binaries
 * bundled with this package when they match the installed tfjs-backend-wasm.
 */
function setWasmPaths(loaded: TfjsWasm, paths: BackendLoadOptions['wasmPaths']): void {
  if (paths === false) return;
  if (paths !== undefined) {
    loaded.setWasmPaths(paths as Parameters<TfjsWasm['setWasmPaths']>[0]);
    return;
  }
  const bundled = wasmPlatform.bundledWasmPaths();
  if (bundled === undefined) return;
  if (loaded.version_wasm !== BUNDLED_WASM_VERSION) {
    console.warn(
      `@deltaclip/backend-wasm bundles the binaries of tfjs-backend-wasm ${BUNDLED_WASM_VERSION}, but ${loaded.version_wasm} is installed; pass wasmPaths (the folder serving node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm) to useBackend(wasmBackend)`,
    );
    return;
  }
  loaded.setWasmPaths(bundled);
}
