import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredTensor } from '../src/checkpoint-format.js';
import { loadCheckpoint, saveCheckpoint } from '../src/node/checkpoint.js';

const dirs: string[] = [];
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'deltaclip-ckpt-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tensors(seed: number): StoredTensor[] {
  return [
    {
      group: 'model',
      name: 'dense0/kernel',
      dtype: 'float32',
      shape: [2, 3],
      values: Float32Array.from([1, 2, 3, 4, 5, seed]),
    },
    { group: 'optimizer', name: 'iter', dtype: 'int32', shape: [], values: Int32Array.of(seed) },
  ];
}

function save(dir: string, step: number) {
  return saveCheckpoint(dir, {
    position: { step, epoch: 0, batch: step },
    run: { hello: 'run' },
    history: { steps: [step] },
    tensors: tensors(step),
  });
}

describe('checkpoints on disk', () => {
  it('round-trips position, run, history and tensors bit-exactly; latest.json points at the newest', () => {
    const dir = tempDir();
    save(dir, 3);
    save(dir, 7);
    const loaded = loadCheckpoint(dir);
    expect(loaded.header.position).toEqual({ step: 7, epoch: 0, batch: 7 });
    expect(loaded.header.run).toEqual({ hello: 'run' });
    expect(loaded.header.history).toEqual({ steps: [7] });
    expect(loaded.tensors.map((t) => [t.name, t.dtype, t.shape, Array.from(t.values)])).toEqual([
      ['dense0/kernel', 'float32', [2, 3], [1, 2, 3, 4, 5, 7]],
      ['iter', 'int32', [], [7]],
    ]);
    expect(loadCheckpoint(join(dir, 'step-000000003')).header.position.step).toBe(3);
  });

  it('keeps the newest two and sweeps stale temporary folders', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.step-000000001.tmp-999999'));
    for (const step of [1, 2, 3, 4]) save(dir, step);
    expect(readdirSync(dir).sort()).toEqual(['latest.json', 'step-000000003', 'step-000000004']);
  });

  it('leaves the previous checkpoint usable when a write dies half way', () => {
    const dir = tempDir();
    save(dir, 5);
    // What a kill during the next save leaves: a temporary folder with a partial blob.
    const partial = join(dir, `.step-000000006.tmp-${process.pid + 1}`);
    mkdirSync(partial);
    writeFileSync(join(partial, 'weights.bin'), new Uint8Array(3));
    expect(loadCheckpoint(dir).header.position.step).toBe(5);
  });

  it('refuses a truncated or corrupted weights file, naming what is wrong', () => {
    const dir = tempDir();
    const folder = save(dir, 2);
    const blob = join(folder, 'weights.bin');
    const bytes = readFileSync(blob);
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(blob, bytes);
    expect(() => loadCheckpoint(dir)).toThrow(
      /weights\.bin is corrupt: its SHA-256 is [0-9a-f]{64}, the header says/,
    );
    truncateSync(blob, 10);
    expect(() => loadCheckpoint(dir)).toThrow(/corrupt/);
    const header = JSON.parse(readFileSync(join(folder, 'checkpoint.json'), 'utf8'));
    delete header.sha256;
    writeFileSync(join(folder, 'checkpoint.json'), JSON.stringify(header));
    expect(() => loadCheckpoint(dir)).toThrow(
      'the weights file has 10 bytes, the header says 28: it is truncated or from another checkpoint',
    );
  });

  it('says when a path is not a checkpoint', () => {
    const dir = tempDir();
    expect(() => loadCheckpoint(join(dir, 'nope'))).toThrow('the path does not exist');
    expect(() => loadCheckpoint(dir)).toThrow(
      "expected latest.json (a run's checkpoint directory) or checkpoint.json (one checkpoint)",
    );
  });
});
