// Copies tfjs-backend-wasm's three .wasm builds into dist/wasm, where the browser entry finds
// them with new URL(..., import.meta.url). Fails the build if the installed tfjs-backend-wasm is
// not the version the adapter declares (its JavaScript glue and binaries must match).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { BUNDLED_WASM_VERSION, WASM_BINARIES } = await import(
  pathToFileURL(join(root, 'dist', 'bundled-wasm.js')).href
);
const require = createRequire(join(root, 'package.json'));
const manifest = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
if (version !== BUNDLED_WASM_VERSION) {
  console.error(
    `tfjs-backend-wasm ${version} is installed but src/bundled-wasm.ts declares ${BUNDLED_WASM_VERSION}; update BUNDLED_WASM_VERSION`,
  );
  process.exit(1);
}
const target = join(root, 'dist', 'wasm');
mkdirSync(target, { recursive: true });
for (const name of WASM_BINARIES) {
  copyFileSync(join(dirname(manifest), 'dist', name), join(target, name));
}
console.log(`copied ${WASM_BINARIES.length} tfjs-backend-wasm ${version} binaries to dist/wasm`);
// The Node pthread worker script is plain CommonJS (it runs emscripten's worker script), not a
// TypeScript module, so tsc does not emit it.
copyFileSync(
  join(root, 'src', 'platform', 'pthread-worker.cjs'),
  join(root, 'dist', 'platform', 'pthread-worker.cjs'),
);
