import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as browser from './index.js';
import * as nodeMain from './index.node.js';
import * as internal from './internal.js';
import * as nodeExtra from './node.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module reachable from a source file through relative imports (static and dynamic). */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
    seen.set(file, specifiers);
    for (const s of specifiers) {
      if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return seen;
}

describe('package entries', () => {
  it('the browser and Node entries export the same names', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(nodeMain).sort());
    for (const name of Object.keys(nodeMain)) expect(name in nodeExtra).toBe(true);
    expect(Object.keys(nodeExtra)).toEqual(
      expect.arrayContaining([
        'loadMnistDirectory',
        'loadCifarDirectory',
        'readIdxFile',
        'readTableFile',
      ]),
    );
  });

  it('implementation details are on /internal only, and the dead readText is gone', () => {
    const internalNames = Object.keys(internal);
    expect(internalNames).toEqual(
      expect.arrayContaining(['encodeIdx', 'encodeCifar', 'gunzip', 'STREAM', 'CIFAR_IMAGE_BYTES']),
    );
    // A name is public or internal, never both.
    expect(internalNames.filter((name) => name in nodeExtra)).toEqual([]);
    const hidden = ['readText', 'readBytes', 'locateFiles', 'readFileBytes', 'vegaDataPath'];
    for (const name of hidden) {
      expect(name in nodeExtra || name in internal).toBe(false);
    }
    expect(Object.keys(browser)).toEqual(
      expect.arrayContaining([
        'Dataset',
        'loadCars',
        'parseIdx',
        'DEFAULT_MAX_BYTES',
        'epochOrder',
      ]),
    );
  });

  it('/internal reaches no Node-only module either', () => {
    const graph = reachable(join(here, 'internal.ts'));
    const nodeImports = [...graph.values()].flat().filter((s) => s.startsWith('node:'));
    expect(nodeImports).toEqual([]);
  });

  it('the browser entry reaches no Node-only module (node:fs, node:zlib, ...)', () => {
    const graph = reachable(join(here, 'index.ts'));
    const nodeImports = [...graph.entries()].flatMap(([file, specs]) =>
      specs.filter((s) => s.startsWith('node:')).map((s) => `${file}: ${s}`),
    );
    expect(nodeImports).toEqual([]);
    expect([...graph.keys()].some((f) => f.endsWith('vega-embedded.ts'))).toBe(true);
    // The Node entry does read files.
    const nodeGraph = reachable(join(here, 'index.node.ts'));
    expect([...nodeGraph.values()].flat()).toContain('node:fs/promises');
  });

  it("package.json resolves 'browser' before 'node' and types first", () => {
    const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.exports['.'])).toEqual(['types', 'browser', 'node', 'default']);
    expect(pkg.exports['.'].browser).toBe('./dist/index.js');
    expect(pkg.exports['.'].node).toBe('./dist/index.node.js');
    for (const subpath of ['./node', './internal']) {
      expect(Object.keys(pkg.exports[subpath])).toEqual(['types', 'default']);
    }
    expect(pkg.exports['./internal'].default).toBe('./dist/internal.js');
    expect(pkg.dependencies['vega-datasets']).toBe('3.2.1');
  });
});
