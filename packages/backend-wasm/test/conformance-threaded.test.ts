import { describeBackendConformance } from '@deltaclip/backend/testing';
import { expect, it } from 'vitest';
import { wasmBackend } from '../src/index.js';

// The same contract on the threaded SIMD build with 2 threads, its pthreads started in Node as
// worker_threads (a separate file: the build is chosen once per process).
const selected = await describeBackendConformance({
  backend: wasmBackend,
  loadOptions: { threads: 2 },
});

it('runs the threaded SIMD build on 2 threads', () => {
  expect(selected).toMatchObject({ variant: 'threaded-simd', simd: true, threads: 2 });
});
