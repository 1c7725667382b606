import * as tf from '@tensorflow/tfjs-core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { doctor, formatDoctorReport } from './doctor.js';
import { platform } from './platform/node.js';
import { registerBackendAdapter } from './registry.js';
import { BACKEND_SPEC_VERSION } from './spec.js';

// The adapter packages are not dependencies of this package, but under `pnpm test` NODE_PATH
// (set by pnpm's bin shims) reaches its whole virtual store; pretend they are not installed.
// (test/plain-node.test.ts runs the real lookup in a plain node process.)
beforeEach(() => {
  const original = platform.importPackage;
  vi.spyOn(platform, 'importPackage').mockImplementation(async (specifier) =>
    specifier.startsWith('@deltaclip/backend-') ? undefined : original(specifier),
  );
  return () => vi.restoreAllMocks();
});

describe('doctor', () => {
  it('reports every backend, with reasons and fixes for the missing ones', async () => {
    await tf.setBackend('cpu');
    const report = await doctor();
    expect(report.specVersion).toBe(1);
    expect(report.tfjsCore).toBe('4.22.0');
    expect(report.activeTfBackend).toBe('cpu');
    expect(report.runtime.kind).toBe('node');
    expect(report.backends.map((b) => [b.name, b.available])).toEqual([
      ['cpu', true],
      ['wasm', false],
      ['node', false],
      ['node-gpu', false],
    ]);
    const [cpu, wasm, , gpu] = report.backends;
    expect(cpu).toMatchObject({
      summary: 'plain JavaScript, 1 thread',
      info: { versions: { 'tfjs-backend-cpu': '4.22.0' } },
    });
    expect(wasm).toMatchObject({
      reason: '@deltaclip/backend-wasm is not installed',
      fix: ['npm install @deltaclip/backend-wasm @tensorflow/tfjs-backend-wasm@4.22.0'],
    });
    expect(gpu!.fix!.join('\n')).toContain('CUDA 11.2 and cuDNN 8.1');
    expect(report.auto).toEqual({
      name: 'cpu',
      reason: 'cpu is the fastest backend available here (node-gpu, node, wasm are not)',
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('formats the report as text', async () => {
    const text = formatDoctorReport(await doctor());
    const lines = text.split('\n');
    expect(lines[0]).toBe('deltaclip doctor (backend spec v1)');
    expect(lines).toContain('cpu       yes  tfjs-backend-cpu 4.22.0: plain JavaScript, 1 thread');
    expect(lines).toContain('wasm      no   @deltaclip/backend-wasm is not installed');
    expect(lines).toContain(
      '               - npm install @deltaclip/backend-wasm @tensorflow/tfjs-backend-wasm@4.22.0',
    );
    expect(lines).toContain('node-gpu  no   @deltaclip/backend-node-gpu is not installed');
    expect(lines.at(-1)).toBe(
      'auto: cpu is the fastest backend available here (node-gpu, node, wasm are not)',
    );
  });

  it('includes registered adapters and survives one whose check throws', async () => {
    registerBackendAdapter({
      specVersion: BACKEND_SPEC_VERSION,
      name: 'flaky',
      tfBackend: 'flaky',
      packageName: 'flaky-adapter',
      rank: 5,
      availability: async () => {
        throw new Error('probe crashed\n    at somewhere');
      },
      load: async () => {},
      info: () => {
        throw new Error('not loaded');
      },
    });
    const report = await doctor();
    expect(report.backends.at(-1)).toMatchObject({
      name: 'flaky',
      available: false,
      reason: 'check failed: probe crashed',
    });
  });
});
