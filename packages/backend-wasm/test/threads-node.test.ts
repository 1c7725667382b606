import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxRelativeDifference } from '@deltaclip/backend/testing';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'deltaclip-threads-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  variant: string;
  threads: number;
  losses: number[];
  tensors: number[];
  weights: Float32Array;
}

/**
 * The reference MLP 784-256-256-10 trained by the built adapter in its own plain node process
 * (the build and threads are chosen once per process). The timeout turns a process that pthreads
 * keep alive after its last line into a failure.
 */
function train(options: Record<string, unknown>): Run {
  const file = join(scratch, `${JSON.stringify(options).replace(/\W/g, '')}.f32`);
  const out = execFileSync(
    process.execPath,
    ['test/fixtures/train-threads.mjs', JSON.stringify(options), file],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' }, timeout: 90_000 },
  );
  const result = JSON.parse(out.split('\n').find((line) => line.startsWith('{'))!);
  const bytes = readFileSync(file);
  return { ...result, weights: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) };
}

/** Largest |a_i - b_i| relative to the largest |b_i|: weights near 0 make per-entry ratios meaningless. */
function weightDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

describe('threads in Node', () => {
  const single = train({ steps: 100 });
  const double = train({ steps: 100, threads: 2 });

  it('runs the SIMD build on one thread by default, the threaded build when asked for 2', () => {
    expect([single.variant, single.threads]).toEqual(['simd', 1]);
    expect([double.variant, double.threads]).toEqual(['threaded-simd', 2]);
  });

  it('trains the same MLP on 1 and 2 threads: losses and weights agree to 1e-5 after 100 δ-GClip steps', () => {
    expect(single.losses).toHaveLength(100);
    expect(single.losses.every(Number.isFinite)).toBe(true);
    expect(single.losses.at(-1)!).toBeLessThan(0.9 * single.losses[0]!);
    expect(maxRelativeDifference(double.losses, single.losses)).toBeLessThanOrEqual(1e-5);
    expect(weightDifference(double.weights, single.weights)).toBeLessThanOrEqual(1e-5);
  });

  it('the threaded build on 1 thread agrees with it too', () => {
    const one = train({ steps: 100, wasmVariant: 'threaded-simd', threads: 1 });
    expect([one.variant, one.threads]).toEqual(['threaded-simd', 1]);
    expect(maxRelativeDifference(one.losses, single.losses)).toBeLessThanOrEqual(1e-5);
    expect(weightDifference(one.weights, single.weights)).toBeLessThanOrEqual(1e-5);
  });

  it('is leak-free over 1,000 steps on 2 threads: tf.memory().numTensors constant', () => {
    // The small MLP: a leak is a tensor left per step whatever the size.
    const long = train({ steps: 1000, threads: 2, preset: 'conformance' });
    expect(long.threads).toBe(2);
    expect(long.tensors).toHaveLength(1000);
    expect(new Set(long.tensors)).toEqual(new Set([long.tensors[0]]));
    expect(long.losses.every(Number.isFinite)).toBe(true);
  });
});
