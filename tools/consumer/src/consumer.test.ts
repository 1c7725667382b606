/**
 * The packages as a user gets them: `pnpm pack` every published package (workspace:* becomes the
 * version), `npm install` the tarballs into a blank temp project together with what each README's
 * install line names, then run every README's first example there, extracted from the README
 * itself: as Node ESM, a `tsc --strict` file that imports every main entry, and a Vite bundle of
 * the core example in headless Chromium. Everything is rebuilt in a fresh temp folder each run,
 * npm's cache included. The third-party packages come from a registry this test starts on
 * loopback (./registry.ts), packed from what `pnpm install` put in node_modules/.pnpm: no network.
 * Needs the packages built (turbo runs the build first) and the workspace installed.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromiumMissing,
  launchChromium,
  pageResult,
  serveStatic,
} from '@deltaclip/browser-harness';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagingProblems } from './packaging.js';
import {
  firstExample,
  firstShellBlock,
  importedPackages,
  installedPackages,
  packageName,
  shellCommands,
} from './readme.js';
import {
  dependencyClosure,
  type InstalledPackage,
  lockfilePins,
  type Manifest,
  type Omitted,
  packFolder,
  type Root,
  startDeadEndProxy,
  startRegistry,
} from './registry.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(import.meta.url);

interface Published {
  readonly name: string;
  readonly dir: string;
  readonly readme: string;
}

/** Every workspace package that is not private: what npm users can install. */
function publishedPackages(): Published[] {
  const dirs = [
    ...readdirSync(join(ROOT, 'packages')).map((d) => join(ROOT, 'packages', d)),
    ...readdirSync(join(ROOT, 'apps')).map((d) => join(ROOT, 'apps', d)),
  ];
  return dirs.flatMap((dir) => {
    let pkg: { name: string; private?: boolean };
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      return [];
    }
    if (pkg.private) return [];
    return [{ name: pkg.name, dir, readme: readFileSync(join(dir, 'README.md'), 'utf8') }];
  });
}

/**
 * Packages a README names that cannot be installed on these machines: tfjs-node and tfjs-node-gpu
 * download libtensorflow from a host CI cannot reach in their install script. Their adapter's
 * example must then fail with the documented "not installed" message instead.
 */
const NOT_INSTALLABLE = new Set(['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);

/** What each example must show beyond exiting 0 (or, for node-gpu here, how it must fail). */
const EXPECTED_FAILURE: Record<string, RegExp> = {
  '@deltaclip/backend-node-gpu':
    /Backend 'node-gpu' is not available: @tensorflow\/tfjs-node-gpu is not installed/,
};

const PACKAGES = publishedPackages();
/** The temp folder of this run (tarballs, registry, npm cache, app); removed afterwards. */
let workdir: string | undefined;
/** The blank project, workdir/app. */
let project: string;
let tarballs: Map<string, string>;

function run(command: string, args: string[], cwd: string, timeout = 120_000) {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    // NODE_PATH from pnpm's shims would let the project find the monorepo's own packages.
    env: { ...process.env, NODE_PATH: '', NODE_ENV: 'production', FORCE_COLOR: '0' },
  });
}

let served: InstalledPackage[];
let omitted: Omitted[];
let optionalPeers: Omitted[];
let registryUrl: string;
let registryMisses: string[];
let proxyAttempts: string[];

