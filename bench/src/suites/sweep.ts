/**
 * `deltaclip sweep` wall time on the local pool (1 and 2 worker processes) and on a BullMQ queue
 * with 2 `deltaclip worker`s on loopback Redis, and the queue's cost per job. Everything runs as
 * real processes of the built CLI (apps/cli/dist/cli.js) against a throwaway redis-server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, type Suite, table } from '../suite.js';

const CLI = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'apps',
  'cli',
  'dist',
  'cli.js',
);

function sweepYaml(name: string, epochs: number, maxSteps?: number): string {
  return `name: ${name}
base:
  dataset: cars
  model: mlp:hidden=64
  epochs: ${epochs}
${maxSteps ? `  max-steps: ${maxSteps}\n` : ''}  optimizer: delta-gclip:lr=0.5,gamma=0.1,delta=0.2
axes:
  lr: [0.25, 0.5, 1]
  seed: {from: 0, to: 3}
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const on = (d: Buffer) => {
      if (pattern.test(d.toString())) {
        child[stream]!.off('data', on);
        resolve();
      }
    };
    child[stream]!.on('data', on);
    child.once('exit', () => reject(new Error(`exited before ${pattern}`)));
  });
}

function cli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function sweepSeconds(file: string, out: string, extra: readonly string[]): Promise<number> {
  const t0 = performance.now();
  const child = cli([
    'sweep',
    file,
    '--backend',
    'cpu',
    '--calibrate-steps',
    '0',
    '--out',
    out,
    ...extra,
  ]);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`sweep failed (${code}): ${stderr.slice(-500)}`);
  return (performance.now() - t0) / 1000;
}

async function withWorkers<T>(url: string, n: number, f: () => Promise<T>): Promise<T> {
  const workers = Array.from({ length: n }, () =>
    cli(['worker', '--queue', url, '--backend', 'cpu']),
  );
  await Promise.all(workers.map((w) => waitFor(w, 'stderr', /waiting for jobs/)));
  try {
    return await f();
  } finally {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve) => {
            w.once('exit', resolve);
            w.kill('SIGTERM');
          }),
      ),
    );
  }
}

export const sweep: Suite = {
  id: 'sweep',
  title: 'Sweeps: local pool and BullMQ queue',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'deltaclip-bench-sweep-'));
    const port = await freePort();
    const redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await waitFor(redis, 'stdout', /Ready to accept connections/);
    const url = `redis://127.0.0.1:${port}`;
    try {
      const work = join(dir, 'work.yaml');
      const tiny = join(dir, 'tiny.yaml');
      writeFileSync(work, sweepYaml('work', 100));
      writeFileSync(tiny, sweepYaml('tiny', 1, 1));
      let k = 0;
      const out = () => join(dir, `out${k++}`);
      const local1 = await sweepSeconds(work, out(), ['--workers', '1']);
      const local2 = await sweepSeconds(work, out(), ['--workers', '2']);
      const queue2 = await withWorkers(url, 2, () => sweepSeconds(work, out(), ['--queue', url]));
      // Per-job cost: 12 one-step runs on one worker, queue minus local pool.
      const tinyLocal = await sweepSeconds(tiny, out(), ['--workers', '1']);
      const tinyQueue = await withWorkers(url, 1, () =>
        sweepSeconds(tiny, out(), ['--queue', url]),
      );
      const overheadMs = ((tinyQueue - tinyLocal) / 12) * 1000;
      return [
        '12 runs (cars, 64-wide MLP, 100 full-batch steps each, cpu backend), sweep wall time from start to report. Wall times on this 2-core machine vary from run to run: compare the ratios measured in one run, not the seconds; a negative queue overhead means it is below the noise.',
        '',
        table(
          ['setup', 'wall s', 'vs 1 local worker'],
          [
            ['local pool, 1 worker', fmt(local1), '1.00'],
            ['local pool, 2 workers', fmt(local2), fmt(local1 / local2)],
            ['queue, 2 workers on loopback', fmt(queue2), fmt(local1 / queue2)],
          ],
        ),
        '',
        `Queue overhead per job: ${fmt(overheadMs)} ms (12 one-step runs on one queue worker, ${fmt(tinyQueue)} s, against one local worker, ${fmt(tinyLocal)} s; includes the worker building and checking each run's spec, the job round trip through Redis and the sweep's 1 s reconciling poll at the end).`,
      ].join('\n');
    } finally {
      redis.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
