import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// The built package in a plain node process (NODE_PATH cleared: pnpm's bin shims put the whole
// virtual store there), its adapter imported and passed to useBackend as an application does.
it('useBackend(wasmBackend) trains conv and gather on wasm in plain node', () => {
  const out = execFileSync(process.execPath, ['test/fixtures/use-wasm-adapter.mjs'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: '' },
  });
  const result = JSON.parse(out.split('\n').find((line) => line.startsWith('{'))!);
  expect(result).toEqual({
    backend: 'wasm',
    name: 'wasm',
    variant: 'simd',
    threads: 1,
    convGradFinite: true,
    // d/dtable of sum(gather(table, [1, 1, 7])): row 1 twice, row 7 once, 4 columns each.
    gatherGradRows: [0, 8, 0, 0, 0, 0, 0, 4, 0, 0],
  });
});
