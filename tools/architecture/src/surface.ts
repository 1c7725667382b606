/**
 * The package graph and each package's size: source lines (non-test .ts under src/) and the
 * number of names its entry points export (values and types), counted with the TypeScript
 * checker. Run from the repository root: `node tools/architecture/dist/surface.js [root]`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

interface PackageInfo {
  readonly dir: string;
  readonly name: string;
  readonly deps: string[];
  readonly lines: number;
  /** Names exported by the main entry ('.'), the public API a user meets first. */
  readonly mainExports: number;
  /** Names exported by every entry (subpaths such as /node, /internal, /testing included). */
  readonly exports: number;
  readonly entries: string[];
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry) && !entry.endsWith('.d.ts'))
      out.push(p);
  }
  return out;
}

/** The .ts source behind each `exports` entry (dist/x.js -> src/x.ts). */
function entrySources(dir: string, pkg: Record<string, unknown>, only?: string): string[] {
  const exportsMap = (pkg.exports ?? {}) as Record<string, unknown>;
  const targets = new Set<string>();
  for (const [key, value] of Object.entries(exportsMap)) {
    if (key === './package.json' || (only !== undefined && key !== only)) continue;
    const collect = (v: unknown): void => {
      if (typeof v === 'string') targets.add(v);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
    };
    collect(value);
  }
  const sources = new Set<string>();
  for (const t of targets) {
    if (!t.endsWith('.js')) continue;
    const src = join(dir, t.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
    if (existsSync(src)) sources.add(src);
  }
  return [...sources];
}

function countExports(files: readonly string[]): number {
  if (files.length === 0) return 0;
  const program = ts.createProgram([...files], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const names = new Set<string>();
  for (const f of files) {
    const sf = program.getSourceFile(f);
    const symbol = sf && checker.getSymbolAtLocation(sf);
    if (!symbol) continue;
    for (const e of checker.getExportsOfModule(symbol)) names.add(e.getName());
  }
  return names.size;
}

export function surveyPackages(root: string): PackageInfo[] {
  const out: PackageInfo[] = [];
  for (const group of ['packages', 'apps', 'tools']) {
    const g = join(root, group);
    if (!existsSync(g)) continue;
    for (const d of readdirSync(g).sort()) {
      const dir = join(g, d);
      const pj = join(dir, 'package.json');
      if (!existsSync(pj)) continue;
      const pkg = JSON.parse(readFileSync(pj, 'utf8')) as Record<string, unknown>;
      const deps = Object.keys((pkg.dependencies ?? {}) as object)
        .concat(Object.keys((pkg.peerDependencies ?? {}) as object))
        .filter((n) => n.startsWith('@deltaclip/') || n === 'deltaclip');
      const files = sourceFiles(join(dir, 'src'));
      const lines = files.reduce((s, f) => s + readFileSync(f, 'utf8').split('\n').length, 0);
      const entries = entrySources(dir, pkg);
      out.push({
        dir: relative(root, dir),
        name: String(pkg.name),
        deps: [...new Set(deps)].sort(),
        lines,
        mainExports: group === 'packages' ? countExports(entrySources(dir, pkg, '.')) : 0,
        exports: group === 'packages' ? countExports(entries) : 0,
        entries: entries.map((e) => relative(dir, e)),
      });
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const root = process.argv[2] ?? process.cwd();
  const rows = surveyPackages(root);
  console.log('| package | depends on | source lines | main-entry exports | all entries |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const all = r.exports ? `${r.exports} (${r.entries.join(', ')})` : '—';
    console.log(
      `| ${r.name} | ${r.deps.join(', ') || '—'} | ${r.lines} | ${r.mainExports || '—'} | ${all} |`,
    );
  }
}
