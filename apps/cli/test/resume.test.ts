import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@deltaclip/train/node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Result, run, start } from './cli.js';

const work = mkdtempSync(join(tmpdir(), 'deltaclip-resume-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill();
});

// cars: 10 steps of 32 samples per epoch.
const TASK = ['--dataset', 'cars', '--model', 'mlp:hidden=256', '--batch-size', '32'];
const OPTIMIZER = ['--optimizer', 'delta-gclip:lr=0.1,gamma=0.5,delta=0.05'];
/** Above Linux's largest pid_max (2^22): no process can have this PID. */
const DEAD_PID = 4_194_305;

const checkpoints = (runDir: string) => join(runDir, 'checkpoints');

/** The final state of a run folder, everything that must match bit for bit (not the timings). */
function finalState(runDir: string) {
  const { path, header } = loadCheckpoint<Record<string, unknown>, Record<string, unknown[]>>(
    checkpoints(runDir),
  );
  const history = header.history;
  return {
    position: header.position,
    weights: readFileSync(join(path, 'weights.bin')),
    steps: history.steps,
    epochs: (history.epochs as Record<string, unknown>[]).map(({ seconds: _s, ...e }) => e),
  };
}

/** The newest checkpoint folder a run's latest.json names. */
function newest(runDir: string): string {
  const { checkpoint } = JSON.parse(readFileSync(join(checkpoints(runDir), 'latest.json'), 'utf8'));
  return join(checkpoints(runDir), checkpoint);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Change one digit of a checkpoint's position in checkpoint.json: still valid JSON, same length,
 * only the checksum can tell. Returns the line the CLI must print about it.
 */
function flipStepDigit(folder: string): string {
  const path = join(folder, 'checkpoint.json');
  const bytes = readFileSync(path);
  const at = bytes.indexOf('"position":{"step":') + '"position":{"step":'.length;
  bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
  writeFileSync(path, bytes);
  JSON.parse(bytes.toString('utf8'));
  const listed = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')).files[
    'checkpoint.json'
  ];
  return `${path} is corrupt: its SHA-256 is ${sha256(bytes)}, manifest.json says ${listed}`;
}

/** Resolves with the first match of `pattern` in what the process wrote to stderr so far. */
function stderrMatch(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = seen.match(pattern);
      if (m) {
        child.stderr!.off('data', onData);
        resolve(m);
      }
    };
    child.stderr!.on('data', onData);
    child.on('close', () => reject(new Error(`exited before ${pattern} appeared:\n${seen}`)));
  });
}

