import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanStaleTemporaries, loadCheckpoint, saveCheckpoint } from '../src/node/checkpoint.js';
import { checkpointer } from '../src/node/checkpointer.js';
import { ResumeMismatchError, resumeSpec } from '../src/node/resume.js';
import { acquireRunLock, LOCK_FILE, RunLockedError } from '../src/node/run-lock.js';
import type { RunSpec } from '../src/run.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'deltaclip-lock-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Start `node -e script` and wait until it prints `ready`. */
async function child(script: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  return proc;
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.on('exit', () => resolve());
  });
}

// The lock file format is {"pid": N, "host": H}: a child process writes one exclusively and stays alive.
const holdLock = (dir: string) =>
  `const fs=require('fs');fs.writeFileSync(${JSON.stringify(join(dir, LOCK_FILE))},JSON.stringify({pid:process.pid,host:require('os').hostname()}),{flag:'wx'});console.log('ready');setInterval(()=>{},1000);`;

/** A PID no process has here: a child that ran and exited. */
async function deadPid(): Promise<number> {
  const proc = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await exited(proc);
  return proc.pid!;
}

function lockError(dir: string): RunLockedError {
  try {
    acquireRunLock(dir);
  } catch (e) {
    if (RunLockedError.is(e)) return e as RunLockedError;
    throw e;
  }
  throw new Error('acquireRunLock took the lock');
}