/** `spawnSync`'s result, without blocking the event loop (servers of this process keep answering). */
function spawnAsync(
  command: string,
  args: string[],
  options: { cwd: string; timeout: number; env: NodeJS.ProcessEnv },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    execFile(command, args, { ...options, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        if (error.killed)
          ok({ status: null, stdout, stderr: `${stderr}\n(killed after ${options.timeout} ms)` });
        else fail(error);
      } else ok({ status: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** The manifest inside a packed tarball, as npm reads it. */
function packedManifest(tarball: string): Manifest {
  return JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
  ) as Manifest;
}

/**
 * The environment npm runs in: no npm_config_* from the pnpm that started the test (they would
 * override the blank project's settings), and every proxy variable pointing at `proxy`, so a
 * lifecycle script that reaches for the network fails too.
 */
function isolatedEnv(proxy: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')),
  );
  return {
    ...env,
    NODE_PATH: '',
    FORCE_COLOR: '0',
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: '127.0.0.1',
    no_proxy: '127.0.0.1',
  };
}

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'deltaclip-consumer-'));
  const packs = join(workdir, 'tarballs');
  mkdirSync(packs);
  tarballs = new Map();
  for (const pkg of PACKAGES) {
    const before = new Set(readdirSync(packs));
    execFileSync('pnpm', ['pack', '--pack-destination', packs], { cwd: pkg.dir, stdio: 'pipe' });
    const made = readdirSync(packs).filter((f) => !before.has(f));
    expect(made, `pnpm pack of ${pkg.name}`).toHaveLength(1);
    tarballs.set(pkg.name, join(packs, made[0]!));
  }
  const thirdParty = new Set(
    PACKAGES.flatMap((p) => installedPackages(p.readme)).filter(
      (spec) => !tarballs.has(packageName(spec)) && !NOT_INSTALLABLE.has(packageName(spec)),
    ),
  );

  // What npm will ask the registry for: the packed manifests' dependencies and the READMEs'
  // install lines, resolved where pnpm installed them for the package in question.
  const roots: Root[] = PACKAGES.flatMap((pkg) => {
    const manifest = packedManifest(tarballs.get(pkg.name)!);
    const readmeSpecs = installedPackages(pkg.readme).filter((s) => thirdParty.has(s));
    const readme = Object.fromEntries(
      readmeSpecs.map((s) => [packageName(s), s.slice(packageName(s).length + 1) || '*']),
    );
    const others = PACKAGES.filter((p) => p !== pkg).map((p) => p.dir);
    return [
      { label: `${manifest.name}@${manifest.version}`, dirs: [pkg.dir], manifest },
      {
        label: `the README of ${pkg.name}`,
        dirs: [pkg.dir, ...others],
        manifest: { dependencies: readme },
      },
    ];
  });
  const closure = dependencyClosure(roots, (name) => tarballs.has(name));
  served = closure.packages;
  omitted = closure.omitted;
  optionalPeers = closure.optionalPeers;
  const store = join(workdir, 'registry');
  mkdirSync(store);
  const registry = await startRegistry(
    served.map((p, i) => {
      const tarball = join(store, `${i}.tgz`);
      packFolder(p.dir, tarball);
      return { manifest: p.manifest, tarball };
    }),
  );
  const proxy = await startDeadEndProxy();
  registryUrl = registry.url;
  registryMisses = registry.misses;
  proxyAttempts = proxy.attempts;

  const app = join(workdir, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'blank-app', private: true, type: 'module' }),
  );
  // No user or global npmrc (a machine's may name another registry or a scope's), an empty cache
  // (a warm one would hide a package the registry lacks), and no way out but loopback.
  const [userrc, globalrc] = [join(workdir, 'user-npmrc'), join(workdir, 'global-npmrc')];
  writeFileSync(userrc, '');
  writeFileSync(globalrc, '');
  try {
    // Asynchronous: the registry answers from this process's event loop.
    const npm = await spawnAsync(
      'npm',
      [
        'install',
        `--registry=${registry.url}`,
        `--cache=${join(workdir, 'npm-cache')}`,
        `--userconfig=${userrc}`,
        `--globalconfig=${globalrc}`,
        `--proxy=${proxy.url}`,
        `--https-proxy=${proxy.url}`,
        '--noproxy=127.0.0.1',
        '--no-audit',
        '--no-fund',
        '--no-update-notifier',
        '--loglevel=error',
        ...tarballs.values(),
        ...thirdParty,
      ],
      { cwd: app, timeout: 240_000, env: isolatedEnv(proxy.url) },
    );
    if (npm.status !== 0) {
      throw new Error(
        `npm install from the loopback registry failed (asked for and not served: ${registry.misses.join(', ') || 'nothing'}; tried to leave loopback: ${proxy.attempts.join(', ') || 'nothing'}):\n${npm.stdout}\n${npm.stderr}`,
      );
    }
  } finally {
    await registry.close();
    await proxy.close();
  }
  project = app;
}, 300_000);

