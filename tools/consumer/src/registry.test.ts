import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareVersions,
  dependencyClosure,
  lockfilePins,
  type Manifest,
  packFolder,
  startDeadEndProxy,
  startRegistry,
} from './registry.js';

let root: string;

/** A package as pnpm installs it: node_modules/.pnpm/<name@version>/node_modules/<name>. */
function installed(manifest: Manifest & Record<string, unknown>): string {
  const key = `${manifest.name.replace('/', '+')}@${manifest.version}`;
  const dir = join(root, 'node_modules', '.pnpm', key, 'node_modules', manifest.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'index.js'), `export default ${JSON.stringify(manifest.name)};\n`);
  return dir;
}

/** pnpm's link from `from`'s node_modules (a package folder or a .pnpm sibling folder) to `to`. */
function link(nodeModules: string, name: string, to: string): void {
  mkdirSync(dirname(join(nodeModules, name)), { recursive: true });
  symlinkSync(to, join(nodeModules, name));
}

const siblings = (dir: string, name: string) => dir.slice(0, -name.length);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'deltaclip-registry-'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('dependencyClosure', () => {
  it('follows dependencies, optional ones pnpm installed and required peers, where pnpm linked them', () => {
    const a = installed({
      name: 'a',
      version: '1.0.0',
      dependencies: { '@s/b': '^2.0.0', shared: '1.0.0' },
      optionalDependencies: { 'c-linux': '1.0.0', 'c-win32': '1.0.0' },
      peerDependencies: { e: '^1', 'opt-peer': '*' },
      peerDependenciesMeta: { 'opt-peer': { optional: true } },
    });
    const b = installed({ name: '@s/b', version: '2.1.0', dependencies: { shared: '^1' } });
    const shared = installed({ name: 'shared', version: '1.0.0' });
    const cLinux = installed({ name: 'c-linux', version: '1.0.0' });
    const e = installed({ name: 'e', version: '1.3.0' });
    const optPeer = installed({ name: 'opt-peer', version: '1.0.0' });
    for (const [name, to] of Object.entries({ '@s/b': b, shared, 'c-linux': cLinux, e })) {
      link(siblings(a, 'a'), name, to);
    }
    link(siblings(a, 'a'), 'opt-peer', optPeer);
    link(siblings(b, '@s/b'), 'shared', shared);
    const workspace = join(root, 'packages', 'w');
    link(join(workspace, 'node_modules'), 'a', a);
    link(join(workspace, 'node_modules'), '@deltaclip/local', shared);

    const { packages, omitted, optionalPeers } = dependencyClosure(
      [
        {
          label: '@deltaclip/w@0.1.0',
          dirs: [workspace],
          manifest: { dependencies: { a: '^1.0.0', '@deltaclip/local': '0.1.0' } },
        },
      ],
      (name) => name.startsWith('@deltaclip/'),
    );
    expect(packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
      '@s/b@2.1.0',
      'a@1.0.0',
      'c-linux@1.0.0',
      'e@1.3.0',
      'shared@1.0.0',
    ]);
    expect(packages.find((p) => p.name === '@s/b')?.dir).toBe(b);
    expect(omitted).toEqual([{ name: 'c-win32', range: '1.0.0', by: 'a@1.0.0' }]);
    expect(optionalPeers).toEqual([{ name: 'opt-peer', range: '*', by: 'a@1.0.0' }]);
  });

  it('fails naming the package, its range and who needs it, and never takes a hoisted copy', () => {
    const x = installed({ name: 'x', version: '3.0.0', dependencies: { gone: '^1.2.0' } });
    // pnpm's hidden hoisting folder may hold some copy of `gone`: not what x was linked to.
    link(join(root, 'node_modules', '.pnpm', 'node_modules'), 'gone', x);
    const workspace = join(root, 'packages', 'v');
    link(join(workspace, 'node_modules'), 'x', x);
    const walk = () =>
      dependencyClosure(
        [{ label: 'the README of v', dirs: [workspace], manifest: { dependencies: { x: '*' } } }],
        () => false,
      );
    expect(walk).toThrow(/cannot serve 1 package\(s\)/);
    expect(walk).toThrow(/gone@\^1\.2\.0 \(needed by x@3\.0\.0; not in /);
    expect(walk).toThrow(/never falls back to the npm registry/);
  });
});

