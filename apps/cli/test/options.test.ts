import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Result, run } from './cli.js';

const work = mkdtempSync(join(tmpdir(), 'deltaclip-options-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A small, fast comparison: one SGD run of two full-batch steps, no PL* analysis. */
const SMALL = [
  '--seeds',
  '1',
  '--epochs',
  '2',
  '--optimizers',
  'sgd:lr=1',
  '--analysis-every',
  '0',
  '--workers',
  '1',
];

/** A user error: exit 2, exactly this one line on stderr, nothing on stdout. */
function expectUserError(r: Result, line: string, what: string) {
  expect(r.code, `${what}\n${r.stderr}`).toBe(2);
  expect(r.stderr, what).toBe(`deltaclip: ${line}\n`);
  expect(r.stdout, what).toBe('');
}

describe('options: one schema for flags and config files, checked before anything runs', () => {
  it('rejects bad flag values with the flag, the rule and the value, before any run is announced', async () => {
    const cases: [string[], string][] = [
      [['compare', '--epochs', '-5'], '--epochs must be an integer >= 1 (got -5)'],
      [['compare', '--epochs', '0'], '--epochs must be an integer >= 1 (got 0)'],
      [['train', '--epochs', '2.5'], '--epochs must be an integer >= 1 (got 2.5)'],
      [['compare', '--epochs', 'many'], '--epochs must be an integer >= 1 (got "many")'],
      [['compare', '--max-steps', '0'], '--max-steps must be an integer >= 1 (got 0)'],
      [['compare', '--max-steps', '-1'], '--max-steps must be an integer >= 1 (got -1)'],
      [['train', '--max-steps', '0'], '--max-steps must be an integer >= 1 (got 0)'],
      [
        ['train', '--checkpoint-every', '-1'],
        '--checkpoint-every must be an integer >= 1 (got -1)',
      ],
      [['train', '--checkpoint-every', '0'], '--checkpoint-every must be an integer >= 1 (got 0)'],
      [['compare', '--batch-size', '0'], "--batch-size must be an integer >= 1 or 'full' (got 0)"],
      [
        ['compare', '--batch-size', 'fulll'],
        `--batch-size must be an integer >= 1 or 'full' (got "fulll")`,
      ],
      [['compare', '--workers', '0'], '--workers must be an integer >= 1 (got 0)'],
      [['compare', '--analysis-every', '-2'], '--analysis-every must be an integer >= 0 (got -2)'],
      [['compare', '--seed', '-1'], '--seed must be an integer in [0, 2^53) (got -1)'],
      [['reproduce', 'theory', '--epochs', '-3'], '--epochs must be an integer >= 1 (got -3)'],
      [
        ['compare', '--loss', 'half-men'],
        `--loss must be one of half-mean, mean, half-sum, sum, cross-entropy, vae (got "half-men"). Did you mean 'half-mean'?`,
      ],
      [
        ['compare', '--backend', 'wasn'],
        `--backend must be one of auto, cpu, wasm, node, node-gpu (got "wasn"). Did you mean 'wasm'?`,
      ],
      [
        ['train', '--dataset', 'penguin'],
        `--dataset must be one of cars, penguins, circle, xor, spiral, gaussians, surface-plane, surface-bowl, surface-saddle, surface-sine, surface-ripple, teacher-student, linear-least-squares, sequence-copy, sequence-reverse, mnist, fashion-mnist, cifar-10, cifar-100 (got "penguin"). Did you mean 'penguins'?`,
      ],
      [
        ['analyze', '--hessian-iterations', '-1'],
        '--hessian-iterations must be an integer >= 0 (got -1)',
      ],
      [['compare', '--out'], '--out needs a value: --out <dir>'],
      [
        ['compare', '--out', '--json'],
        "--out needs a value (got the option '--json'); for a value that starts with '-', write --out=--json",
      ],
      [['compare', '--json=no'], '--json takes no value (got "no")'],
      [
        ['compare', 'cars'],
        "'deltaclip compare' takes no arguments (got 'cars'). Run 'deltaclip compare --help' for the options.",
      ],
    ];
    for (const [args, line] of cases) expectUserError(await run(args), line, args.join(' '));
  });

  it('suggests the nearest command, option and optimizer name', async () => {
    expectUserError(
      await run(['comapre']),
      "Unknown command 'comapre'. Did you mean 'compare'? Commands: compare, train, analyze, reproduce, sweep, worker, doctor, datasets. Run 'deltaclip --help'.",
      'command',
    );
    expectUserError(
      await run(['frobnicate']),
      "Unknown command 'frobnicate'. Commands: compare, train, analyze, reproduce, sweep, worker, doctor, datasets. Run 'deltaclip --help'.",
      'no near command',
    );
    expectUserError(
      await run(['compare', '--epoch', '3']),
      "Unknown option '--epoch'. Did you mean '--epochs'? Run 'deltaclip compare --help' for the options.",
      'option',
    );
    expectUserError(
      await run(['compare', '--optimizers', 'sgd:lr=1;adamw:lr=1']),
      "--optimizers: Unknown optimizer 'adamw'. Known optimizers: sgd, momentum, adam, gclip, delta-gclip, delta-gclip-per-tensor, clipped-momentum, clipped-adam. Did you mean 'adam'?",
      'optimizer in compare',
    );
    const train = await run(['train', '--optimizer', 'delta-gclp:lr=1']);
    expect(train.code).toBe(2);
    expect(train.stderr).toMatch(
      /^deltaclip: --optimizer: Unknown optimizer 'delta-gclp'\..* Did you mean 'delta-gclip'\?\n$/,
    );
    expectUserError(
      await run(['reproduce', 'theroy']),
      "Unknown experiment 'theroy'. Did you mean 'theory'? Experiments: theory, resnet-cifar10, vae-fashion-mnist, vit-cifar10, vit-small-cifar10",
      'experiment',
    );
  });

  it('config files: strict types (no coercion), the same ranges as flags, unknown keys with the allowed list', async () => {
    const config = join(work, 'config.json');
    const cases: [unknown, string][] = [
      [{ epochs: true }, 'epochs must be an integer >= 1 (got true)'],
      [{ epochs: '5' }, 'epochs must be an integer >= 1 (got "5")'],
      [{ epochs: -5 }, 'epochs must be an integer >= 1 (got -5)'],
      [{ maxSteps: 0 }, 'maxSteps must be an integer >= 1 (got 0)'],
      [{ 'batch-size': '32' }, `batch-size must be an integer >= 1 or 'full' (got "32")`],
      [{ json: 'yes' }, 'json must be true or false (got "yes")'],
      [{ out: 7 }, 'out must be a string (got 7)'],
      [{ 'max-steps': 3, maxSteps: 4 }, "'max-steps' and 'maxSteps' are the same option"],
      [[1, 2], 'expected a JSON object of options (got [1,2])'],
    ];
    for (const [content, line] of cases) {
      writeFileSync(config, JSON.stringify(content));
      expectUserError(
        await run(['compare', '--config', config]),
        `--config ${config}: ${line}`,
        line,
      );
    }
    writeFileSync(config, JSON.stringify({ epoch: 5 }));
    expectUserError(
      await run(['train', '--config', config]),
      `--config ${config}: unknown option 'epoch'. Did you mean 'epochs'? Options: dataset, data, target, drop, task, data-dir, model, loss, epochs, batch-size, max-steps, schedule, analysis-every, kernel-samples, limit-train, limit-test, optimizer, out, overwrite, checkpoint-every, resume, backend, seed, json`,
      'unknown key',
    );
    // Flag-only options are not config keys.
    writeFileSync(config, JSON.stringify({ config: 'other.json' }));
    const nested = await run(['compare', '--config', config]);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/^deltaclip: --config .*: unknown option 'config'\. Options: /);
  });
});

describe('exit codes: user errors 2, bugs 1 with "this is a bug"', () => {
  it('a plain TypeError in the main process is a bug: exit 1, the hint, the stack only with --debug', async () => {
    const fault = { DELTACLIP_INJECT_FAULT: 'main' };
    const r = await run(['doctor'], undefined, fault);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "deltaclip: internal error (this is a bug): TypeError: injected fault at 'main' (DELTACLIP_INJECT_FAULT)\n" +
        'Run the same command with --debug to print the stack trace, and include it when you report the bug.\n',
    );
    const debug = await run(['doctor', '--debug'], undefined, fault);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^deltaclip: internal error \(this is a bug\): TypeError: /);
    expect(debug.stderr).toMatch(/\n\s+at injectedFault .*errors\.js/);
    expect(debug.stderr).not.toContain('Run the same command with --debug');
  });

  it('a bug inside a worker is a bug too, and the failed comparison leaves no folder', async () => {
    const out = join(work, 'worker-fault', 'report');
    const r = await run(['compare', ...SMALL, '--out', out], undefined, {
      DELTACLIP_INJECT_FAULT: 'worker',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "deltaclip: internal error (this is a bug): TypeError: injected fault at 'worker' (DELTACLIP_INJECT_FAULT)\n",
    );
    expect(existsSync(join(work, 'worker-fault'))).toBe(false);
  });
});