afterAll(() => {
  // Only the folder this run made: never a parent, whatever beforeAll reached.
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

/** Names of the packages installed in the project that `name` brings with it (itself included). */
function closure(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  let pkg: { dependencies?: object; peerDependencies?: object };
  try {
    pkg = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'));
  } catch {
    return seen;
  }
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })) {
    closure(dep, seen);
  }
  return seen;
}

/** `name@version` of every package under a node_modules folder, nested ones included. */
function installedTree(nodeModules: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(nodeModules).filter((e) => !e.startsWith('.'));
  } catch {
    return [];
  }
  const dirs = entries.flatMap((e) =>
    e.startsWith('@') ? readdirSync(join(nodeModules, e)).map((s) => join(e, s)) : [e],
  );
  return dirs.flatMap((d) => {
    const dir = join(nodeModules, d);
    const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return [`${name}@${version}`, ...installedTree(join(dir, 'node_modules'))];
  });
}

describe('the install, from a loopback registry of what the workspace installed', () => {
  it('served only versions the lockfile pins, exactly the third-party packages installed', () => {
    const pins = lockfilePins(readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8'));
    const servedKeys = served.map((p) => `${p.name}@${p.version}`);
    for (const key of servedKeys) expect(pins.has(key), `${key} in pnpm-lock.yaml`).toBe(true);
    const thirdParty = installedTree(join(project, 'node_modules')).filter(
      (key) => !tarballs.has(key.slice(0, key.lastIndexOf('@'))),
    );
    expect([...new Set(thirdParty)].sort()).toEqual([...servedKeys].sort());
    expect(servedKeys).toContain('@tensorflow/tfjs-core@4.22.0');
    // As npm recorded it: ours from the tarballs, everything else from the loopback registry.
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '') continue;
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const from = tarballs.has(name) ? /^file:.*\.tgz$/ : new RegExp(`^${registryUrl}`);
      expect(entry.resolved, path).toMatch(from);
    }
  });

  it('asked the registry only for optional packages it did not serve, and nothing left loopback', () => {
    // Other platforms' optional binaries and optional peers (vitest for the conformance suites,
    // bullmq's telemetry...): npm looks them up, then installs none of them.
    // And the packages' own names: npm looks those up too, then keeps the tarballs given.
    const unserved = new Set(
      [...omitted, ...optionalPeers, ...[...tarballs.keys()].map((name) => ({ name }))].map(
        (o) => `GET /${o.name}`,
      ),
    );
    expect(registryMisses.filter((miss) => !unserved.has(miss))).toEqual([]);
    const installed = new Set(
      installedTree(join(project, 'node_modules')).map((k) => k.slice(0, k.lastIndexOf('@'))),
    );
    const servedNames = new Set(served.map((p) => p.name));
    for (const { name, by } of optionalPeers) {
      if (!servedNames.has(name))
        expect(installed.has(name), `${name} (optional peer of ${by})`).toBe(false);
    }
    expect(registryMisses).toContain('GET /vitest');
    expect(proxyAttempts).toEqual([]);
  });
});

describe('the packed packages', () => {
  it('rewrite workspace:* to versions', () => {
    for (const [name, file] of tarballs) {
      const manifest = packedManifest(file);
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
        for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
          expect(range, `${name} ${field}.${dep}`).not.toMatch(/^workspace:/);
        }
      }
    }
  });

  it('ship README, LICENSE and engines, no .tsbuildinfo, and the sources of every source map', () => {
    const unpacked = join(workdir!, 'unpacked');
    for (const [name, file] of tarballs) {
      const dir = join(unpacked, name);
      mkdirSync(dir, { recursive: true });
      execFileSync('tar', ['-xzf', file, '-C', dir]);
      const problems = packagingProblems(join(dir, 'package'));
      expect(problems, name).toEqual([]);
      // The check saw maps at all: every package ships maps of dist/ into src/.
      const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' });
      expect(listing, name).toMatch(/^package\/dist\/.*\.js\.map$/m);
      expect(listing, name).toMatch(/^package\/src\/.*\.ts$/m);
    }
  });

  it('install one tfjs-core, and no @tensorflow/tfjs union, for the CLI and every package', () => {
    const ls = run('npm', ['ls', '--all', '--parseable', '@tensorflow/tfjs-core'], project);
    const copies = ls.stdout.split('\n').filter((l) => l.endsWith('tfjs-core'));
    expect(copies).toHaveLength(1);
    const union = run('npm', ['ls', '--all', '--parseable', '@tensorflow/tfjs'], project);
    const brought = union.stdout.split('\n').filter((l) => /@tensorflow\/tfjs$/.test(l));
    // Only the core README's own install line asks for the union (for its plain-Node example).
    const askedFor = PACKAGES.filter((p) =>
      installedPackages(p.readme).some((s) => packageName(s) === '@tensorflow/tfjs'),
    ).map((p) => p.name);
    expect(brought.length).toBe(askedFor.length > 0 ? 1 : 0);
    for (const [name] of tarballs) expect(closure(name).has('@tensorflow/tfjs'), name).toBe(false);
  });
});

