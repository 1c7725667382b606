import { describeBackendConformance } from '@deltaclip/backend/testing';
import { expect, it } from 'vitest';
import { wasmBackend } from '../src/index.js';

// The same contract on the build without SIMD (a separate file: the build is chosen once per
// process, when the wasm backend starts).
const selected = await describeBackendConformance({
  backend: wasmBackend,
  loadOptions: { wasmVariant: 'plain' },
});

it('runs the plain build', () => {
  expect(selected).toMatchObject({ variant: 'plain', simd: false, threads: 1 });
});
