import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** The shell blocks of the README, in order. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

describe('README commands', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const [setup, test] = shellBlocks(readme);

  it('the first sets up a fresh machine (Node 20 + npm only) and runs the main job', () => {
    expect(setup).toMatch(
      /^npm install -g pnpm@[\d.]+ && pnpm install --frozen-lockfile && pnpm main$/,
    );
  });

  it('the second installs everything itself and runs all tests; .ci/run runs exactly it', () => {
    expect(test).toMatch(
      /^npm install -g pnpm@[\d.]+ && pnpm install --frozen-lockfile && pnpm test$/,
    );
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci.split('\n').map((l) => l.trim())).toContain(test);
  });

  it('pins the pnpm version of package.json packageManager', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      packageManager: string;
    };
    const version = pkg.packageManager.replace(/^pnpm@/, '');
    expect(setup).toContain(`pnpm@${version}`);
    expect(test).toContain(`pnpm@${version}`);
  });
});