describe("every README's first example, as Node ESM in the blank project", () => {
  for (const pkg of PACKAGES) {
    const example = firstExample(pkg.readme);
    if (pkg.name === 'deltaclip') continue; // the CLI's README starts with commands: below
    it(`${pkg.name}: its README has one, importing only what its install line brings`, () => {
      expect(example, `${pkg.name} README has no js/ts example`).toBeDefined();
      const installs = installedPackages(pkg.readme).map(packageName);
      expect(installs, `${pkg.name} README has no npm install line`).toContain(pkg.name);
      const brought = new Set(installs.flatMap((name) => [...closure(name)]));
      for (const name of importedPackages(example!.code)) {
        expect(brought.has(name), `${pkg.name} example imports ${name}`).toBe(true);
      }
    });
    it(`${pkg.name}: runs`, () => {
      const file = join(project, `example-${pkg.name.replace(/[@/]/g, '_')}.mjs`);
      writeFileSync(file, example!.code);
      const result = run(process.execPath, [file], project);
      const expectedFailure = EXPECTED_FAILURE[pkg.name];
      if (expectedFailure) {
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(expectedFailure);
      } else {
        expect(result.stderr + result.stdout, `${pkg.name} example`).not.toMatch(/Error:/);
        expect(result.status, result.stderr).toBe(0);
      }
    });
  }

  it("deltaclip: the commands of its README's first block run from node_modules/.bin", () => {
    const cli = PACKAGES.find((p) => p.name === 'deltaclip')!;
    const commands = shellCommands(firstShellBlock(cli.readme)!);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      const [npx, bin, ...args] = command.split(/\s+/);
      expect([npx, bin], command).toEqual(['npx', 'deltaclip']);
      const result = run(
        join(project, 'node_modules', '.bin', 'deltaclip'),
        args,
        project,
        240_000,
      );
      expect(result.status, `${command}\n${result.stderr}`).toBe(0);
      expect(result.stdout, command).not.toBe('');
    }
  }, 400_000);
});

