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
/** The build the running wasm backend started with, and the threads the first load asked for. */
let started: { build: Build; requestedThreads?: number } | undefined;

/** XNNPACK's pool in tfjs-backend-wasm is capped at the 8 web workers its threaded build creates. */
const MAX_THREADS = 8;

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

interface Support {
  readonly simd: boolean;
  readonly threads: boolean;
}

/** tfjs-backend-wasm's own feature flags: what it picks (or picked) by itself. */
async function tfjsFlags(): Promise<Support> {
  const [simd, threads] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  return { simd: simd === true, threads: threads === true };
}

/** What this platform can run: tfjs's flags, plus the threaded build in Node (see platform/node.ts). */
async function platformSupport(loaded: TfjsWasm): Promise<Support> {
  const flags = await tfjsFlags();
  return {
    simd: flags.simd,
    threads: flags.simd && wasmPlatform.threadsSupported(flags.threads, loaded.version_wasm),
  };
}

function buildOf(support: Support): Build {
  return support.simd ? (support.threads ? 'threaded-simd' : 'simd') : 'plain';
}

/** `auto`: the best build for the threads asked for (Node starts its pthreads only for > 1). */
function autoBuild(support: Support, threads: number | undefined): Build {
  if (!support.simd) return 'plain';
  return support.threads && wasmPlatform.prefersThreads(threads) ? 'threaded-simd' : 'simd';
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
async function chooseBuild(
  loaded: TfjsWasm,
  wanted: WasmVariant,
  threads: number | undefined,
): Promise<Build> {
  const support = await platformSupport(loaded);
  const build = wanted === 'auto' ? autoBuild(support, threads) : wanted;
  if (build !== 'plain' && !support.simd) {
    throw new BackendUnavailableError(
      'wasm',
      `the ${BUILD_NAMES[build]} build needs WebAssembly SIMD, which this runtime lacks`,
      ["use wasmVariant: 'plain' or 'auto'"],
    );
  }
  if (build === 'threaded-simd' && !support.threads) {
    throw new BackendUnavailableError(
      'wasm',
      `the threaded SIMD build is not available: ${wasmPlatform.threadsNote(loaded.version_wasm)}`,
      ["use wasmVariant: 'simd' or 'auto'"],
    );
  }
  if (wanted !== 'auto' && build !== 'threaded-simd' && threads !== undefined && threads > 1) {
    throw new BackendUnavailableError(
      'wasm',
      `the ${BUILD_NAMES[build]} build runs one thread (asked for threads: ${threads})`,
      ["use wasmVariant: 'threaded-simd' or 'auto', or leave threads out"],
    );
  }
  tf.env().set('WASM_HAS_SIMD_SUPPORT', build !== 'plain');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', build === 'threaded-simd');
  return build;
}

/**
 * Makes tfjs start the wasm backend through the platform's threaded start (in Node: pthreads as
 * worker_threads), by wrapping the backend factory tfjs-backend-wasm registered.
 */
function startThreadedWith(threads: number): void {
  const engine = tf.engine();
  const factory = engine.findBackendFactory('wasm');
  const registered = (
    engine as unknown as { registryFactory: Record<string, { priority: number }> }
  ).registryFactory.wasm;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => wasmPlatform.startThreaded(threads, factory),
    registered?.priority ?? 2,
  );
}

function versions(): Record<string, string> {
  return {
    'tfjs-core': tf.version_core,
    'tfjs-backend-wasm': tfjsWasm?.version_wasm ?? 'not loaded',
  };
}

function threadsSummary(build: Build, threads: number): string {
  const count = `${threads} thread${threads === 1 ? '' : 's'}`;
  return build === 'threaded-simd'
    ? count
    : `${count} (${wasmPlatform.threadsNote(tfjsWasm?.version_wasm ?? 'not loaded')})`;
}

/**
 * tfjs-backend-wasm in Node and browsers, with the training kernels it lacks. Node runs the SIMD
 * build on one thread unless `threads` > 1 asks for the threaded SIMD build (its pthreads started
 * as worker_threads); browsers run threaded SIMD when the page is cross-origin isolated.
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
    const build = started?.build ?? autoBuild(await platformSupport(loaded), undefined);
    const threads = started
      ? loaded.getThreadsCount()
      : build === 'threaded-simd'
        ? wasmPlatform.defaultThreads()
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
    const threads =
      options.threads === undefined ? undefined : requireInteger('threads', options.threads, 1);
    if (started !== undefined || wasmBackendStarted()) {
      started ??= { build: buildOf(await tfjsFlags()) };
      if (wanted !== 'auto' && wanted !== started.build) {
        throw new BackendUnavailableError(
          'wasm',
          `the wasm backend already runs the ${BUILD_NAMES[started.build]} build; its build is chosen once, when it starts`,
          [
            `pass wasmVariant: '${wanted}' to the first useBackend(wasmBackend) of the process (or page)`,
          ],
        );
      }
      const running = started.requestedThreads ?? runningThreads();
      if (threads !== undefined && threads !== running) {
        throw new BackendUnavailableError(
          'wasm',
          `the wasm backend already runs with threads: ${running}; its threads are chosen once, when it starts`,
          [
            `pass threads: ${threads} to the first useBackend(wasmBackend) of the process (or page)`,
          ],
        );
      }
    } else {
      const build = await chooseBuild(loaded, wanted, threads);
      if (build === 'threaded-simd') {
        const count = Math.min(threads ?? wasmPlatform.defaultThreads(), MAX_THREADS);
        loaded.setThreadsCount(count);
        startThreadedWith(count);
      }
      setWasmPaths(loaded, options.wasmPaths);
      started = { build, ...(threads !== undefined ? { requestedThreads: threads } : {}) };
    }
    registerWasmKernels();
  },

  info(): BackendInfo {
    const build = started?.build ?? 'simd';
    return {
      name: 'wasm',
      tfBackend: 'wasm',
      package: '@deltaclip/backend-wasm',
      variant: build,
      threads: runningThreads(),
      simd: build !== 'plain',
      devices: ['cpu'],
      versions: versions(),
    };
  },
};

/** Threads of the running backend (1 before it starts: tfjs knows its count once initialized). */
function runningThreads(): number {
  try {
    return Math.max(1, tfjsWasm?.getThreadsCount() ?? 1);
  } catch {
    return 1;
  }
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
