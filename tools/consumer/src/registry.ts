/**
 * A loopback npm registry for the consumer test: it serves exactly the third-party packages the
 * blank project's `npm install` needs, packed from the copies pnpm installed in this workspace (so
 * at the versions the lockfile pinned), and nothing else. A package the workspace lacks is an error
 * before npm runs, never a download.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, sep } from 'node:path';
import { listenOnLoopback } from '@deltaclip/browser-harness';

/** The package.json fields that decide what npm installs with a package. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
  readonly bundleDependencies?: unknown;
  readonly bundledDependencies?: unknown;
  readonly [field: string]: unknown;
}

/** Where a walk starts: a manifest npm will install, and the folder its dependencies resolve from. */
export interface Root {
  /** How errors name it: `@deltaclip/core@0.3.0`, `the README of @deltaclip/core`. */
  readonly label: string;
  readonly manifest: Pick<Manifest, 'dependencies' | 'optionalDependencies' | 'peerDependencies'> &
    Pick<Manifest, 'peerDependenciesMeta'>;
  /**
   * Workspace package folders whose node_modules hold what pnpm linked, tried in order: the
   * package's own, then (for a README's install line, which may name a package its own folder
   * does not use) others.
   */
  readonly dirs: readonly string[];
}

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** The package's real folder under node_modules/.pnpm. */
  readonly dir: string;
  readonly manifest: Manifest;
}

export interface Omitted {
  readonly name: string;
  readonly range: string;
  readonly by: string;
}

