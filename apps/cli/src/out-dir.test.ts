import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutDir, removeRunLeftovers, writeErrorFor } from './out-dir.js';

const work = mkdtempSync(join(tmpdir(), 'deltaclip-out-dir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fsError(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, mkdir '${path}'`), { code, path });
}

describe('writeErrorFor', () => {
  // Tests run as root here, where a mode-0555 folder does not stop writes: the errno mapping is
  // checked on the error objects Node throws.
  it('turns a permission or read-only error on --out or a folder above it into one clear line', () => {
    expect((writeErrorFor('--out', '/x/y', fsError('EACCES', '/x')) as Error).message).toBe(
      'cannot write to --out /x/y: permission denied (EACCES); choose a writable folder',
    );
    expect((writeErrorFor('--out', '/x/y', fsError('EROFS', '/x/y/z')) as Error).message).toBe(
      'cannot write to --out /x/y: read-only file system (EROFS); choose a writable folder',
    );
  });

  it('leaves errors about other paths, and errors without a path, as they are', () => {
    const data = fsError('ENOENT', '/data/cars.csv');
    expect(writeErrorFor('--out', '/x/y', data)).toBe(data);
    const bug = new TypeError('x is undefined');
    expect(writeErrorFor('--out', '/x/y', bug)).toBe(bug);
  });
});

describe('checkOutDir and removeRunLeftovers', () => {
  it('creates nothing while checking, and plans to remove only the folders a run creates', () => {
    const plan = checkOutDir(join(work, 'a', 'b', 'c'));
    expect(plan.created).toBe(join(work, 'a'));
    mkdirSync(join(work, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(work, 'a', 'b', 'c', 'run.jsonl'), '{}\n');
    removeRunLeftovers(plan);
    expect(() => checkOutDir(join(work, 'a'))).not.toThrow();
    expect(checkOutDir(join(work, 'a')).created).toBe(join(work, 'a'));
  });

  it('in a folder that existed, removes only the new entries', () => {
    const dir = join(work, 'kept');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mine.txt'), 'keep');
    const plan = checkOutDir(dir, { overwrite: true });
    writeFileSync(join(dir, 'run.jsonl'), '{}\n');
    mkdirSync(join(dir, 'checkpoints'));
    removeRunLeftovers(plan);
    expect(checkOutDir(dir, { overwrite: true }).entriesBefore).toEqual(new Set(['mine.txt']));
  });
});
