import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs a fixture with plain `node` (no vitest, no test setup) from this package's folder. NODE_PATH
 * is cleared: pnpm's bin shims put its whole virtual store there, where every package is found.
 */
function runFixture(name: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, [`test/fixtures/${name}`], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: '' },
  });
  const json = out.split('\n').find((line) => line.startsWith('{'));
  if (json === undefined) throw new Error(`${name} printed no JSON:\n${out}`);
  return JSON.parse(json) as Record<string, unknown>;
}

// These run the built package (dist) the way users do: in a plain node process, where tfjs-core's
// Node entry registers no gradients (vitest hides that, since the test setup imports @tensorflow/tfjs).
describe('in a plain node process', () => {
  beforeAll(() => {
    if (!existsSync(`${root}/dist/index.js`))
      throw new Error('build first: pnpm --filter @deltaclip/backend build');
  });

  it('tf.grad fails with tfjs-core and a backend alone', () => {
    expect(runFixture('grad-without-use-backend.mjs')).toEqual({
      ok: false,
      error: 'Cannot compute gradient: gradient function not found for Square.',
    });
  });

  it("tf.grad and δ-GClip's minimize work after useBackend(cpuBackend)", () => {
    const result = runFixture('grad-with-use-backend.mjs');
    // d/dx x^2 at 3; one δ-GClip step on sum(w^2) from w = [2, -4]: g = [4, -8], |g| = sqrt(80) > gamma,
    // gamma/|g| = 0.1118 > delta, so h = 0.1 * 0.1118 and w <- w - h g.
    const h = 0.1 * (1 / Math.sqrt(80));
    expect(result).toMatchObject({ backend: 'cpu', name: 'cpu', grad: 6, cost: 20 });
    // d/dx x tanh(x) = tanh(x) + x (1 - tanh(x)^2), at x = 1.
    expect(result.tanhGrad).toBeCloseTo(Math.tanh(1) + (1 - Math.tanh(1) ** 2), 5);
    const w = result.w as number[];
    expect(w[0]).toBeCloseTo(2 - h * 4, 6);
    expect(w[1]).toBeCloseTo(-4 + h * 8, 6);
  });

  it('doctor checks the adapters it is given, gradients not yet registered', () => {
    const { report, text } = runFixture('doctor.mjs') as {
      report: {
        backends: { name: string; available: boolean; reason?: string }[];
        gradientsRegistered: boolean;
        activeTfBackend: string | null;
      };
      text: string;
    };
    expect(report.gradientsRegistered).toBe(false);
    expect(report.backends.map((b) => [b.name, b.available])).toEqual([['cpu', true]]);
    expect(text.split('\n').at(-1)).toBe('auto: cpu is the fastest of the backends checked');
  });
});
