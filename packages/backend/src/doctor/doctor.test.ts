import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../adapters/cpu.js';
import { BACKEND_SPEC_VERSION, type BackendAdapter } from '../spec.js';
import { doctor, formatDoctorReport } from './doctor.js';

/** An adapter whose package is "missing", as an adapter package would report it. */
const missing: BackendAdapter = {
  specVersion: BACKEND_SPEC_VERSION,
  name: 'gpu-ish',
  tfBackend: 'gpu-ish',
  packageName: 'gpu-ish-adapter',
  rank: 40,
  availability: async () => ({
    available: false,
    reason: 'gpu-ish-runtime is not installed',
    fix: ['npm install gpu-ish-runtime', '  GPU_ISH_MIRROR=<url> for the download'],
  }),
  load: async () => {
    throw new Error('not available');
  },
  info: () => {
    throw new Error('not loaded');
  },
};

const flaky: BackendAdapter = {
  ...missing,
  name: 'flaky',
  packageName: 'flaky-adapter',
  rank: 5,
  availability: async () => {
    throw new Error('probe crashed\n    at somewhere');
  },
};

describe('doctor', () => {
  it('reports the adapters passed, in order, with reasons and fixes for the missing ones', async () => {
    await tf.setBackend('cpu');
    const report = await doctor([cpuBackend, missing]);
    expect(report.specVersion).toBe(1);
    expect(report.tfjsCore).toBe('4.22.0');
    expect(report.activeTfBackend).toBe('cpu');
    expect(report.runtime.kind).toBe('node');
    expect(report.backends).toEqual([
      {
        name: 'cpu',
        package: '@deltaclip/backend',
        available: true,
        summary: 'plain JavaScript, 1 thread',
        info: { versions: { 'tfjs-core': '4.22.0', 'tfjs-backend-cpu': '4.22.0' } },
      },
      {
        name: 'gpu-ish',
        package: 'gpu-ish-adapter',
        available: false,
        reason: 'gpu-ish-runtime is not installed',
        fix: ['npm install gpu-ish-runtime', '  GPU_ISH_MIRROR=<url> for the download'],
      },
    ]);
    expect(report.auto).toEqual({
      name: 'cpu',
      reason: 'cpu is the fastest backend available here (gpu-ish is not)',
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('formats the report as text', async () => {
    const text = formatDoctorReport(await doctor([cpuBackend, missing]));
    expect(text.split('\n').slice(2)).toEqual([
      '',
      'cpu      yes  tfjs-backend-cpu 4.22.0: plain JavaScript, 1 thread',
      'gpu-ish  no   gpu-ish-runtime is not installed',
      '              - npm install gpu-ish-runtime',
      '                  GPU_ISH_MIRROR=<url> for the download',
      '',
      'auto: cpu is the fastest backend available here (gpu-ish is not)',
    ]);
    expect(text.split('\n')[0]).toBe('deltaclip doctor (backend spec v1)');
  });

  it('survives an adapter whose check throws, and says when nothing is available', async () => {
    const report = await doctor([flaky]);
    expect(report.backends).toEqual([
      {
        name: 'flaky',
        package: 'flaky-adapter',
        available: false,
        reason: 'check failed: probe crashed',
        fix: [],
      },
    ]);
    expect(report.auto).toBeNull();
    expect(formatDoctorReport(report).split('\n').at(-1)).toBe('auto: no backend is available');
    expect((await doctor([cpuBackend])).auto?.reason).toBe(
      'cpu is the fastest of the backends checked',
    );
  });

  it('needs the adapters (nothing is found by name)', async () => {
    await expect(doctor(undefined as never)).rejects.toThrow(
      'doctor needs the adapters to check, e.g. doctor([cpuBackend, wasmBackend]) (backends are not found by name)',
    );
  });
});
