/**
 * What a packed package must and must not ship, checked on the unpacked tarball itself (what npm
 * users get), not on the `files` field that is meant to produce it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Every file under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

const SOURCE_MAP_COMMENT = /^\/[/*][#@] sourceMappingURL=([^\s*]+)/m;

/**
 * The packaging rules a tarball breaks, one sentence each naming the file (empty when none):
 * README.md and LICENSE at the top; `engines.node` in package.json; no `*.tsbuildinfo`; every
 * source map's `sources` shipped beside it; every `sourceMappingURL` naming a shipped map.
 * `dir` is the tarball's unpacked `package/` folder.
 */
export function packagingProblems(dir: string): string[] {
  const problems: string[] = [];
  const files = filesUnder(dir);
  const shipped = new Set(files);
  for (const required of ['README.md', 'LICENSE', 'package.json']) {
    if (!shipped.has(required)) problems.push(`${required} is missing`);
  }
  if (shipped.has('package.json')) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      engines?: { node?: unknown };
    };
    if (typeof manifest.engines?.node !== 'string') {
      problems.push('package.json has no engines.node: add "engines": { "node": ">=20" }');
    }
  }
  const inside = (path: string) => {
    const rel = relative(dir, path).split(sep).join('/');
    return rel.startsWith('../') || rel === '..' ? undefined : rel;
  };
  for (const file of files) {
    if (file.endsWith('.tsbuildinfo')) {
      problems.push(`${file} is a TypeScript build cache: exclude it in "files"`);
    }
    if (file.endsWith('.map')) {
      let map: { sources?: unknown; sourceRoot?: unknown };
      try {
        map = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      } catch {
        problems.push(`${file} is not JSON`);
        continue;
      }
      const root = typeof map.sourceRoot === 'string' ? map.sourceRoot : '';
      const sources = Array.isArray(map.sources) ? map.sources : [];
      if (sources.length === 0) problems.push(`${file} lists no sources`);
      for (const source of sources) {
        const rel = inside(resolve(dirname(join(dir, file)), root, String(source)));
        if (rel === undefined || !shipped.has(rel)) {
          problems.push(`${file} maps ${source}, which the tarball does not ship`);
        }
      }
    } else if (/\.(m|c)?js$|\.d\.(m|c)?ts$/.test(file)) {
      const url = SOURCE_MAP_COMMENT.exec(readFileSync(join(dir, file), 'utf8'))?.[1];
      if (url === undefined || url.startsWith('data:')) continue;
      const rel = inside(resolve(dirname(join(dir, file)), decodeURIComponent(url)));
      if (rel === undefined || !shipped.has(rel)) {
        problems.push(`${file} names the source map ${url}, which the tarball does not ship`);
      }
    }
  }
  return problems;
}