describe('lockfilePins', () => {
  it("reads name@version of the packages section only, scoped or not, without pnpm's peer suffixes", () => {
    const lockfile = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  packages/core:',
      '    dependencies:',
      'packages:',
      '',
      "  '@tensorflow/tfjs-core@4.22.0':",
      '    resolution: {integrity: sha512-x}',
      '',
      '  leven@4.1.0:',
      '    resolution: {integrity: sha512-y}',
      '',
      'snapshots:',
      '',
      "  '@tensorflow/tfjs-backend-cpu@4.22.0(@tensorflow/tfjs-core@4.22.0)':",
      '  only-in-snapshots@1.0.0: {}',
    ].join('\n');
    expect([...lockfilePins(lockfile)].sort()).toEqual([
      '@tensorflow/tfjs-core@4.22.0',
      'leven@4.1.0',
    ]);
  });
});

describe('compareVersions', () => {
  it('orders numerically, a prerelease before its release', () => {
    const sorted = ['1.10.0', '1.9.0', '1.10.0-rc.1', '0.9.9', '1.10.0-beta.2'].sort(
      compareVersions,
    );
    expect(sorted).toEqual(['0.9.9', '1.9.0', '1.10.0-beta.2', '1.10.0-rc.1', '1.10.0']);
  });
});

/** GET of a path on a loopback URL: status and body. */
function get(base: string, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((ok, fail) => {
    const url = new URL(base);
    request({ host: url.hostname, port: url.port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    })
      .on('error', fail)
      .end();
  });
}

describe('packFolder and startRegistry', () => {
  it('serve packuments whose dist integrity and shasum match the tarballs served', async () => {
    const dirs = ['1.9.0', '1.10.0'].map((version) =>
      installed({ name: '@s/lib', version, dependencies: { shared: '1.0.0' } }),
    );
    // pnpm's links to the package's own dependencies' bins: never part of a tarball.
    mkdirSync(join(dirs[1]!, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(dirs[1]!, 'node_modules', '.bin', 'tool'), '#!/bin/sh\n');
    const served = dirs.map((dir, i) => {
      const tarball = join(root, `lib-${i}.tgz`);
      packFolder(dir, tarball);
      return { manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')), tarball };
    });
    const listing = execFileSync('tar', ['-tzf', served[1]!.tarball], { encoding: 'utf8' });
    expect(listing.split('\n').filter(Boolean).sort()).toEqual([
      'package/',
      'package/index.js',
      'package/package.json',
    ]);
    const registry = await startRegistry(served);
    try {
      const packument = await get(registry.url, '/@s%2flib');
      expect(packument.status).toBe(200);
      const doc = JSON.parse(packument.body.toString());
      expect(doc.name).toBe('@s/lib');
      expect(doc['dist-tags']).toEqual({ latest: '1.10.0' });
      expect(Object.keys(doc.versions).sort()).toEqual(['1.10.0', '1.9.0']);
      const version = doc.versions['1.10.0'];
      expect(version).toMatchObject({ name: '@s/lib', version: '1.10.0', _id: '@s/lib@1.10.0' });
      expect(version.dependencies).toEqual({ shared: '1.0.0' });
      expect(version.dist.tarball.startsWith(registry.url)).toBe(true);
      const tarball = await get(registry.url, new URL(version.dist.tarball).pathname);
      expect(tarball.status).toBe(200);
      const sha512 = createHash('sha512').update(tarball.body).digest('base64');
      expect(version.dist.integrity).toBe(`sha512-${sha512}`);
      expect(version.dist.shasum).toBe(createHash('sha1').update(tarball.body).digest('hex'));
      expect(tarball.body.equals(readFileSync(served[1]!.tarball))).toBe(true);

      expect(registry.misses).toEqual([]);
      expect((await get(registry.url, '/left-pad')).status).toBe(404);
      expect((await get(registry.url, '/@s/lib/-/lib-2.0.0.tgz')).status).toBe(404);
      expect(registry.misses).toEqual(['GET /left-pad', 'GET /@s/lib/-/lib-2.0.0.tgz']);
    } finally {
      await registry.close();
    }
  });
});

describe('startDeadEndProxy', () => {
  it('forwards nothing and records each attempt, plain or CONNECT', async () => {
    const proxy = await startDeadEndProxy();
    try {
      const url = new URL(proxy.url);
      const plain = await get(proxy.url, 'http://registry.npmjs.org/leven');
      expect(plain.status).toBe(502);
      const tunnel = await new Promise<number>((ok, fail) => {
        request({
          host: url.hostname,
          port: url.port,
          method: 'CONNECT',
          path: 'registry.npmjs.org:443',
        })
          .on('connect', (res, socket) => {
            socket.destroy();
            ok(res.statusCode ?? 0);
          })
          .on('error', fail)
          .end();
      });
      expect(tunnel).toBe(502);
      expect(proxy.attempts).toEqual([
        'GET http://registry.npmjs.org/leven',
        'CONNECT registry.npmjs.org:443',
      ]);
    } finally {
      await proxy.close();
    }
  });
});