function ok(r: Result): Result {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** The uninterrupted reference: 4 epochs straight, on the cpu backend. */
let straight4: Promise<string> | undefined;
function straightRun(): Promise<string> {
  straight4 ??= (async () => {
    const dir = join(work, 'straight-4');
    ok(
      await run([
        'train',
        ...TASK,
        ...OPTIMIZER,
        '--epochs',
        '4',
        '--backend',
        'cpu',
        '--out',
        dir,
      ]),
    );
    return dir;
  })();
  return straight4;
}

describe('train --resume: extension and the printed command (built CLI as a real process)', () => {
  it('Ctrl-C after a progress line, then the printed command: bit-identical to an uninterrupted run', async () => {
    const args = [...TASK, ...OPTIMIZER, '--epochs', '30', '--max-steps', '250'];
    const runtime = ['--backend', 'cpu', '--checkpoint-every', '7'];
    const straight = join(work, 'sigint-straight');
    ok(await run(['train', ...args, ...runtime, '--out', straight]));

    const split = join(work, 'sigint-split');
    const first = start(['train', ...args, ...runtime, '--out', split]);
    running.push(first.child);
    // Progress lines come at each tenth of the run: wait for the second tenth, then interrupt.
    await stderrMatch(first.child, /^δ-GClip: (2[5-9]|[3-9]\d|1\d\d)\/250 /m);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain(
      '\nStopping after this step and writing a checkpoint (Ctrl-C again to quit now)...\n',
    );
    const at = finalState(split).position.step;
    expect(at).toBeGreaterThanOrEqual(25);
    expect(at).toBeLessThan(250);
    expect(stopped.stderr).toContain(
      `Interrupted at step ${at}; checkpoint saved in ${checkpoints(split)}.\n`,
    );
    // Neither --backend nor --checkpoint-every: both come from the checkpoint.
    const printed = stopped.stderr.match(/^Resume with: (.*)$/m)?.[1];
    expect(printed).toBe(`deltaclip train --resume ${split} --max-steps 250`);

    const resumed = ok(await run(printed!.split(' ').slice(1)));
    expect(resumed.stderr).toContain(
      `at step ${at} (epoch ${Math.floor(at / 10)}, batch ${at % 10}), until step 250.\n`,
    );
    expect(resumed.stderr).toContain("Backend: cpu (requested 'cpu').\n");
    expect(resumed.stdout).toContain(`Continue with: deltaclip train --resume ${split}\n`);

    const a = finalState(straight);
    const b = finalState(split);
    expect(b.position).toEqual({ step: 250, epoch: 25, batch: 0 });
    expect(b.position).toEqual(a.position);
    expect(b.weights.equals(a.weights)).toBe(true);
    expect(b.steps).toEqual(a.steps);
    expect(b.epochs).toEqual(a.epochs);
    expect(loadCheckpoint(checkpoints(split)).header.runtime).toEqual({
      backend: 'cpu',
      checkpointEvery: 7,
    });
  });

  it('--epochs extends a finished run and --max-steps an interrupted one, bit-identical to a straight run', async () => {
    const reference = finalState(await straightRun());

    const finished = join(work, 'extend-epochs');
    const done = ok(
      await run([
        'train',
        ...TASK,
        ...OPTIMIZER,
        '--epochs',
        '2',
        '--backend',
        'cpu',
        '--out',
        finished,
      ]),
    );
    expect(done.stdout).toContain(
      `Train longer with: deltaclip train --resume ${finished} --epochs 4\n`,
    );
    const nothingLeft = await run(['train', '--resume', finished]);
    expect(nothingLeft.code).toBe(2);
    expect(nothingLeft.stderr).toBe(
      `deltaclip: the run in ${finished} is complete (2 epochs, 20 steps): add --epochs N with N > 2 to extend it\n`,
    );
    const extended = ok(await run(['train', '--resume', finished, '--epochs', '4']));
    expect(extended.stderr).toContain('at step 20 (epoch 2, batch 0), until epoch 4.\n');
    const e = finalState(finished);
    expect(e.position).toEqual({ step: 40, epoch: 4, batch: 0 });
    expect(e.weights.equals(reference.weights)).toBe(true);
    expect(e.steps).toEqual(reference.steps);
    expect(e.epochs).toEqual(reference.epochs);

    const limited = join(work, 'extend-steps');
    ok(
      await run([
        'train',
        ...TASK,
        ...OPTIMIZER,
        '--epochs',
        '4',
        '--max-steps',
        '13',
        '--backend',
        'cpu',
        '--out',
        limited,
      ]),
    );
    expect(finalState(limited).position).toEqual({ step: 13, epoch: 1, batch: 3 });
    ok(await run(['train', '--resume', limited, '--max-steps', '31']));
    expect(finalState(limited).position).toEqual({ step: 31, epoch: 3, batch: 1 });
    ok(await run(['train', '--resume', limited]));
    const l = finalState(limited);
    expect(l.position).toEqual(reference.position);
    expect(l.weights.equals(reference.weights)).toBe(true);
    expect(l.steps).toEqual(reference.steps);
  });

  it('any other changed option is one line naming it, the setting, old and new (exit 2); nothing is written', async () => {
    const dir = join(work, 'mismatch');
    ok(
      await run([
        'train',
        ...TASK,
        ...OPTIMIZER,
        '--epochs',
        '2',
        '--backend',
        'cpu',
        '--out',
        dir,
      ]),
    );
    const listing = () => readdirSync(checkpoints(dir)).sort();
    const before = listing();
    const latest = readFileSync(join(checkpoints(dir), 'latest.json'));
    const tail = 'only epochs and maxSteps may grow; start a new run for other settings';
    const cases: [string[], string][] = [
      [
        ['--dataset', 'penguins'],
        `--dataset penguins: cannot change task.dataset.name when resuming (checkpoint: "cars", requested: "penguins"): ${tail}`,
      ],
      [
        ['--optimizer', 'delta-gclip:lr=0.2,gamma=0.5,delta=0.05'],
        `--optimizer delta-gclip:lr=0.2,gamma=0.5,delta=0.05: cannot change optimizer.config.learningRate when resuming (checkpoint: 0.1, requested: 0.2): ${tail}`,
      ],
      [
        ['--model', 'mlp:hidden=128'],
        `--model mlp:hidden=128: cannot change task.model.hidden[0] when resuming (checkpoint: 256, requested: 128): ${tail}`,
      ],
      [
        ['--batch-size', 'full'],
        `--batch-size full: cannot change batchSize when resuming (checkpoint: 32, requested: "full"): ${tail}`,
      ],
      [
        ['--seed', '3'],
        `--seed 3: cannot change seed when resuming (checkpoint: 0, requested: 3): ${tail}`,
      ],
      [
        ['--backend', 'wasm'],
        `--backend wasm: cannot change backend when resuming (checkpoint: "cpu", requested: "wasm"): ${tail}`,
      ],
      [
        ['--epochs', '3', '--loss', 'sum'],
        `--loss sum: cannot change task.loss.half when resuming (checkpoint: true, requested: false): ${tail}`,
      ],
      [
        ['--epochs', '1'],
        '--epochs 1: cannot lower epochs when resuming (checkpoint: 2, requested: 1): a resume may only extend a run; start a new run for a shorter one',
      ],
      [
        ['--epochs', '3', '--max-steps', '20'],
        `--max-steps 20: the checkpoint in ${dir} is already at step 20; --max-steps counts from the start of the run, so give a larger total`,
      ],
      [
        ['--epochs', '3', '--out', join(work, 'elsewhere')],
        `--out ${join(work, 'elsewhere')}: a resumed run stays in its folder ${dir}; leave out --out`,
      ],
    ];
    for (const [extra, message] of cases) {
      const r = await run(['train', '--resume', dir, ...extra]);
      expect({ extra, code: r.code, stderr: r.stderr }).toEqual({
        extra,
        code: 2,
        stderr: `deltaclip: ${message}\n`,
      });
    }
    // Refused before anything was written, and the lock was let go.
    expect(listing()).toEqual(before);
    expect(readFileSync(join(checkpoints(dir), 'latest.json')).equals(latest)).toBe(true);
    // Repeating the run's own settings is fine.
    const same = ok(
      await run([
        'train',
        '--resume',
        dir,
        ...TASK,
        ...OPTIMIZER,
        '--backend',
        'cpu',
        '--epochs',
        '3',
      ]),
    );
    expect(same.stderr).toContain('at step 20 (epoch 2, batch 0), until epoch 3.\n');
    expect(existsSync(join(checkpoints(dir), 'run.lock'))).toBe(false);
  });
});

describe('train --resume: damaged checkpoints (built CLI as a real process)', () => {
  it('a flipped byte in the newest checkpoint.json falls back to the previous one with a warning, and the result is unchanged', async () => {
    const reference = finalState(await straightRun());
    const dir = join(work, 'damaged');
    ok(
      await run([
        'train',
        ...TASK,
        ...OPTIMIZER,
        '--epochs',
        '2',
        '--checkpoint-every',
        '3',
        '--backend',
        'cpu',
        '--out',
        dir,
      ]),
    );
    const damaged = newest(dir);
    expect(damaged).toBe(join(checkpoints(dir), 'step-000000020'));
    const problem = flipStepDigit(damaged);
    const r = ok(await run(['train', '--resume', dir, '--epochs', '4']));
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `Warning: skipped: ${problem}`,
      `Resuming δ-GClip (eta 0.1, gamma 0.5, delta 0.05) from ${join(checkpoints(dir), 'step-000000018')} at step 18 (epoch 1, batch 8), until epoch 4.`,
    ]);
    const s = finalState(dir);
    expect(s.position).toEqual(reference.position);
    expect(s.weights.equals(reference.weights)).toBe(true);
    expect(s.steps).toEqual(reference.steps);
  });

  it('no valid checkpoint: one line naming the damaged file, exit 2', async () => {
    const dir = join(work, 'all-damaged');
    ok(
      await run([
        'train',
        ...TASK,
        ...OPTIMIZER,
        '--epochs',
        '1',
        '--backend',
        'cpu',
        '--out',
        dir,
      ]),
    );
    const problem = flipStepDigit(newest(dir));
    const r = await run(['train', '--resume', dir, '--epochs', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`deltaclip: No valid checkpoint in ${checkpoints(dir)}: ${problem}\n`);
    // A folder that holds no run is refused before a lock file is made in it.
    const empty = join(work, 'not-a-run');
    mkdirSync(empty);
    const none = await run(['train', '--resume', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `deltaclip: No checkpoint at ${empty}: expected ${checkpoints(empty)}, written by 'deltaclip train --out ${empty}'\n`,
    );
    expect(readdirSync(empty)).toEqual([]);
  });

  it('an empty or corrupt latest.json is a warning and a fallback, never a SyntaxError; stale temporary files are removed with a notice', async () => {
    const dir = join(work, 'latest');
    ok(
      await run([
        'train',
        ...TASK,
        ...OPTIMIZER,
        '--epochs',
        '1',
        '--backend',
        'cpu',
        '--out',
        dir,
      ]),
    );
    const latest = join(checkpoints(dir), 'latest.json');
    const cases: [string, string][] = [
      ['', 'is empty'],
      ['{"checkpoint":', 'is not valid JSON'],
      ['{"checkpoint": "../../elsewhere"}', 'names no checkpoint folder'],
    ];
    let epochs = 1;
    for (const [content, what] of cases) {
      writeFileSync(latest, content);
      epochs += 1;
      const r = ok(await run(['train', '--resume', dir, '--epochs', String(epochs)]));
      const expected =
        what === 'names no checkpoint folder'
          ? `Warning: ${latest} names no checkpoint folder; using the newest valid checkpoint instead`
          : `Warning: ${latest} ${what} (pointer to the newest checkpoint); using the newest valid checkpoint instead`;
      expect(r.stderr.split('\n')[0]).toBe(expected);
      expect(r.stderr).not.toContain('SyntaxError');
      expect(finalState(dir).position.step).toBe(10 * epochs);
    }
    // What a writer killed mid-checkpoint leaves behind.
    const stale = `.step-000000099.tmp-${DEAD_PID}`;
    mkdirSync(join(checkpoints(dir), stale));
    writeFileSync(join(checkpoints(dir), stale, 'weights.bin'), 'half');
    const r = ok(await run(['train', '--resume', dir, '--epochs', String(epochs + 1)]));
    expect(r.stderr).toContain(
      `Note: Removed ${stale}, left by a writer that was killed mid-write\n`,
    );
    expect(existsSync(join(checkpoints(dir), stale))).toBe(false);
  });
});

describe('train --resume: the run lock (built CLI as a real process)', () => {
  it('a second train --resume on a running folder stops at once naming the holder; a stale lock is taken over', async () => {
    const dir = join(work, 'locked');
    ok(
      await run([
        'train',
        ...TASK,
        ...OPTIMIZER,
        '--epochs',
        '1',
        '--backend',
        'cpu',
        '--out',
        dir,
      ]),
    );
    const lockFile = join(checkpoints(dir), 'run.lock');

    const holder = start(['train', '--resume', dir, '--epochs', '100000']);
    running.push(holder.child);
    await stderrMatch(holder.child, /^δ-GClip: \d+\/1000000 /m);
    const second = await run(['train', '--resume', dir, '--epochs', '100000']);
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `deltaclip: ${checkpoints(dir)} is in use: held by process ${holder.child.pid} on host ${hostname()} (lock file ${lockFile}): wait for it to finish or stop it first\n`,
    );
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(holder.child.pid);
    holder.child.kill('SIGINT');
    const stopped = await holder.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain(`Resume with: deltaclip train --resume ${dir}\n`);
    expect(existsSync(lockFile)).toBe(false);

    writeFileSync(
      lockFile,
      `${JSON.stringify({ pid: DEAD_PID, since: '2020-01-01T00:00:00Z' })}\n`,
    );
    const at = finalState(dir).position.step;
    const taken = ok(await run(['train', '--resume', dir, '--max-steps', String(at + 2)]));
    expect(taken.stderr.split('\n')[0]).toBe(
      `Note: Taking over the stale lock ${lockFile} of process ${DEAD_PID}, which no longer runs`,
    );
    expect(finalState(dir).position.step).toBe(at + 2);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a kill -9 in the middle of training leaves the last checkpoint intact and resumable', async () => {
    const dir = join(work, 'killed');
    ok(
      await run([
        'train',
        ...TASK,
        ...OPTIMIZER,
        '--epochs',
        '1',
        '--backend',
        'cpu',
        '--out',
        dir,
      ]),
    );
    const again = start([
      'train',
      '--resume',
      dir,
      '--epochs',
      '100000',
      '--checkpoint-every',
      '1',
    ]);
    running.push(again.child);
    // The checkpointer runs before the progress callback: a progress line at step n means the
    // checkpoint of step n is complete.
    const seen = await stderrMatch(again.child, /^δ-GClip: (\d+)\/1000000 /m);
    again.child.kill('SIGKILL');
    const killed = await again.done;
    expect(killed.signal).toBe('SIGKILL');
    const after = finalState(dir).position.step;
    expect(after).toBeGreaterThanOrEqual(Number(seen[1]));
    // The dead process's lock is taken over and the run continues from its last checkpoint.
    const last = ok(await run(['train', '--resume', dir, '--max-steps', String(after + 3)]));
    expect(last.stderr).toContain(
      `Note: Taking over the stale lock ${join(checkpoints(dir), 'run.lock')} of process ${again.child.pid}, which no longer runs\n`,
    );
    expect(finalState(dir).position.step).toBe(after + 3);
  });
});
