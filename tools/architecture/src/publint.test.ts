import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Every package that is published (not `private`), with its folder. */
function publishedPackages(): { name: string; dir: string; pkg: Record<string, unknown> }[] {
  const out = [];
  for (const group of ['packages', 'apps']) {
    for (const d of readdirSync(join(ROOT, group))) {
      const dir = join(ROOT, group, d);
      const pj = join(dir, 'package.json');
      if (!existsSync(pj)) continue;
      const pkg = JSON.parse(readFileSync(pj, 'utf8')) as Record<string, unknown>;
      if (pkg.private !== true) out.push({ name: String(pkg.name), dir, pkg });
    }
  }
  return out;
}

// publint (https://publint.dev) checks what a packed package really ships against its exports,
// types and fields — the errors bundlers and Node would meet after `npm install`.
describe('published packages pass publint and the house packaging rules', () => {
  for (const { name, dir, pkg } of publishedPackages()) {
    it(`${name}: publint finds nothing (strict)`, async () => {
      const { messages } = await publint({ pkgDir: dir, level: 'suggestion', strict: true });
      const text = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
      expect(text).toEqual([]);
    });

    it(`${name}: LICENSE, engines, no tsbuildinfo, sources beside the maps`, () => {
      expect(existsSync(join(dir, 'LICENSE'))).toBe(true);
      expect(pkg.license).toBe('Apache-2.0');
      expect((pkg.engines as Record<string, string> | undefined)?.node).toBe('>=20');
      const files = pkg.files as string[];
      expect(files).toContain('!dist/.tsbuildinfo');
      expect(files).toContain('src');
      expect(files).toContain('!src/**/*.test.ts');
    });
  }
});
