/**
 * Node: tfjs-backend-wasm's Node build reads its `.wasm` files next to its own script, so
 * nothing needs to be set. Threads are not available in Node.
 */
export const wasmPlatform = {
  kind: 'node' as 'node' | 'browser',
  bundledWasmPaths(): Record<string, string> | undefined {
    return undefined;
  },
  threadsNote(): string {
    return 'threads are not available in Node';
  },
};
