import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { serviceWorkerSource } from './src/offline/service-worker-source.js';

/**
 * Cross-origin isolation: SharedArrayBuffer, hence tfjs-backend-wasm's threaded SIMD build. Any
 * static host must send the same headers for threads (see README); without them the app still
 * runs, on the single-threaded SIMD build.
 */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/** Writes dist/sw.js, a service worker that precaches every file of the build (offline use). */
function offlineCache(): Plugin {
  let outDir = 'dist';
  return {
    name: 'deltaclip-offline-cache',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      // _headers is read by the host, not served: it must not be precached.
      const files = filesUnder(outDir).filter(
        (f) => f !== 'sw.js' && f !== '_headers' && !f.endsWith('.map'),
      );
      writeFileSync(join(outDir, 'sw.js'), serviceWorkerSource(files));
    },
  };
}

export default defineConfig({
  // Relative URLs: the build works from any folder of a static host.
  base: './',
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its threads from `factory.toString()`: minifying the worker renames
    // what that source refers to, and every thread then fails with "e is not defined".
    rolldownOptions: { output: { minify: false } },
  },
  // The wasm adapter finds its .wasm files next to its own module; pre-bundling would move it.
  optimizeDeps: {
    exclude: ['@deltaclip/backend-wasm'],
    // What the worker imports lazily, pre-bundled up front so the dev server does not reload.
    include: [
      '@deltaclip/backend-wasm > @tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-core/dist/register_all_gradients.js',
      '@deltaclip/plstar > ml-matrix',
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  plugins: [offlineCache()],
});
