import type { wasmPlatform as NodePlatform } from './node.js';

/**
 * Browsers: the binaries bundled in dist/wasm, located relative to this module with
 * `new URL(..., import.meta.url)`, which Vite, webpack 5, Rollup and esbuild turn into emitted
 * assets. (Vite's dev server pre-bundles dependencies into another folder: list
 * @deltaclip/backend-wasm in `optimizeDeps.exclude`, or pass `wasmPaths`.)
 */
export const wasmPlatform: typeof NodePlatform = {
  kind: 'browser',
  bundledWasmPaths() {
    return {
      'tfjs-backend-wasm.wasm': new URL('../wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
      'tfjs-backend-wasm-simd.wasm': new URL('../wasm/tfjs-backend-wasm-simd.wasm', import.meta.url)
        .href,
      'tfjs-backend-wasm-threaded-simd.wasm': new URL(
        '../wasm/tfjs-backend-wasm-threaded-simd.wasm',
        import.meta.url,
      ).href,
    };
  },
  threadsSupported(tfjsFlag: boolean) {
    return tfjsFlag;
  },
  threadsNote() {
    return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
      ? 'threads are unavailable in this browser'
      : 'threads need cross-origin isolation (Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  },
  // An isolated page runs the threaded build whenever it can, as tfjs-backend-wasm does.
  prefersThreads() {
    return true;
  },
  // tfjs-backend-wasm's own default: half the logical cores (two hardware threads per core), at most 8.
  defaultThreads() {
    return Math.max(1, Math.min(Math.floor(cores() / 2), 8));
  },
  cores,
  // tfjs-backend-wasm starts its pthreads itself in browsers.
  async startThreaded(_threads, factory) {
    return await factory();
  },
};

function cores(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}