describe('CommonJS, as each README states it', () => {
  const libraries = PACKAGES.filter((p) => p.name !== 'deltaclip');
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  // Older Node cannot require() an ES module; the READMEs say to use import() there.
  const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
  for (const pkg of libraries) {
    it(`${pkg.name}: its README says ESM only`, () => {
      expect(pkg.readme).toContain('ESM only: no CommonJS build is shipped');
    });
    it.skipIf(!requireEsm)(`${pkg.name}: require() loads it (Node 20.19+, 22.12+)`, () => {
      const script = `const m = require(${JSON.stringify(pkg.name)}); console.log(Object.keys(m).length);`;
      const result = run(process.execPath, ['-e', script], project);
      expect(result.status, result.stderr).toBe(0);
      expect(Number(result.stdout.trim().split('\n').at(-1))).toBeGreaterThan(0);
    });
  }

  it('deltaclip: its README says it is a command with nothing to import, and it has none', () => {
    const cli = PACKAGES.find((p) => p.name === 'deltaclip')!;
    expect(cli.readme).toContain('A command, not a library: no `exports`');
    const manifest = packedManifest(tarballs.get('deltaclip')!);
    expect([manifest.exports, manifest.main, manifest.module]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    // From a CommonJS script and from an ES module, in the blank project where it is installed.
    const loaders = [
      ['--input-type=commonjs', "require('deltaclip')"],
      ['--input-type=module', "await import('deltaclip')"],
    ];
    for (const [inputType, code] of loaders) {
      const result = run(process.execPath, [inputType!, '-e', code!], project);
      expect(result.status, code).toBe(1);
      // require: no main, no index.js; import: the same legacy lookup, reported by path.
      expect(result.stderr, code).toMatch(
        /Cannot find (module 'deltaclip'|package '[^']*node_modules\/deltaclip\/index\.js')/,
      );
    }
  });
});

describe('types, with tsc --strict', () => {
  it('a TypeScript file importing every main entry compiles', () => {
    const imports = [...tarballs.keys()].filter((n) => n !== 'deltaclip');
    const source = [
      ...imports.map((name, i) => `import * as entry${i} from '${name}';`),
      "import { deltaGClip } from '@deltaclip/core';",
      "import type { Optimizer } from '@tensorflow/tfjs-core';",
      'const optimizer: Optimizer = deltaGClip({ learningRate: 0.1, gamma: 1, delta: 0.1 });',
      `const entries: Record<string, object> = { ${imports.map((_, i) => `e${i}: entry${i}`).join(', ')} };`,
      'console.log(Object.keys(entries).length, optimizer.getClassName());',
    ].join('\n');
    writeFileSync(join(project, 'check.ts'), `${source}\n`);
    const compilerOptions = {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types: [],
      noEmit: true,
    };
    const tsc = (skipLibCheck: boolean) => {
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { ...compilerOptions, skipLibCheck },
          files: ['check.ts'],
        }),
      );
      const bin = require.resolve('typescript/bin/tsc');
      return run(process.execPath, [bin, '-p', 'tsconfig.json', '--pretty', 'false'], project);
    };
    // As most users compile: the file against our declarations, third-party ones trusted.
    const user = tsc(true);
    expect(user.stdout + user.stderr).toBe('');
    expect(user.status).toBe(0);
    // Our own .d.ts files checked too. tfjs-core's declarations have errors of their own under
    // TypeScript 6 (its @webgpu/types clash with lib.dom), so only errors in ours count.
    const full = tsc(false);
    const ours = full.stdout
      .split('\n')
      .filter((line) => /^(check\.ts|node_modules\/(@deltaclip\/|deltaclip\/))/.test(line));
    expect(ours).toEqual([]);
  });
});

describe.skipIf(chromiumMissing() !== undefined)(
  'the core example, bundled by Vite, in Chromium',
  () => {
    it('trains and reports telemetry in the page', async () => {
      const web = join(project, 'web');
      mkdirSync(web);
      writeFileSync(
        join(web, 'example.js'),
        firstExample(PACKAGES.find((p) => p.name === '@deltaclip/core')!.readme)!.code,
      );
      // The page records what the example logs, then flags completion (a module's top-level await
      // finishes before the importing module continues).
      writeFileSync(
        join(web, 'main.js'),
        [
          'const logs = [];',
          'const log = console.log;',
          'console.log = (...args) => { logs.push(args); log(...args); };',
          "await import('./example.js');",
          "globalThis.__result = { logs, backend: (await import('@tensorflow/tfjs')).getBackend() };",
        ].join('\n'),
      );
      writeFileSync(
        join(web, 'index.html'),
        '<!doctype html><script type="module" src="./main.js"></script>\n',
      );
      const outDir = join(project, 'web-dist');
      await build({
        root: web,
        configFile: false,
        logLevel: 'error',
        build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
      });
      const server = await serveStatic(outDir);
      const browser = await launchChromium();
      try {
        const { result } = await pageResult<{ logs: unknown[][]; backend: string }>(
          browser,
          server.url,
        );
        expect(result.backend).toBe('webgl');
        const [[latest], [counts]] = result.logs as [
          [{ step: number; regime: string; stepSize: number }],
          [Record<string, number>],
        ];
        expect(latest.step).toBe(99); // 0-based: the 100th step
        expect(['unclipped', 'clipped', 'floored']).toContain(latest.regime);
        // eta * delta <= h <= eta
        expect(latest.stepSize).toBeGreaterThanOrEqual(0.05 * 0.1 * (1 - 1e-6));
        expect(latest.stepSize).toBeLessThanOrEqual(0.05 * (1 + 1e-6));
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(100);
      } finally {
        await browser.close();
        await server.close();
      }
    });
  },
);
