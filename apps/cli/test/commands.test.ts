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
      '--seeds',
      '1',
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
      '--seeds',
      '1',
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

  it('reproduce theory --json: δ-GClip informative with mu from the kernel on every sample, tightness >= 0.25, the floor binding', async () => {
    const out = join(work, 'theory');
    const r = await run(['reproduce', 'theory', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      settings: { variant: string; deviations: string[] };
      runs: {
        label: string;
        optimizer: { className: string };
        steps: number;
        regimeCounts: Record<string, number>;
        certificate: {
          covered: boolean;
          verdict: string;
          muSource: string | null;
          mu: number;
          tightness: number | null;
          radius: number | null;
          maxDistance: number | null;
          checks?: { name: string; held: boolean }[];
        };
      }[];
    };
    expect(result.settings.variant).toBe('laptop');
    expect(result.settings.deviations.join('\n')).toContain('The paper has no such experiment');
    const byClass = (c: string) => result.runs.find((x) => x.optimizer.className === c)!;
    const dg = byClass('deltaclip.DeltaGClip');
    expect(dg.certificate.verdict).toBe('informative');
    expect(dg.certificate.muSource).toBe('kernel-full');
    expect(dg.certificate.tightness!).toBeGreaterThanOrEqual(0.25);
    // Tightness is a ratio of logs of loss ratios: it can never exceed 1 on a holding certificate.
    expect(dg.certificate.tightness!).toBeLessThanOrEqual(1);
    expect(dg.certificate.maxDistance!).toBeGreaterThan(0);
    expect(dg.certificate.radius! / dg.certificate.maxDistance!).toBeLessThanOrEqual(100);
    expect(dg.certificate.checks!.every((c) => c.held)).toBe(true);
    expect(dg.regimeCounts.floored).toBeGreaterThan(0);
    // Gradient descent is covered by the same argument; GClip (no floor) is explained, not graded.
    expect(byClass('deltaclip.SGD').certificate.covered).toBe(true);
    expect(byClass('deltaclip.SGD').certificate.muSource).toBe('kernel-full');
    const gclip = byClass('deltaclip.GClip').certificate;
    expect(gclip.verdict).toBe('not-covered');
    expect(gclip.muSource).toBe('kernel-full');
    const saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      runs: {
        spec: { optimizer: { className: string } };
        history: { steps: { step: number; loss: number; regime?: string }[] };
      }[];
    };
    const steps = saved.runs.find((x) => x.spec.optimizer.className === 'deltaclip.DeltaGClip')!
      .history.steps;
    // The floor binds early: every floored step lies in the first tenth of the run.
    const floored = steps.filter((s) => s.regime === 'floored').map((s) => s.step);
    expect(floored.length).toBe(dg.regimeCounts.floored);
    expect(Math.max(...floored)).toBeLessThan(steps.length / 10);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Convergence certificates');
    expect(html).toContain('informative');
    // GClip is not covered: its card says why, with no constants (there is no certificate).
    expect(html).toMatch(
      /GClip \(eta [^<]*<span class="verdict"[^>]*>not-covered<\/span><\/h3><p>The convergence argument does not cover this optimizer: /,
    );
  });

  it('compare --json as the main job (fewer steps): every run certified or explained, 3 seeds with mean and std', async () => {
    const out = join(work, 'main');
    const r = await run([
      'compare',
      '--epochs',
      '40',
      '--analysis-every',
      '40',
      '--json',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      settings: { seeds: number[]; kernelChoice: string };
      winner: string;
      aggregates: {
        label: string;
        trainLoss: number[];
        trainMean: number;
        trainStd: number;
        verdicts: string[];
      }[];
      runs: {
        label: string;
        finalTrainLoss: number;
        certificate: { verdict: string; muSource: string | null; covered: boolean } | null;
      }[];
    };
    expect(result.settings.seeds).toEqual([0, 1, 2]);
    expect(result.settings.kernelChoice).toMatch(
      /^tangent kernel on all 314 samples \(kernel-full/,
    );
    expect(result.runs).toHaveLength(12);
    for (const x of result.runs) {
      expect(x.certificate, x.label).not.toBeNull();
      expect(['informative', 'vacuous', 'fails', 'not-covered']).toContain(x.certificate!.verdict);
      expect(x.certificate!.muSource).toBe('kernel-full');
    }
    const covered = result.runs.filter((x) => x.certificate!.covered).map((x) => x.label);
    expect(covered.filter((l) => l.startsWith('SGD'))).toHaveLength(3);
    expect(covered.filter((l) => l.startsWith('δ-GClip'))).toHaveLength(3);
    expect(result.aggregates.map((a) => a.label)).toEqual([
      'SGD (eta 2)',
      'Adam (eta 0.01)',
      'GClip (eta 2, gamma 0.1)',
      'δ-GClip (eta 2, gamma 0.1, delta 0.2)',
    ]);
    result.aggregates.forEach((a, o) => {
      // Mean and sample std recomputed here from the runs, independently of the aggregate.
      const xs = [0, 1, 2].map((s) => result.runs[o * 3 + s]!.finalTrainLoss);
      expect(a.trainLoss).toEqual(xs);
      const m = xs.reduce((p, v) => p + v, 0) / 3;
      expect(a.trainMean).toBeCloseTo(m, 12);
      expect(a.trainStd).toBeCloseTo(Math.sqrt(xs.reduce((p, v) => p + (v - m) ** 2, 0) / 2), 12);
      expect(a.trainStd).toBeGreaterThan(0);
      expect(a.verdicts).toHaveLength(3);
    });
    expect(result.winner).toMatch(/ best on final train loss \(| no clear winner/);
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
      /^δ-GClip \(eta 2, gamma 0\.1, delta 0\.2\): certificate (informative|vacuous|fails) \(mu source (kernel-full|kernel-subset|trajectory)\): guarantees(, with an optimistic mu \([^)]*\),)? L <= /,
    );
    const bad = await run(['analyze', '--checkpoint', dir, '--model', 'mlp:hidden=8']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'deltaclip: --model does not apply with --checkpoint (the checkpoint fixes the data, model and loss)\n',
    );
  });
});
