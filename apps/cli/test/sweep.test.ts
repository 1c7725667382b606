/**
 * `deltaclip sweep` and `deltaclip worker` as real processes on a real Redis (redis-server from
 * Debian on a free loopback port, no persistence). Every wait is for a line or an exit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, start } from './cli.js';
import {
  type RedisServer,
  startRedis,
  startWorker,
  sweepFile,
  waitForLine,
} from './sweep-helpers.js';

const TWELVE = `name: twelve
base:
  dataset: cars
  model: mlp:hidden=16
  epochs: 6
  optimizer: delta-gclip:lr=1,gamma=0.1,delta=0.2
axes:
  lr: [0.5, 1, 2]
  gamma: {from: 0.05, to: 0.2, steps: 2, scale: log}
  seed: {from: 0, to: 1}
`;

// Long enough (about 40 steps) that a worker can be killed in the middle of a run.
const FOUR = `name: four
base:
  dataset: cars
  model: mlp:hidden=16
  epochs: 300
  optimizer: delta-gclip:lr=0.5,gamma=0.1,delta=0.2
axes:
  seed: [0, 1, 2, 3]
`;

interface CsvRow {
  [key: string]: string;
}
/** RFC 4180 cells: a quoted cell may hold commas and doubled quotes (no newlines here). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out;
}
function readCsv(path: string): CsvRow[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = cells(header!);
  return lines.map((l) => Object.fromEntries(cells(l).map((v, i) => [names[i]!, v])));
}
interface ResultsJson {
  runs: {
    index: number;
    status: string;
    attempts: number;
    worker: string;
    resumedFrom?: number;
    spec?: { epochs: number; task: Record<string, unknown> };
    history?: { steps: { loss: number }[] };
    error?: { message: string; userError: boolean };
  }[];
}
function readResults(dir: string): ResultsJson {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsJson;
}
/** What must not depend on who ran a run: its losses, step by step, and its final metrics. */
function outcomes(dir: string) {
  return readResults(dir).runs.map((r) => ({
    index: r.index,
    status: r.status,
    losses: r.history?.steps.map((s) => s.loss),
  }));
}

/** compare --seeds 2 with two optimizers: 4 runs, as a sweep plan over optimizer x seed. */
const COMPARE = [
  'compare',
  '--seeds',
  '2',
  '--epochs',
  '6',
  '--model',
  'mlp:hidden=16',
  '--analysis-every',
  '0',
  '--optimizers',
  'sgd:lr=0.1;delta-gclip:lr=1,gamma=0.1,delta=0.2',
  '--backend',
  'cpu',
  '--calibrate-steps',
  '0',
  '--json',
];
// The same runs written as a sweep file (compare's defaults made explicit).
const COMPARE_AS_SWEEP = `name: compare-as-sweep
base:
  dataset: cars
  model: mlp:hidden=16
  epochs: 6
  analysis-every: 0
axes:
  optimizer: ['sgd:lr=0.1', 'delta-gclip:lr=1,gamma=0.1,delta=0.2']
  seed: [0, 1]
`;

interface CompareJson {
  aggregates: { label: string; trainLoss: number[]; trainMean: number; trainStd: number }[];
  groups: { params: Record<string, string>; stats: { finalTrainLoss: { mean: number } } }[];
}

