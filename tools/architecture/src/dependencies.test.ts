import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPUTED, packageOf, runtimeImports } from './imports.js';
import { ALLOWED_IMPORTS, APPS, COMPUTED_IMPORTS_ALLOWED } from './layers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

interface Workspace {
  readonly name: string;
  readonly dir: string;
  readonly declared: ReadonlySet<string>;
}

function workspaces(): Workspace[] {
  const out: Workspace[] = [];
  for (const group of ['packages', 'apps', '.']) {
    const base = join(ROOT, group);
    const dirs = group === '.' ? ['bench'] : readdirSync(base);
    for (const d of dirs) {
      const dir = join(base, d);
      const pj = join(dir, 'package.json');
      if (!existsSync(pj)) continue;
      const pkg = JSON.parse(readFileSync(pj, 'utf8')) as Record<string, Record<string, string>>;
      const declared = new Set([
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.peerDependencies ?? {}),
      ]);
      out.push({ name: String(pkg.name), dir, declared });
    }
  }
  return out;
}

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry) && !entry.endsWith('.d.ts')
      ? [p]
      : [];
  });
}

const INTERNAL = (name: string): boolean => name.startsWith('@deltaclip/') || name === 'deltaclip';

describe('runtimeImports', () => {
  it('keeps value imports, re-exports and dynamic imports; drops type-only ones', () => {
    const text = [
      "import type { A } from '@deltaclip/a';",
      "import { type B } from '@deltaclip/b';",
      "import { type C, c } from '@deltaclip/c';",
      "import * as d from '@deltaclip/d';",
      "export type { E } from '@deltaclip/e';",
      "export { f } from '@deltaclip/f/internal';",
      "const g = await import('@deltaclip/g');",
      'const h = await import(name);',
      "import './side-effect.js';",
    ].join('\n');
    expect(runtimeImports('x.ts', text).map((i) => i.specifier)).toEqual([
      '@deltaclip/c',
      '@deltaclip/d',
      '@deltaclip/f/internal',
      '@deltaclip/g',
      COMPUTED,
      './side-effect.js',
    ]);
    expect(packageOf('@deltaclip/f/internal')).toBe('@deltaclip/f');
    expect(packageOf('deltaclip')).toBe('deltaclip');
    expect(packageOf('./x.js')).toBeUndefined();
  });
});

describe('the package graph points down the table in DESIGN.md', () => {
  const all = workspaces();
  const byName = new Map(all.map((w) => [w.name, w]));

  it('knows every workspace package', () => {
    for (const w of all) {
      expect(w.name in ALLOWED_IMPORTS || w.name in APPS, `${w.name} is not in layers.ts`).toBe(
        true,
      );
    }
    for (const name of Object.keys(ALLOWED_IMPORTS)) {
      expect(byName.has(name), `${name} is listed in layers.ts but does not exist`).toBe(true);
    }
  });

  for (const w of all) {
    it(`${w.name}: runtime imports are allowed and declared`, () => {
      const allowed = ALLOWED_IMPORTS[w.name];
      const excluded = APPS[w.name]?.excluded ?? [];
      const problems: string[] = [];
      for (const file of sources(join(w.dir, 'src'))) {
        for (const imp of runtimeImports(file, readFileSync(file, 'utf8'))) {
          if (imp.specifier === COMPUTED) {
            if (allowed !== undefined && !COMPUTED_IMPORTS_ALLOWED.includes(w.name)) {
              problems.push(
                `${relative(ROOT, file)}:${imp.line}: import(<expression>) finds a module by name at run time; pass adapters as objects or import statically`,
              );
            }
            continue;
          }
          const target = packageOf(imp.specifier);
          if (target === undefined || !INTERNAL(target) || target === w.name) continue;
          const where = `${relative(ROOT, file)}:${imp.line} imports '${imp.specifier}'`;
          if (target in APPS) problems.push(`${where}: an app`);
          else if (allowed !== undefined && !allowed.includes(target)) {
            problems.push(`${where}: not allowed (allowed: ${allowed.join(', ') || 'nothing'})`);
          } else if (excluded.includes(target)) problems.push(`${where}: excluded for this app`);
          if (!w.declared.has(target)) problems.push(`${where}: not in package.json dependencies`);
        }
      }
      expect(problems).toEqual([]);
    });

    if (w.name in ALLOWED_IMPORTS) {
      it(`${w.name}: package.json declares only allowed packages`, () => {
        const allowed = ALLOWED_IMPORTS[w.name]!;
        const extra = [...w.declared].filter((d) => INTERNAL(d) && !allowed.includes(d));
        expect(extra).toEqual([]);
      });
    }
  }
});