export interface Closure {
  /** Every third-party package (name@version) npm will ask for, once each. */
  readonly packages: InstalledPackage[];
  /** Optional dependencies pnpm did not install (other platforms): not served; npm skips them. */
  readonly omitted: Omitted[];
  /**
   * Optional peers, not followed: npm asks for their packuments but installs them only when
   * something else brings them, so they are not served.
   */
  readonly optionalPeers: Omitted[];
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/**
 * The folder `name` resolves to from a package at `dir`, as pnpm linked it: the package's own
 * node_modules, then (for a package under node_modules/.pnpm/KEY/node_modules/) its siblings.
 * Never further up, where pnpm's hoisting could offer a copy of another version.
 */
function linkedDependency(dir: string, ownName: string | undefined, name: string): string[] {
  const candidates = [join(dir, 'node_modules', name)];
  const suffix = `${sep}node_modules${sep}${ownName?.split('/').join(sep)}`;
  if (ownName !== undefined && dir.endsWith(suffix)) {
    candidates.push(join(dir.slice(0, -ownName.length), name));
  }
  return candidates;
}

/**
 * The third-party packages npm needs to install `roots`: their dependencies, optional
 * dependencies and non-optional peers (npm 7+ installs those), transitively, each found where
 * pnpm installed it. Names for which `isLocal` holds are installed from tarballs and not followed
 * (their own manifests are roots). Optional peers are not followed: npm does not install them.
 * Throws, naming the package, the range and who needs it, when a required one is missing.
 */
export function dependencyClosure(roots: readonly Root[], isLocal: (name: string) => boolean) {
  const found = new Map<string, InstalledPackage>();
  const omitted: Omitted[] = [];
  const optionalPeers: Omitted[] = [];
  const missing: string[] = [];
  const visit = (from: Root, ownName: string | undefined): void => {
    const { dependencies = {}, optionalDependencies = {} } = from.manifest;
    const { peerDependencies = {}, peerDependenciesMeta = {} } = from.manifest;
    const wanted = new Map<string, { range: string; optional: boolean }>();
    for (const [name, range] of Object.entries(peerDependencies)) {
      if (peerDependenciesMeta[name]?.optional !== true) {
        wanted.set(name, { range, optional: false });
      } else if (!isLocal(name)) optionalPeers.push({ name, range, by: from.label });
    }
    for (const [name, range] of Object.entries(dependencies)) {
      wanted.set(name, { range, optional: false });
    }
    // optionalDependencies override dependencies of the same name, as in npm.
    for (const [name, range] of Object.entries(optionalDependencies)) {
      wanted.set(name, { range, optional: true });
    }
    for (const [name, { range, optional }] of wanted) {
      if (isLocal(name)) continue;
      const candidates = from.dirs.flatMap((dir) => linkedDependency(dir, ownName, name));
      const link = candidates.find((c) => existsSync(join(c, 'package.json')));
      if (link === undefined) {
        if (optional) omitted.push({ name, range, by: from.label });
        else {
          missing.push(
            `${name}@${range} (needed by ${from.label}; not in ${candidates.join(' or ')})`,
          );
        }
        continue;
      }
      const dir = realpathSync(link);
      const manifest = readManifest(dir);
      const key = `${manifest.name}@${manifest.version}`;
      if (found.has(key)) continue;
      if (manifest.bundleDependencies !== undefined || manifest.bundledDependencies !== undefined) {
        throw new Error(
          `${key} bundles dependencies, which this registry does not repack: serve it from its original tarball`,
        );
      }
      found.set(key, { name: manifest.name, version: manifest.version, dir, manifest });
      visit({ manifest, dirs: [dir], label: key }, manifest.name);
    }
  };
  for (const root of roots) visit(root, undefined);
  if (missing.length > 0) {
    throw new Error(
      `the loopback registry cannot serve ${missing.length} package(s) the install needs, because the workspace did not install them:\n  ${missing.join('\n  ')}\nRun \`pnpm install\` (add the package to the devDependencies of the workspace package named above if it is not there); the consumer test never falls back to the npm registry.`,
    );
  }
  return { packages: [...found.values()], omitted, optionalPeers } satisfies Closure;
}

/**
 * `name@version` of every package the lockfile pins (its `packages:` section, lockfile v9:
 * `  '@scope/name@1.2.3':` or `  name@1.2.3:`).
 */
export function lockfilePins(lockfile: string): Set<string> {
  const section = lockfile.split(/^packages:\n/m)[1]?.split(/^\S/m)[0] ?? '';
  return new Set(
    [...section.matchAll(/^ {2}'?((?:@[^/\s]+\/)?[^@\s]+@[^\s:'(]+)'?:$/gm)].map((m) => m[1]!),
  );
}

/**
 * A tarball of an installed package folder laid out as npm publishes one (`package/...`), without
 * its node_modules. Hard links (pnpm's store) are stored as the files they point to. gzip -1: tfjs packages are 40-120
 * MB unpacked, and on tfjs-core gzip's default level took 2.4 times as long (1.12 s against 0.47 s)
 * for a file 22% smaller.
 */
export function packFolder(dir: string, tarball: string): void {
  execFileSync('tar', [
    '--use-compress-program=gzip -1',
    '-cf',
    tarball,
    '-C',
    dir,
    '--hard-dereference',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--sort=name',
    // pnpm links a package's own dependencies' bins in its node_modules/.bin; npm packs no node_modules.
    '--exclude=./node_modules',
    '--transform=flags=r;s,^\\.,package,',
    '.',
  ]);
}

export interface Served {
  readonly manifest: Manifest;
  readonly tarball: string;
}

export interface LoopbackRegistry {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** Paths that were asked for and not served, in order. */
  readonly misses: string[];
  close(): Promise<void>;
}

function tarballPath(name: string, version: string): string {
  return `${name}/-/${name.split('/').at(-1)}-${version}.tgz`;
}

/**
 * Serves the packuments (`GET /name`, `GET /@scope%2fname`) and tarballs of `packages` on a free
 * loopback port: each packument lists the versions given, with dist.tarball, dist.integrity
 * (sha512) and dist.shasum computed from the tarball served, and dist-tags.latest the highest.
 */
export async function startRegistry(packages: readonly Served[]): Promise<LoopbackRegistry> {
  const misses: string[] = [];
  const documents = new Map<string, Buffer>();
  const tarballs = new Map<string, string>();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).slice(1);
    const file = tarballs.get(path);
    const document = documents.get(path);
    if (req.method !== 'GET' || (file === undefined && document === undefined)) {
      misses.push(`${req.method} /${path}`);
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}');
    } else if (file !== undefined) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(readFileSync(file));
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(document);
    }
  });
  const { url, close } = await listenOnLoopback(server);
  const byName = new Map<string, Served[]>();
  for (const p of packages)
    byName.set(p.manifest.name, [...(byName.get(p.manifest.name) ?? []), p]);
  for (const [name, versions] of byName) {
    const entries = versions.map(({ manifest, tarball }) => {
      const bytes = readFileSync(tarball);
      const route = tarballPath(name, manifest.version);
      tarballs.set(route, tarball);
      const dist = {
        tarball: `${url}${route}`,
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        shasum: createHash('sha1').update(bytes).digest('hex'),
      };
      return [manifest.version, { ...manifest, _id: `${name}@${manifest.version}`, dist }];
    });
    const latest = versions
      .map((v) => v.manifest.version)
      .sort(compareVersions)
      .at(-1)!;
    const packument = { name, 'dist-tags': { latest }, versions: Object.fromEntries(entries) };
    documents.set(name, Buffer.from(JSON.stringify(packument)));
  }
  return { url, misses, close };
}

/** Orders `1.2.3` and `1.2.3-rc.1` versions (a prerelease before its release). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [release = '', pre] = v.split(/-(.*)/s);
    return { parts: release.split('.').map(Number), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

export interface DeadEndProxy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Every host or URL something tried to reach through it. */
  readonly attempts: string[];
  close(): Promise<void>;
}

/**
 * An HTTP(S) proxy that forwards nothing: npm pointed at it (`--proxy`, `--https-proxy`, with
 * `--noproxy 127.0.0.1`) cannot reach any registry but the loopback one, and every attempt is
 * recorded, so the test can show none was made.
 */
export async function startDeadEndProxy(): Promise<DeadEndProxy> {
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(502).end('the consumer test allows no network');
  });
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  const { url, close } = await listenOnLoopback(server);
  return { url: url.slice(0, -1), attempts, close };
}