let redis: RedisServer;
let local12: string;
let local4: string;
let localCompare: string;
let localCompareJson: CompareJson;
let sweepOfCompare: string;
beforeAll(async () => {
  redis = await startRedis();
  // The reference: both sweeps, and the comparison, on the local pool.
  const a = sweepFile(TWELVE);
  const b = sweepFile(FOUR);
  const c = sweepFile(COMPARE_AS_SWEEP);
  local12 = join(a.dir, 'local');
  local4 = join(b.dir, 'local');
  localCompare = join(b.dir, 'compare-local');
  sweepOfCompare = join(c.dir, 'local');
  const [ra, rb, rc, rd] = await Promise.all([
    run([
      'sweep',
      a.file,
      '--backend',
      'cpu',
      '--workers',
      '2',
      '--calibrate-steps',
      '0',
      '--out',
      local12,
    ]),
    run([
      'sweep',
      b.file,
      '--backend',
      'cpu',
      '--workers',
      '2',
      '--calibrate-steps',
      '0',
      '--out',
      local4,
    ]),
    run([...COMPARE, '--workers', '2', '--out', localCompare]),
    run([
      'sweep',
      c.file,
      '--backend',
      'cpu',
      '--workers',
      '2',
      '--calibrate-steps',
      '0',
      '--out',
      sweepOfCompare,
    ]),
  ]);
  expect(ra.code, ra.stderr).toBe(0);
  expect(rb.code, rb.stderr).toBe(0);
  expect(rc.code, rc.stderr).toBe(0);
  expect(rd.code, rd.stderr).toBe(0);
  localCompareJson = JSON.parse(rc.stdout) as CompareJson;
});
afterAll(async () => {
  await redis?.stop();
});