describe('run lock', () => {
  it('stops a second process with a typed error naming the holder PID, and takes over once it died', async () => {
    const dir = tempDir();
    const holder = await child(holdLock(dir));
    let error: unknown;
    try {
      acquireRunLock(dir);
    } catch (e) {
      error = e;
    }
    expect(RunLockedError.is(error)).toBe(true);
    expect((error as RunLockedError).code).toBe('RUN_LOCKED');
    expect((error as RunLockedError).holderPid).toBe(holder.pid);
    expect((error as RunLockedError).holderHost).toBe(hostname());
    expect((error as Error).message).toBe(
      `${dir} is in use: held by process ${holder.pid} on host ${hostname()} (lock file ${join(dir, LOCK_FILE)}): wait for it to finish or stop it first`,
    );
    holder.kill('SIGKILL');
    await exited(holder);
    const notices: string[] = [];
    const lock = acquireRunLock(dir, { onNotice: (m) => notices.push(m) });
    expect(notices).toEqual([
      `Taking over the stale lock ${join(dir, LOCK_FILE)} of process ${holder.pid}, which no longer runs`,
    ]);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
    });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('never judges a lock from another host stale by its PID, and names that host', async () => {
    const dir = tempDir();
    const path = join(dir, LOCK_FILE);
    const host = `not-${hostname()}.example`;
    // Neither a PID that runs nowhere here nor this very process's PID says anything about a
    // process on another machine sharing the folder.
    for (const pid of [await deadPid(), process.pid]) {
      const text = JSON.stringify({ pid, host, since: '2025-01-01T00:00:00.000Z' });
      writeFileSync(path, text);
      const error = lockError(dir);
      expect(error.holderPid).toBe(pid);
      expect(error.holderHost).toBe(host);
      expect(error.message).toBe(
        `${dir} is in use: held by process ${pid} on host ${host} (lock file ${path}); a lock from another host is never taken over, as its process cannot be checked from here: wait for that run to finish, or delete the lock file if that process is gone`,
      );
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
    // Once that host's run is over (its lock removed), this host takes the folder.
    rmSync(path);
    const lock = acquireRunLock(dir);
    expect(JSON.parse(readFileSync(path, 'utf8')).host).toBe(hostname());
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('judges a lock written before hosts were recorded ({"pid": N}) as this host\'s', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid }));
    const notices: string[] = [];
    const lock = acquireRunLock(dir, { onNotice: (m) => notices.push(m) });
    expect(notices).toEqual([
      `Taking over the stale lock ${join(dir, LOCK_FILE)} of process ${pid}, which no longer runs`,
    ]);
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid }));
    expect(lockError(dir).message).toBe(
      `${dir} is in use: held by process ${process.ppid} on host ${hostname()} (lock file ${join(dir, LOCK_FILE)}): wait for it to finish or stop it first`,
    );
  });

  it('the checkpointer takes the lock and releases it when training ends', async () => {
    const dir = tempDir();
    const callback = checkpointer({ dir, run: {}, everySteps: 2 });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    expect(() => checkpointer({ dir, run: {} })).not.toThrow(); // same process: re-entrant
    callback.lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(() => checkpointer({ dir, run: {}, everySteps: 0 })).toThrow(
      'checkpointEvery must be an integer >= 1 (got 0)',
    );
  });

  it('the checkpointer uses a lock its caller took (no take-over notice) and releases it at the end', async () => {
    const dir = tempDir();
    const held = acquireRunLock(dir);
    const notices: string[] = [];
    const callback = checkpointer({ dir, run: {}, lock: held, onNotice: (m) => notices.push(m) });
    expect(callback.lock).toBe(held);
    expect(notices).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    callback.lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('is released when the holding process exits on SIGINT', async () => {
    const dir = tempDir();
    const lockModule = join(import.meta.dirname, '..', 'dist', 'node', 'run-lock.js');
    // The built module when present (turbo builds before testing); else the same format by hand.
    const script = existsSync(lockModule)
      ? `import(${JSON.stringify(lockModule)}).then(m=>{m.acquireRunLock(${JSON.stringify(dir)});console.log('ready');setInterval(()=>{},1000);});`
      : `const fs=require('fs');const p=${JSON.stringify(join(dir, LOCK_FILE))};fs.writeFileSync(p,JSON.stringify({pid:process.pid}));process.on('SIGINT',()=>{fs.rmSync(p);process.exit(130)});console.log('ready');setInterval(()=>{},1000);`;
    const proc = await child(script);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    proc.kill('SIGINT');
    await exited(proc);
    expect(proc.signalCode === 'SIGINT' || proc.exitCode === 130).toBe(true);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('a writer SIGKILLed mid-write', () => {
  it('leaves the previous checkpoint loadable, and the next open removes its temporary folder', async () => {
    const dir = tempDir();
    saveCheckpoint(dir, {
      position: { step: 4, epoch: 0, batch: 4 },
      run: { a: 1 },
      history: {},
      tensors: [
        { group: 'model', name: 'w', dtype: 'float32', shape: [2], values: Float32Array.of(1, 2) },
      ],
    });
    // The same steps saveCheckpoint takes, stopped inside the weights write by SIGKILL.
    const writer = await child(
      `const fs=require('fs'),p=require('path');const t=p.join(${JSON.stringify(dir)},'.step-000000008.tmp-'+process.pid);fs.mkdirSync(t);const fd=fs.openSync(p.join(t,'weights.bin'),'w');fs.writeSync(fd,Buffer.alloc(5));console.log('ready');setInterval(()=>fs.writeSync(fd,Buffer.alloc(1)),5);`,
    );
    writer.kill('SIGKILL');
    await exited(writer);
    expect(readdirSync(dir)).toContain(`.step-000000008.tmp-${writer.pid}`);
    expect(loadCheckpoint(dir).header.position.step).toBe(4);
    const notices: string[] = [];
    const callback = checkpointer({ dir, run: {}, onNotice: (m) => notices.push(m) });
    callback.lock.release();
    expect(notices).toEqual([
      `Removed .step-000000008.tmp-${writer.pid}, left by a writer that was killed mid-write`,
    ]);
    expect(cleanStaleTemporaries(dir)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['latest.json', 'step-000000004']);
  });
});

describe('resumeSpec', () => {
  const stored = {
    task: {
      dataset: { name: 'cars' },
      model: { kind: 'mlp', inputSize: 6, hidden: [8], outputSize: 1, seed: 0 },
      loss: { kind: 'square', reduction: 'mean', half: true },
    },
    optimizer: {
      className: 'deltaclip.DeltaGClip',
      config: { learningRate: 0.1, gamma: 1, delta: 0.1 },
    },
    epochs: 10,
    batchSize: 'full',
    seed: 0,
    maxSteps: 5,
  } as unknown as RunSpec;

  it('extends epochs and sets a new maxSteps; the old limit is dropped', () => {
    expect(resumeSpec(stored, { epochs: 20 })).toEqual({
      ...stored,
      epochs: 20,
      maxSteps: undefined,
    });
    expect(resumeSpec(stored, {}).maxSteps).toBeUndefined();
    expect(resumeSpec(stored, { maxSteps: 9 }).maxSteps).toBe(9);
    expect(resumeSpec(stored, { seed: 0, epochs: 10 }).epochs).toBe(10);
  });

  it('names any other changed setting with its old and new value', () => {
    const mismatch = (requested: Partial<RunSpec>) => {
      try {
        resumeSpec(stored, requested);
      } catch (e) {
        return e;
      }
      return null;
    };
    const e = mismatch({
      optimizer: {
        className: 'deltaclip.DeltaGClip',
        config: { learningRate: 0.2, gamma: 1, delta: 0.1 },
      },
    });
    expect(ResumeMismatchError.is(e)).toBe(true);
    expect((e as ResumeMismatchError).setting).toBe('optimizer.config.learningRate');
    expect((e as Error).message).toBe(
      'cannot change optimizer.config.learningRate when resuming (checkpoint: 0.1, requested: 0.2): only epochs and maxSteps may grow; start a new run for other settings',
    );
    expect((mismatch({ batchSize: 32 }) as ResumeMismatchError).setting).toBe('batchSize');
    expect((mismatch({ epochs: 3 }) as Error).message).toContain(
      'cannot lower epochs when resuming (checkpoint: 10, requested: 3): a resume may only extend a run; start a new run for a shorter one',
    );
    expect(() => resumeSpec(stored, { maxSteps: 0 })).toThrow(
      'maxSteps must be an integer >= 1 (got 0)',
    );
  });
});
