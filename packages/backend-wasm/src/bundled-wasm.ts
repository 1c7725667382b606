/** Version of tfjs-backend-wasm whose `.wasm` binaries ship in this package's dist/wasm (browsers). */
export const BUNDLED_WASM_VERSION = '4.22.0';

/** The three builds of tfjs-backend-wasm, by file name. */
export const WASM_BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;
