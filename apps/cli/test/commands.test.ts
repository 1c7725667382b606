import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeIdx } from '@deltaclip/datasets/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';

const work = mkdtempSync(join(tmpdir(), 'deltaclip-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('deltaclip (built CLI as a real process)', () => {
  it('prints help for the program and every command', async () => {
    const main = await run(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['compare', 'train', 'analyze', 'reproduce', 'doctor', 'datasets']) {
      expect(main.stdout).toContain(command);
      const help = await run([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`deltaclip ${command}`);
      expect(help.stdout).toContain('Examples:');
      expect(help.stdout).toContain('--backend');
      expect(help.stdout).toContain('--json');
    }
  });

  it('answers user errors with one line and exit code 2, no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /^deltaclip: Unknown command 'frobnicate'\. Commands: compare, train/],
      [
        ['compare', '--epoch', '3'],
        /^deltaclip: Unknown option '--epoch'.*Run 'deltaclip compare --help'/,
      ],
      [
        ['compare', '--epochs', 'many'],
        /^deltaclip: --epochs must be an integer >= 1 \(got "many"\)/,
      ],
      [
        ['compare', '--optimizers', 'adamw:lr=1'],
        /^deltaclip: --optimizers: Unknown optimizer 'adamw'/,
      ],
      [
        ['compare', '--dataset', 'mnist'],
        /^deltaclip: Could not find the mnist files\. Missing:\n {2}- training images: 'train-images-idx3-ubyte\.gz'/,
      ],
      [
        ['train', '--backend', 'tpu'],
        /^deltaclip: --backend must be one of auto, cpu, wasm, node, node-gpu \(got "tpu"\)/,
      ],
      [['train', '--backend', 'node-gpu', '--epochs', '1'], /^deltaclip: .*tfjs-node-gpu/],
      [
        ['reproduce', 'resnet-cifar10'],
        /^deltaclip: Could not find the cifar-10 files\. Missing:[\s\S]*Looked in: '\/usr\/share\/datasets\/cifar-10'/,
      ],
      [
        ['reproduce', 'vae-fashion-mnist', '--data-dir', work],
        /^deltaclip: Could not find the fashion-mnist files\. Missing:\n {2}- training images: 'train-images-idx3-ubyte\.gz'/,
      ],
      [
        ['train', '--resume', join(work, 'nothing-here')],
        /^deltaclip: No checkpoint at .*nothing-here: the path does not exist/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('doctor reports cpu and wasm as available, node and node-gpu with reasons (--json)', async () => {
    const r = await run(['doctor', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { backends: { name: string; available: boolean }[] };
    const byName = Object.fromEntries(report.backends.map((b) => [b.name, b.available]));
    expect(byName).toMatchObject({ cpu: true, wasm: true, node: false, 'node-gpu': false });
  });

  it('lists and inspects datasets', async () => {
    const list = await run(['datasets']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/cars\s+bundled\s+regression/);
    const cars = await run(['datasets', 'cars', '--json']);
    const info = JSON.parse(cars.stdout) as {
      splits: Record<string, number>;
      featureShape: number[];
    };
    expect(info.featureShape).toEqual([6]);
    expect(info.splits.train! + info.splits.validation! + info.splits.test!).toBe(392);
  });

  it('compare: races optimizers in worker processes and writes the report folder', async () => {
    const out = join(work, 'cmp');
    const r = await run([
      'compare',
      '--epochs',
      '40',
      '--analysis-every',
      '20',
      '--optimizers',
      'sgd:lr=1;delta-gclip:lr=2,gamma=0.1,delta=0.2',
      '--workers',
      '2',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      runs: {
        label: string;
        steps: number;
        finalTrainLoss: number;
        regimeCounts: Record<string, number>;
      }[];
      settings: { workers: number };
    };
    expect(result.settings.workers).toBe(2);
    expect(result.runs.map((x) => x.label)).toEqual([
      'SGD (eta 1)',
      'δ-GClip (eta 2, gamma 0.1, delta 0.2)',
    ]);
    for (const x of result.runs) {
      expect(x.steps).toBe(40);
      expect(x.finalTrainLoss).toBeLessThan(0.2);
    }
    expect(result.runs[1]!.regimeCounts.floored).toBeGreaterThan(0);
    for (const f of ['results.json', 'steps.csv', 'epochs.csv', 'analysis.csv', 'report.html']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]+src=/); // everything inline: viewable offline
    expect(readFileSync(join(out, 'steps.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 80);
  });

  it('takes options from a --config file, flags winning', async () => {
    const config = join(work, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ epochs: 5, optimizers: 'sgd:lr=1', 'analysis-every': 0, workers: 1 }),
    );
    const r = await run([
      'compare',
      '--config',
      config,
      '--epochs',
      '3',
      '--out',
      join(work, 'cfg'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { runs: { steps: number }[] };
    expect(result.runs.map((x) => x.steps)).toEqual([3]);
    writeFileSync(config, JSON.stringify({ epoch: 5 }));
    const bad = await run(['compare', '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--config ${config}: unknown option 'epoch'`);
  });

  it('reproduce theory: geometric loss decay for δ-GClip with the certificate holding', async () => {
    const out = join(work, 'theory');
    const r = await run(['reproduce', 'theory', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /δ-GClip \(eta [\d.]+, gamma [\d.]+, delta 0\.5\): convergence certificate HOLDS/,
    );
    for (const check of [
      'eta-below-inverse-beta',
      'step-sizes-in-range',
      'loss-below-envelope',
      'iterates-in-ball',
      'pl-star-along-run',
    ]) {
      expect(r.stdout).toContain(`[held] ${check}`);
    }
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      runs: {
        spec: { optimizer: { className: string } };
        history: { steps: { step: number; loss: number }[] };
      }[];
    };
    const dg = results.runs.find((x) => x.spec.optimizer.className === 'deltaclip.DeltaGClip')!;
    const losses = dg.history.steps.map((s) => s.loss);
    // Geometric: every 50 steps the loss shrinks by a factor, and the log-loss falls ~linearly.
    for (let t = 50; t < losses.length; t += 50)
      expect(losses[t]!).toBeLessThan(0.8 * losses[t - 50]!);
    expect(losses.at(-1)! / losses[0]!).toBeLessThan(0.02);
  });

  it("reproduce vae-fashion-mnist runs the paper's four optimizers on Fashion-MNIST files from --data-dir", async () => {
    const dir = join(work, 'fashion');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    for (const [name, n] of [
      ['train', 300],
      ['t10k', 100],
    ] as const) {
      const pixels = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 37) % 256);
      writeFileSync(
        join(dir, `${name}-images-idx3-ubyte`),
        encodeIdx('uint8', [n, 28, 28], pixels),
      );
      writeFileSync(
        join(dir, `${name}-labels-idx1-ubyte`),
        encodeIdx(
          'uint8',
          [n],
          Uint8Array.from({ length: n }, (_, i) => i % 10),
        ),
      );
    }
    const r = await run([
      'reproduce',
      'vae-fashion-mnist',
      '--data-dir',
      dir,
      '--epochs',
      '1',
      '--out',
      join(work, 'vae'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      runs: { label: string; steps: number; finalTestLoss: number }[];
    };
    expect(result.runs.map((x) => x.label)).toEqual([
      'Adam (eta 0.001)',
      'SGD (eta 0.0001)',
      'GClip (eta 0.001, gamma 200)',
      'δ-GClip (eta 0.001, gamma 200, delta 0.1)',
    ]);
    for (const x of result.runs) {
      expect(x.steps).toBe(3); // 300 images, batches of 100
      expect(Number.isFinite(x.finalTestLoss)).toBe(true);
    }
  });

  it('analyze: PL* picture at a checkpoint, with the certificate of the run that wrote it', async () => {
    const dir = join(work, 'analyzed');
    const trained = await run([
      'train',
      '--epochs',
      '20',
      '--analysis-every',
      '5',
      '--optimizer',
      'delta-gclip:lr=2,gamma=0.1,delta=0.2',
      '--backend',
      'cpu',
      '--out',
      dir,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const r = await run([
      'analyze',
      '--checkpoint',
      dir,
      '--kernel-samples',
      '16',
      '--hessian-iterations',
      '3',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      position: { step: number };
      record: {
        loss: number;
        mu: number;
        kernel: { samples: number; lambdaMin: number };
        hessian: { beta: number };
        distanceFromInit: number;
      };
      insights: string[];
    };
    expect(result.position.step).toBe(20);
    expect(result.record.mu).toBeGreaterThan(0);
    expect(result.record.kernel.samples).toBe(16);
    expect(result.record.kernel.lambdaMin).toBeGreaterThan(0);
    expect(result.record.hessian.beta).toBeGreaterThan(0);
    expect(result.record.distanceFromInit).toBeGreaterThan(0);
    expect(result.insights[0]).toMatch(
      /^δ-GClip \(eta 2, gamma 0\.1, delta 0\.2\): convergence certificate (HOLDS|is VIOLATED)$/,
    );
    const bad = await run(['analyze', '--checkpoint', dir, '--model', 'mlp:hidden=8']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'deltaclip: --model does not apply with --checkpoint (the checkpoint fixes the data, model and loss)\n',
    );
  });
});
