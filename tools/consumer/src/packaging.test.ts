import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagingProblems } from './packaging.js';

const made: string[] = [];

/** An unpacked tarball's package/ folder holding `files` (path -> content). */
function unpacked(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deltaclip-packaging-'));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const map = (sources: string[], sourceRoot?: string) =>
  JSON.stringify({ version: 3, file: 'x.js', sourceRoot, sources, mappings: '' });

describe('packagingProblems', () => {
  it('finds nothing in a package that ships its sources beside its maps', () => {
    const dir = unpacked({
      'README.md': '# p',
      LICENSE: 'Apache-2.0',
      'package.json': JSON.stringify({ name: 'p', engines: { node: '>=20' } }),
      'src/a.ts': 'export const a = 1;',
      'src/sub/b.ts': 'export const b = 2;',
      'dist/a.js': 'export const a = 1;\n//# sourceMappingURL=a.js.map',
      'dist/a.js.map': map(['../src/a.ts']),
      'dist/a.d.ts': 'export declare const a = 1;\n//# sourceMappingURL=a.d.ts.map',
      'dist/a.d.ts.map': map(['../src/a.ts']),
      'dist/sub/b.js': 'export const b = 2;\n//# sourceMappingURL=b.js.map',
      'dist/sub/b.js.map': map(['b.ts'], '../../src/sub/'),
      'dist/inline.js': '//# sourceMappingURL=data:application/json;base64,e30=',
    });
    expect(packagingProblems(dir)).toEqual([]);
  });

  it('names each rule a package breaks and the file', () => {
    const dir = unpacked({
      'package.json': JSON.stringify({ name: 'p' }),
      'dist/.tsbuildinfo': '{}',
      'dist/a.js': 'export const a = 1;\n//# sourceMappingURL=a.js.map',
      'dist/a.js.map': map(['../src/a.ts']),
      'dist/b.js': 'export const b = 2;\n//# sourceMappingURL=b.js.map',
      'dist/c.js.map': map(['../../../outside.ts']),
    });
    expect(packagingProblems(dir).sort()).toEqual(
      [
        'README.md is missing',
        'LICENSE is missing',
        'package.json has no engines.node: add "engines": { "node": ">=20" }',
        'dist/.tsbuildinfo is a TypeScript build cache: exclude it in "files"',
        'dist/a.js.map maps ../src/a.ts, which the tarball does not ship',
        'dist/b.js names the source map b.js.map, which the tarball does not ship',
        'dist/c.js.map maps ../../../outside.ts, which the tarball does not ship',
      ].sort(),
    );
  });
});