describe('--out: refused when not empty, clear when unwritable, nothing left behind', () => {
  it('compare refuses a non-empty folder, and writes into it with --overwrite keeping other files', async () => {
    const out = join(work, 'full');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expectUserError(
      await run(['compare', ...SMALL, '--out', out]),
      `--out ${out} already exists and is not empty (1 entry): choose another folder, or pass --overwrite to write into it`,
      'non-empty',
    );
    expect(readdirSync(out)).toEqual(['notes.txt']);
    const r = await run(['compare', ...SMALL, '--out', out, '--overwrite', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'analysis.csv',
      'epochs.csv',
      'notes.txt',
      'report.html',
      'results.json',
      'runs.csv',
      'steps.csv',
    ]);
  });

  it('compare and train name the file in the way when --out runs through a regular file (ENOTDIR)', async () => {
    const file = join(work, 'file.txt');
    writeFileSync(file, 'not a folder');
    for (const command of [['compare', ...SMALL], ['train']]) {
      expectUserError(
        await run([...command, '--out', join(file, 'sub')]),
        `cannot write to --out ${join(file, 'sub')}: ${file} is a file, not a folder (ENOTDIR); choose a writable folder`,
        command[0]!,
      );
    }
    expectUserError(
      await run(['train', '--out', file]),
      `cannot write to --out ${file}: it is a file, not a folder; choose a writable folder`,
      'out is a file',
    );
  });

  it('train refuses a non-empty folder that holds no run', async () => {
    const out = join(work, 'train-full');
    mkdirSync(out);
    writeFileSync(join(out, 'data.csv'), 'x,y\n');
    expectUserError(
      await run(['train', '--out', out]),
      `--out ${out} already exists and is not empty (1 entry): choose another folder, or pass --overwrite to write into it`,
      'train non-empty',
    );
  });

  it('a train run that fails before its first step removes what it created', async () => {
    // A model config the models package rejects when the run builds it, after the run folder
    // and its log were created.
    const bad = ['train', '--model', 'mlp:hidden=-1', '--backend', 'cpu'];
    const fresh = join(work, 'never', 'run');
    const r = await run([...bad, '--out', fresh]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('hidden[0] must be an integer >= 1 (got -1)');
    expect(existsSync(join(work, 'never'))).toBe(false);
    // In a folder that was already there (empty), only the run's own files go.
    const empty = join(work, 'empty');
    mkdirSync(empty);
    expect((await run([...bad, '--out', empty])).code).not.toBe(0);
    expect(existsSync(empty)).toBe(true);
    expect(readdirSync(empty)).toEqual([]);
  });
});
