import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@deltaclip/train/node';
import { afterAll, describe, expect, it } from 'vitest';
import { run, start } from './cli.js';

const work = mkdtempSync(join(tmpdir(), 'deltaclip-resume-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TASK = [
  '--dataset',
  'cars',
  '--model',
  'mlp:hidden=256',
  '--batch-size',
  '32',
  '--backend',
  'cpu',
];

function weights(dir: string) {
  const { header, tensors } = loadCheckpoint(join(dir, 'checkpoints'));
  return {
    position: header.position,
    tensors: tensors.map((t) => [t.group, t.name, Array.from(t.values)]),
  };
}

async function waitFor(path: string, timeoutMs: number) {
  const t0 = Date.now();
  while (!existsSync(path)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('train: checkpoints and resume (built CLI as a real process)', () => {
  it('N steps straight equals N/2 steps, stop, and resume: identical weights and optimizer state', async () => {
    const straight = join(work, 'straight');
    const split = join(work, 'split');
    const optimizer = ['--optimizer', 'delta-gclip:lr=0.1,gamma=0.5,delta=0.05', '--epochs', '4'];
    expect((await run(['train', ...TASK, ...optimizer, '--out', straight])).code).toBe(0);
    const half = await run(['train', ...TASK, ...optimizer, '--max-steps', '19', '--out', split]);
    expect(half.code, half.stderr).toBe(0);
    expect(weights(split).position).toEqual({ step: 19, epoch: 1, batch: 9 });
    const resumed = await run(['train', '--resume', split, '--backend', 'cpu']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('at step 19 (epoch 1, batch 9)');
    const a = weights(straight);
    const b = weights(split);
    expect(b.position).toEqual(a.position);
    expect(b.tensors).toEqual(a.tensors);
  });

  it('Ctrl-C stops after the step, checkpoints, says how to resume; a kill -9 leaves the last checkpoint intact', async () => {
    const dir = join(work, 'interrupted');
    const { child, done } = start([
      'train',
      ...TASK,
      '--optimizer',
      'adam:lr=0.01',
      '--epochs',
      '100000',
      '--checkpoint-every',
      '5',
      '--out',
      dir,
    ]);
    await waitFor(join(dir, 'checkpoints', 'latest.json'), 120_000);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Stopping after this step and writing a checkpoint');
    expect(r.stderr).toContain(`Resume with: deltaclip train --resume ${dir}`);
    const stoppedAt = weights(dir).position.step;
    expect(stoppedAt).toBeGreaterThanOrEqual(5);

    // Resume, then kill -9 in the middle of training (maybe in the middle of a checkpoint write).
    const again = start(['train', '--resume', dir, '--backend', 'cpu', '--checkpoint-every', '1']);
    const t0 = Date.now();
    while (weights(dir).position.step < stoppedAt + 20) {
      if (Date.now() - t0 > 120_000) throw new Error('no progress after resume');
      await new Promise((res) => setTimeout(res, 20));
    }
    again.child.kill('SIGKILL');
    const killed = await again.done;
    expect(killed.signal).toBe('SIGKILL');
    const after = weights(dir);
    expect(after.position.step).toBeGreaterThan(stoppedAt);
    // And it resumes from there.
    const last = await run([
      'train',
      '--resume',
      dir,
      '--backend',
      'cpu',
      '--max-steps',
      String(after.position.step + 3),
    ]);
    expect(last.code, last.stderr).toBe(0);
    expect(weights(dir).position.step).toBe(after.position.step + 3);
  });
});
