import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const manifest = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, unknown> | undefined>;

// Installing deltaclip must never run tfjs-node's install script (it downloads libtensorflow).
it('declares tfjs-node and tfjs-node-gpu as optional peers only, never as dependencies', () => {
  for (const pkg of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      expect(manifest[field]?.[pkg], `${pkg} in ${field}`).toBeUndefined();
    }
    expect(manifest.peerDependenciesMeta?.[pkg]).toEqual({ optional: true });
  }
});
