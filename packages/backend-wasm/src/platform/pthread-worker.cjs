'use strict';
// One pthread of tfjs-backend-wasm's threaded SIMD build, as a Node worker_thread started from
// this file. tfjs-backend-wasm ships emscripten's pthread worker script only as a string
// (wasm-out/tfjs-backend-wasm-threaded-simd.worker.js exports it as wasmWorkerContents) that its
// browser path turns into a blob URL, which worker_threads cannot start: this file runs that same
// script. It expects CommonJS `require` and `__filename`, hence the function wrapper; its string
// literals hold raw newlines (a blob keeps them, a parser rejects them), hence the escaping, which
// is what tfjs-backend-wasm does before making its blob.
const { workerData } = require('node:worker_threads');
const { runInThisContext } = require('node:vm');

const { workerScript } = workerData;
const { wasmWorkerContents } = require(workerScript);
const source = `(function (require, __filename) {${wasmWorkerContents.replace(/\n/g, '\\n')}\n})`;
runInThisContext(source, { filename: workerScript })(require, workerScript);
