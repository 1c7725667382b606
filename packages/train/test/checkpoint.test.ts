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
import { CheckpointError, type StoredTensor } from '../src/checkpoint-format.js';
import { cleanStaleTemporaries, loadCheckpoint, saveCheckpoint } from '../src/node/checkpoint.js';

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

  it('keeps the newest two; opening the run folder sweeps stale temporary files', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.step-000000001.tmp-999999'));
    writeFileSync(join(dir, '.latest.json.tmp-999999'), '{');
    for (const step of [1, 2, 3, 4]) save(dir, step);
    expect(readdirSync(dir).sort()).toEqual([
      '.latest.json.tmp-999999',
      '.step-000000001.tmp-999999',
      'latest.json',
      'step-000000003',
      'step-000000004',
    ]);
    expect(cleanStaleTemporaries(dir).sort()).toEqual([
      '.latest.json.tmp-999999',
      '.step-000000001.tmp-999999',
    ]);
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

  it('detects a flipped byte in checkpoint.json that keeps it valid JSON', () => {
    const dir = tempDir();
    const folder = save(dir, 2);
    const path = join(folder, 'checkpoint.json');
    const text = readFileSync(path, 'utf8');
    // "step":2 -> "step":3: still valid JSON, a shifted position.
    const flipped = text.replace('"step":2', '"step":3');
    expect(flipped).not.toBe(text);
    JSON.parse(flipped);
    writeFileSync(path, flipped);
    expect(() => loadCheckpoint(folder)).toThrow(
      new RegExp(
        `${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupt: its SHA-256 is [0-9a-f]{64}, manifest.json says [0-9a-f]{64}`,
      ),
    );
  });

  it('falls back from a damaged newest checkpoint to the newest valid one, with a warning naming the file', () => {
    const dir = tempDir();
    save(dir, 3);
    const newest = save(dir, 7);
    const blob = join(newest, 'weights.bin');
    const bytes = readFileSync(blob);
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(blob, bytes);
    const loaded = loadCheckpoint(dir);
    expect(loaded.header.position.step).toBe(3);
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toContain(`skipped: ${blob} is corrupt`);
    // Both damaged: a typed error naming each file.
    truncateSync(join(dir, 'step-000000003', 'checkpoint.json'), 5);
    let error: unknown;
    try {
      loadCheckpoint(dir);
    } catch (e) {
      error = e;
    }
    expect(CheckpointError.is(error)).toBe(true);
    expect((error as CheckpointError).code).toBe('CHECKPOINT_INVALID');
    expect((error as Error).message).toContain(`${blob} is corrupt`);
    expect((error as Error).message).toContain(
      `${join(dir, 'step-000000003', 'checkpoint.json')} is corrupt`,
    );
  });

  it('an empty or corrupt latest.json falls back with a warning, never a raw SyntaxError', () => {
    const dir = tempDir();
    save(dir, 4);
    for (const content of ['', '{"checkpoint": "step-0000', '{"checkpoint": "../../etc"}']) {
      writeFileSync(join(dir, 'latest.json'), content);
      const loaded = loadCheckpoint(dir);
      expect(loaded.header.position.step).toBe(4);
      expect(loaded.warnings[0]).toMatch(
        /latest\.json (is empty|is not valid JSON|names no checkpoint folder).*; using the newest valid checkpoint instead/,
      );
    }
    rmSync(join(dir, 'step-000000004'), { recursive: true });
    writeFileSync(join(dir, 'latest.json'), '');
    // The error says what is wrong, without the fallback wording of the warning.
    let error: unknown;
    try {
      loadCheckpoint(dir);
    } catch (e) {
      error = e;
    }
    expect(CheckpointError.is(error)).toBe(true);
    expect((error as Error).message).toBe(
      `No valid checkpoint in ${dir}: ${join(dir, 'latest.json')} is empty (pointer to the newest checkpoint)`,
    );
  });

  it('refuses a truncated weights file and a missing manifest', () => {
    const dir = tempDir();
    const folder = save(dir, 2);
    truncateSync(join(folder, 'weights.bin'), 10);
    expect(() => loadCheckpoint(folder)).toThrow(/weights\.bin is corrupt/);
    rmSync(join(folder, 'manifest.json'));
    expect(() => loadCheckpoint(folder)).toThrow(
      'manifest.json is missing: the checkpoint is incomplete or older than format version 2',
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
