import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start } from './cli.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `stream` has printed a line matching `pattern` (the line itself). */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  stream: 'stdout' | 'stderr' = 'stderr',
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      const hit = lines.find((l) => pattern.test(l));
      if (hit !== undefined) {
        child[stream]!.off('data', onData);
        resolve(hit);
      }
    };
    child[stream]!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`process exited (${code}) before printing ${pattern}`)),
    );
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await waitForLine(child, /Ready to accept connections/, 'stdout');
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A throwaway Redis on a free loopback port, no persistence. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopChild(child),
    async restart() {
      await stopChild(child);
      child = await launch(port);
    },
  };
}

export function startWorker(url: string, extra: readonly string[] = []) {
  const w = start([
    'worker',
    '--queue',
    url,
    '--backend',
    'cpu',
    '--stalled-interval',
    '1000',
    ...extra,
  ]);
  const ready = waitForLine(w.child, /waiting for jobs/);
  return { ...w, ready };
}

/** A folder with a sweep file of `runs` tiny runs on the bundled cars data. */
export function sweepFile(yaml: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'deltaclip-sweep-'));
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, yaml);
  return { dir, file };
}
