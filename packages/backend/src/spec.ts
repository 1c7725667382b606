/**
 * The backend adapter interface (version 1). An adapter packages one TensorFlow.js backend: it says
 * whether the backend can run here (and if not, why and how to fix it) without ever throwing, loads
 * it with deltaclip's kernels, and describes what it loaded.
 */

/** Version of {@link BackendAdapter}; adapters declare the one they implement. */
export const BACKEND_SPEC_VERSION = 1 as const;

/** What a loaded backend is. */
export interface BackendInfo {
  /** The adapter's name: `cpu`, `wasm`, `node`, `node-gpu`. */
  readonly name: string;
  /** The tfjs backend it sets: `cpu`, `wasm`, `tensorflow`. */
  readonly tfBackend: string;
  /** npm package of the adapter. */
  readonly package: string;
  /** Build in use: `javascript` (cpu), `plain` / `simd` / `threaded-simd` (wasm), `cpu` / `cuda` (node). */
  readonly variant: string;
  /** Threads the backend computes with. */
  readonly threads: number;
  /** Whether it uses SIMD instructions. */
  readonly simd: boolean;
  /** Devices it runs on, e.g. `['cpu']` or `['gpu']`. */
  readonly devices: readonly string[];
  /** Versions of the packages and native libraries involved, e.g. `{ 'tfjs-core': '4.22.0' }`. */
  readonly versions: Readonly<Record<string, string>>;
}

/** A backend that cannot run here: what is wrong and the steps that fix it. */
export interface Unavailable {
  readonly available: false;
  /** One sentence: what is missing or failed, e.g. `@tensorflow/tfjs-node is not installed`. */
  readonly reason: string;
  /** Steps, each one line: the install command, system requirements, environment variables. */
  readonly fix: readonly string[];
}

/** A backend that can run here, with what could be learnt without loading it. */
export interface Available {
  readonly available: true;
  /** One line for `doctor`, e.g. `SIMD, 1 thread (threads: N runs the threaded SIMD build)`. */
  readonly summary: string;
  readonly info?: Partial<BackendInfo>;
}

export type Availability = Available | Unavailable;

/** Options for loading a backend; each adapter reads the ones that concern it. */
export interface BackendLoadOptions {
  /**
   * wasm: threads for XNNPACK. Node: more than 1 runs the threaded SIMD build; default 1.
   * Browsers: threaded SIMD on cross-origin isolated pages; default half the logical cores.
   */
  readonly threads?: number;
  /**
   * wasm: where the `.wasm` binaries are served from, as a URL prefix or a map from file name to
   * URL (as tfjs's `setWasmPaths`). Default: the binaries bundled with @deltaclip/backend-wasm in
   * browsers, tfjs-backend-wasm's own files in Node. `false`: leave what `setWasmPaths` set.
   */
  readonly wasmPaths?: string | Readonly<Record<string, string>> | false;
  /** wasm: force a build; `plain` runs without SIMD. Default `auto` (the best the platform has). */
  readonly wasmVariant?: WasmVariant;
}

export type WasmVariant = 'auto' | 'plain' | 'simd' | 'threaded-simd';

/**
 * One backend as deltaclip sees it. Adapter packages export theirs as objects (`cpuBackend` here,
 * `wasmBackend` in @deltaclip/backend-wasm, `nodeBackend` / `nodeGpuBackend` in
 * @deltaclip/backend-node-gpu); the application imports the ones it wants and passes them in, so
 * nothing is looked up by name at run time.
 *
 * @example
 * const info = await useBackend(wasmBackend);
 */
export interface BackendAdapter {
  readonly specVersion: typeof BACKEND_SPEC_VERSION;
  /** Short name shown by `doctor` and in `SelectedBackend`, e.g. `wasm`. */
  readonly name: string;
  /** The tfjs backend name that `load` registers. */
  readonly tfBackend: string;
  /** npm package that ships this adapter. */
  readonly packageName: string;
  /**
   * Expected speed for training, higher is faster; `auto` tries its candidates from the highest
   * down (cpu 10, wasm 20, node 30, node-gpu 40).
   */
  readonly rank: number;
  /** Whether the backend can run here. Never throws; may import the backend's package. */
  availability(): Promise<Availability>;
  /**
   * Registers the tfjs backend and deltaclip's kernels for it (idempotent), without making it the
   * active backend. Throws {@link BackendUnavailableError} when it cannot.
   */
  load(options?: BackendLoadOptions): Promise<void>;
  /** What was loaded; call after `load`. */
  info(): BackendInfo;
}
