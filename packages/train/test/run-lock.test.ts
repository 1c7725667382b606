import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

// The lock file format is {"pid": N}: a child process writes one exclusively and stays alive.
const holdLock = (dir: string) =>
  `const fs=require('fs');fs.writeFileSync(${JSON.stringify(join(dir, LOCK_FILE))},JSON.stringify({pid:process.pid}),{flag:'wx'});console.log('ready');setInterval(()=>{},1000);`;

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
    expect((error as Error).message).toBe(
      `${dir} is in use by process ${holder.pid} (lock file ${join(dir, LOCK_FILE)}): wait for it to finish or stop it first`,
    );
    holder.kill('SIGKILL');
    await exited(holder);
    const notices: string[] = [];
    const lock = acquireRunLock(dir, { onNotice: (m) => notices.push(m) });
    expect(notices).toEqual([
      `Taking over the stale lock ${join(dir, LOCK_FILE)} of process ${holder.pid}, which no longer runs`,
    ]);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
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