describe('deltaclip sweep', () => {
  it('prints the plan with --dry-run and starts nothing', async () => {
    const { file } = sweepFile(TWELVE);
    const r = await run(['sweep', file, '--dry-run', '--backend', 'cpu', '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "Sweep 'twelve': 12 runs = lr 3 x gamma 2 x seed 2, 72 steps in all, on 2 local worker processes.",
    );
    expect(r.stdout).toContain('  gamma: 0.05, 0.2');
    expect(r.stdout).toMatch(/Estimated time: about [\d.]+ s \(calibration: 5 steps of run 1/);
  });

  it('writes one CSV row per run and the mean and std over seeds', () => {
    const rows = readCsv(join(local12, 'runs.csv'));
    expect(rows.map((r) => r.run)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
    ]);
    const json = JSON.parse(readFileSync(join(local12, 'results.json'), 'utf8')) as {
      groups: {
        params: Record<string, number>;
        runs: number[];
        stats: { finalTrainLoss: { n: number; mean: number; std: number } };
      }[];
    };
    expect(json.groups).toHaveLength(6);
    const g = json.groups[0]!;
    expect(g.params).toEqual({ lr: 0.5, gamma: 0.05 });
    const [x, y] = g.runs.map((i) => Number(rows[i]!.final_train_loss));
    expect(g.stats.finalTrainLoss.mean).toBeCloseTo((x! + y!) / 2, 12);
    expect(g.stats.finalTrainLoss.std).toBeCloseTo(Math.abs(x! - y!) / Math.SQRT2, 12);
    expect(readFileSync(join(local12, 'report.html'), 'utf8')).toContain('id="chart-axis-0"');
  });

  it('rejects a bad base option with the flag rules, before running anything', async () => {
    const { file } = sweepFile(TWELVE.replace('epochs: 6', 'epochs: -6'));
    const r = await run(['sweep', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`deltaclip: ${file}: base: epochs must be an integer >= 1 (got -6)\n`);
  });
});

describe('compare --seeds through the sweep machinery', () => {
  it('runs exactly the runs of the same sweep file, with one CSV row per run and the mean over seeds', () => {
    expect(outcomes(localCompare)).toEqual(outcomes(sweepOfCompare));
    const rows = readCsv(join(localCompare, 'runs.csv'));
    expect(rows.map((r) => [r.run, r.optimizer, r.seed, r.status])).toEqual([
      ['1', 'SGD (eta 0.1)', '0', 'done'],
      ['2', 'SGD (eta 0.1)', '1', 'done'],
      ['3', 'δ-GClip (eta 1, gamma 0.1, delta 0.2)', '0', 'done'],
      ['4', 'δ-GClip (eta 1, gamma 0.1, delta 0.2)', '1', 'done'],
    ]);
    // mean over each optimizer's two seeds, recomputed from runs.csv's rows
    const csvMean = (from: number) =>
      (Number(rows[from]!.final_train_loss) + Number(rows[from + 1]!.final_train_loss)) / 2;
    expect(localCompareJson.groups.map((g) => g.params.optimizer)).toEqual([
      'SGD (eta 0.1)',
      'δ-GClip (eta 1, gamma 0.1, delta 0.2)',
    ]);
    localCompareJson.aggregates.forEach((a, o) => {
      expect(a.trainMean).toBeCloseTo(csvMean(2 * o), 12);
      expect(localCompareJson.groups[o]!.stats.finalTrainLoss.mean).toBe(a.trainMean);
    });
  });

  it('gives 2 queue workers the same runs and statistics as the local pool', async () => {
    const w1 = startWorker(redis.url);
    const w2 = startWorker(redis.url);
    await Promise.all([w1.ready, w2.ready]);
    const { dir } = sweepFile('{}');
    const out = join(dir, 'queue');
    const r = await run([...COMPARE, '--queue', redis.url, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `Sweep 'compare-cars': 4 runs = optimizer 2 x seed 2, 24 steps in all, on the queue at ${redis.url} (2 workers connected now).`,
    );
    expect(outcomes(out)).toEqual(outcomes(localCompare));
    const json = JSON.parse(r.stdout) as CompareJson;
    expect(json.aggregates).toEqual(localCompareJson.aggregates);
    expect(json.groups).toEqual(localCompareJson.groups);
    const workers = new Set(readResults(out).runs.map((x) => x.worker));
    expect(workers.size).toBe(2);
    expect(workers.has('local')).toBe(false);
    w1.child.kill('SIGTERM');
    w2.child.kill('SIGTERM');
    await Promise.all([w1.done, w2.done]);
  });
});

describe('deltaclip sweep --queue with deltaclip worker', () => {
  it('gives 2 queue workers the same results as the local pool', async () => {
    const w1 = startWorker(redis.url);
    const w2 = startWorker(redis.url);
    await Promise.all([w1.ready, w2.ready]);
    const { file, dir } = sweepFile(TWELVE);
    const out = join(dir, 'queue');
    const r = await run([
      'sweep',
      file,
      '--backend',
      'cpu',
      '--queue',
      redis.url,
      '--calibrate-steps',
      '0',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(outcomes(out)).toEqual(outcomes(local12));
    const workers = new Set(readResults(out).runs.map((x) => x.worker));
    expect(workers.size).toBe(2);
    w1.child.kill('SIGTERM');
    w2.child.kill('SIGTERM');
    await Promise.all([w1.done, w2.done]);
  });

  it('finishes every run exactly once when a worker is SIGKILLed mid-run, resuming from the shared checkpoints', async () => {
    const { file, dir } = sweepFile(FOUR);
    const shared = join(dir, 'checkpoints');
    const w1 = startWorker(redis.url, ['--checkpoint-dir', shared]);
    await w1.ready;
    const out = join(dir, 'queue');
    const sweep = start([
      'sweep',
      file,
      '--backend',
      'cpu',
      '--queue',
      redis.url,
      '--calibrate-steps',
      '0',
      '--out',
      out,
    ]);
    // Killed at its first progress line (step n >= 1: the checkpoint of step n is complete). The
    // worker logs progress at most every 500 ms, so the runs are long enough (300 steps) that the
    // first line comes well before the run ends, on a quiet machine too.
    await waitForLine(w1.child, /: step \d+\//);
    w1.child.kill('SIGKILL');
    const w2 = startWorker(redis.url, ['--checkpoint-dir', shared]);
    const r = await sweep.done;
    expect(r.code, r.stderr).toBe(0);
    const runs = readResults(out).runs;
    expect(runs.map((x) => x.index)).toEqual([0, 1, 2, 3]);
    expect(runs.every((x) => x.status === 'done')).toBe(true);
    const resumed = runs.filter((x) => x.resumedFrom !== undefined);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.resumedFrom).toBeGreaterThanOrEqual(1);
    expect(resumed[0]!.attempts).toBe(2);
    // Resumed from its checkpoint, the run ends exactly where the uninterrupted one did.
    expect(outcomes(out).map((o) => o.losses?.at(-1))).toEqual(
      outcomes(local4).map((o) => o.losses?.at(-1)),
    );
    w2.child.kill('SIGTERM');
    await w2.done;
  });

  it('recovers when Redis restarts (and loses everything) mid-sweep', async () => {
    const w1 = startWorker(redis.url);
    await w1.ready;
    const { file, dir } = sweepFile(FOUR.replace('epochs: 40', 'epochs: 10'));
    const out = join(dir, 'queue');
    const sweep = start([
      'sweep',
      file,
      '--backend',
      'cpu',
      '--queue',
      redis.url,
      '--calibrate-steps',
      '0',
      '--out',
      out,
    ]);
    await waitForLine(w1.child, /finished job/);
    await redis.restart();
    const r = await sweep.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /Redis no longer has job four-\w+-\d \(run \d\): it restarted without persistence/,
    );
    const runs = readResults(out).runs;
    expect(runs.map((x) => [x.index, x.status])).toEqual([
      [0, 'done'],
      [1, 'done'],
      [2, 'done'],
      [3, 'done'],
    ]);
    w1.child.kill('SIGTERM');
    await w1.done;
  });

  it('refuses a malformed job enqueued by hand, without retrying it', async () => {
    const w1 = startWorker(redis.url);
    await w1.ready;
    const queue = new Queue('deltaclip-sweep', {
      connection: { host: '127.0.0.1', port: redis.port },
    });
    try {
      const notRun = await queue.add('run', { code: 'process.exit(1)' }, { attempts: 3 });
      const badOption = await queue.add(
        'run',
        {
          sweepId: 'by-hand',
          index: 0,
          label: 'bad',
          options: { dataset: 'cars', epochs: -1, optimizer: 'sgd:lr=1' },
        },
        { attempts: 3 },
      );
      const spec = readResults(localCompare).runs[0]!.spec!;
      const badSpec = await queue.add(
        'run',
        { sweepId: 'by-hand', index: 1, label: 'bad', spec: { ...spec, epochs: -1 } },
        { attempts: 3 },
      );
      const unknownData = await queue.add(
        'run',
        {
          sweepId: 'by-hand',
          index: 2,
          label: 'bad',
          spec: { ...spec, task: { ...spec.task, dataset: { name: 'carz' } } },
        },
        { attempts: 3 },
      );
      const both = await queue.add(
        'run',
        { sweepId: 'by-hand', index: 3, label: 'bad', options: {}, spec },
        { attempts: 3 },
      );
      await waitForLine(w1.child, new RegExp(`refused job ${both.id}`));
      for (const [job, reason] of [
        [badSpec, `job ${badSpec.id}: spec.epochs: Invalid value: Expected >=1 but received -1`],
        [
          unknownData,
          `job ${unknownData.id}: spec.task.dataset.name: unknown dataset 'carz'. Did you mean 'cars'? Known datasets: `,
        ],
        [
          both,
          `job ${both.id} is not a deltaclip sweep run (a job carries either options or spec (got both))`,
        ],
      ] as const) {
        const j = await queue.getJob(job.id!);
        expect(await j!.getState()).toBe('failed');
        expect(j!.attemptsMade).toBe(1);
        expect(j!.failedReason.startsWith(`user error: ${reason}`), j!.failedReason).toBe(true);
      }
      const a = await queue.getJob(notRun.id!);
      const b = await queue.getJob(badOption.id!);
      expect(await a!.getState()).toBe('failed');
      expect(a!.attemptsMade).toBe(1);
      expect(a!.failedReason).toMatch(/^user error: job \d+ is not a deltaclip sweep run \(/);
      expect(await b!.getState()).toBe('failed');
      expect(b!.failedReason).toBe(
        `user error: job ${badOption.id}: epochs must be an integer >= 1 (got -1)`,
      );
    } finally {
      await queue.close();
      w1.child.kill('SIGTERM');
      await w1.done;
    }
  });
});

describe('Ctrl-C on a queued sweep, and --attach', () => {
  /** Starts a queued sweep with no worker, waits for its ID, sends SIGINT and returns the result. */
  async function interruptedSweep(yaml: string, how: 'cancel' | 'leave') {
    const { file, dir } = sweepFile(yaml);
    const sweep = start([
      'sweep',
      file,
      '--backend',
      'cpu',
      '--queue',
      redis.url,
      '--calibrate-steps',
      '0',
      '--on-interrupt',
      how,
      '--out',
      join(dir, 'queue'),
    ]);
    const line = await waitForLine(sweep.child, /^Sweep \S+: enqueued \d+ runs on /);
    const id = /^Sweep (\S+):/.exec(line)![1]!;
    sweep.child.kill('SIGINT');
    return { id, dir, result: await sweep.done };
  }
  async function jobStates(id: string, runs: number): Promise<(string | undefined)[]> {
    const queue = new Queue('deltaclip-sweep', {
      connection: { host: '127.0.0.1', port: redis.port },
    });
    try {
      return await Promise.all(
        Array.from({ length: runs }, async (_, i) => {
          const job = await queue.getJob(`${id}-${i}`);
          return job === undefined ? undefined : await job.getState();
        }),
      );
    } finally {
      await queue.close();
    }
  }

  it('leaves the runs queued on --on-interrupt leave, and --attach later reports each once', async () => {
    const { id, dir, result } = await interruptedSweep(FOUR, 'leave');
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain(
      `Left 4 runs of sweep ${id} queued. Reconnect with: deltaclip sweep --attach ${id} --queue ${redis.url}\n`,
    );
    expect(await jobStates(id, 4)).toEqual(['waiting', 'waiting', 'waiting', 'waiting']);
    // Nothing written for an interrupted sweep.
    expect(() => readResults(join(dir, 'queue'))).toThrow(/ENOENT/);

    const w1 = startWorker(redis.url);
    const out = join(dir, 'attached');
    const r = await run(['sweep', '--attach', id, '--queue', redis.url, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Attached to sweep ${id} on ${redis.url}: 4 runs.\n`);
    const reported = r.stderr
      .split('\n')
      .flatMap((l) => /^run (\d+)\/4 \(.*\) done/.exec(l)?.[1] ?? []);
    expect(reported.sort()).toEqual(['1', '2', '3', '4']);
    expect(outcomes(out)).toEqual(outcomes(local4));
    // The report names the sweep and the backend its jobs carry, not this command's default (auto).
    const { sweep } = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      sweep: { name: string; sweepId: string; backend: string };
    };
    expect(sweep).toMatchObject({ name: 'four', sweepId: id, backend: 'cpu' });
    w1.child.kill('SIGTERM');
    await w1.done;
  });

  it('removes the remaining runs on --on-interrupt cancel: a later worker runs none of them', async () => {
    const { id, result } = await interruptedSweep(FOUR, 'cancel');
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain(`Cancelled sweep ${id}: removed 4 queued runs.\n`);
    expect(await jobStates(id, 4)).toEqual([undefined, undefined, undefined, undefined]);

    // A worker that stops after one job, and a one-run sweep queued behind the cancelled one: the
    // queue is first in, first out, so the one job it takes would be a cancelled run if any were left.
    const w1 = startWorker(redis.url, ['--max-jobs', '1']);
    const { file, dir } = sweepFile(
      FOUR.replace('name: four', 'name: after').replace('[0, 1, 2, 3]', '[0]'),
    );
    const after = await run([
      'sweep',
      file,
      '--backend',
      'cpu',
      '--queue',
      redis.url,
      '--calibrate-steps',
      '0',
      '--out',
      join(dir, 'queue'),
    ]);
    expect(after.code, after.stderr).toBe(0);
    const afterId = /^Sweep (\S+): enqueued 1 runs/m.exec(after.stderr)![1]!;
    const worker = await w1.done;
    expect(worker.code, worker.stderr).toBe(0);
    expect(worker.stderr).toMatch(new RegExp(`took job ${afterId}-0 \\(run 1`));
    expect(worker.stderr).not.toContain(id);
    expect(worker.stderr).toMatch(/stopped after 1 job\n/);

    const attach = await run(['sweep', '--attach', id, '--queue', redis.url]);
    expect(attach.code).toBe(2);
    expect(attach.stderr).toBe(
      `deltaclip: sweep '${id}' on ${redis.url} was cancelled: start it again from its file with 'deltaclip sweep FILE --queue ${redis.url}'\n`,
    );
  });
});
