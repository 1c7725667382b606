import { describe, expect, it } from 'vitest';
import {
  fencedBlocks,
  firstExample,
  importedPackages,
  installedPackages,
  packageName,
} from './readme.js';

const README = [
  '# pkg',
  '',
  '```sh',
  'npm install @deltaclip/core @tensorflow/tfjs-core@4.22.0   # the peer',
  '# a comment line',
  'npm i -D vite',
  'npx something else',
  '```',
  '',
  '```ts',
  'const notFirstJs = 1;',
  '```',
  '',
  '```js',
  "import * as tf from '@tensorflow/tfjs-core';",
  "import { a, b } from '@deltaclip/core/internal';",
  "import 'side-effect';",
  "import { x } from './local.js';",
  "const m = await import('node:fs');",
  "const l = await import('lazy-pkg/sub');",
  '```',
].join('\n');

describe('README extraction', () => {
  it('finds the fenced blocks in order with their languages', () => {
    expect(fencedBlocks(README).map((b) => b.lang)).toEqual(['sh', 'ts', 'js']);
  });

  it('takes the first js or ts block as the example, verbatim', () => {
    expect(firstExample(README)).toEqual({ lang: 'ts', code: 'const notFirstJs = 1;\n' });
  });

  it('reads the packages of the npm install lines of the first shell block, without flags', () => {
    expect(installedPackages(README)).toEqual([
      '@deltaclip/core',
      '@tensorflow/tfjs-core@4.22.0',
      'vite',
    ]);
    expect(installedPackages('no blocks')).toEqual([]);
  });

  it('names packages from specs and from import specifiers', () => {
    expect(packageName('@tensorflow/tfjs-core@4.22.0')).toBe('@tensorflow/tfjs-core');
    expect(packageName('leven@4')).toBe('leven');
    expect(packageName('@deltaclip/core')).toBe('@deltaclip/core');
    const code = fencedBlocks(README)[2]!.code;
    expect(importedPackages(code)).toEqual([
      '@tensorflow/tfjs-core',
      '@deltaclip/core',
      'side-effect',
      'lazy-pkg',
    ]);
  });
});
