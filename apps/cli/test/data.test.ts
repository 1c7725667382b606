/**
 * Your own data, classification, mismatches, divergence and real Fashion-MNIST, through the built
 * CLI as real processes. Models are kept small so the suite fits a 2-core machine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';

const work = mkdtempSync(join(tmpdir(), 'deltaclip-cli-data-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SMALL = ['--model', 'mlp:hidden=128,parameterization=ntk'];
const SPECIES = ['setosa', 'versicolor', 'virginica'];

/** A tiny deterministic generator (the test's own, independent of the code under test). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** 150 rows, 3 well-separated classes with a string label, an id column and a categorical one. */
function writeFlowers(path: string): void {
  const rand = lcg(7);
  const rows = ['id,petal,sepal,colour,species'];
  for (let i = 0; i < 150; i++) {
    const k = i % 3;
    const petal = (k * 3 + (rand() - 0.5)).toFixed(3);
    const sepal = (6 - k * 2 + (rand() - 0.5)).toFixed(3);
    rows.push(`${i},${petal},${sepal},${rand() < 0.5 ? 'red' : 'blue'},${SPECIES[k]}`);
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
}

/** 120 rows: price = 3 size + 10 rooms (+ small noise), a categorical zone, price not last. */
function writeHouses(path: string): void {
  const rand = lcg(11);
  const rows = ['size,rooms,price,zone'];
  for (let i = 0; i < 120; i++) {
    const size = 40 + 160 * rand();
    const rooms = 1 + Math.floor(6 * rand());
    const price = 3 * size + 10 * rooms + (rand() - 0.5);
    rows.push(`${size.toFixed(1)},${rooms},${price.toFixed(2)},${rand() < 0.5 ? 'a' : 'b'}`);
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
}

const flowers = join(work, 'flowers.csv');
const houses = join(work, 'houses.csv');
writeFlowers(flowers);
writeHouses(houses);

interface Summary {
  label: string;
  finalTrainLoss: number | null;
  bestTrainLoss: number | null;
  finalTestAccuracy: number | null;
  diverged: { step: number; loss: string } | null;
  plstar: { lossConvention: string; kernelSkipped: string | null } | null;
}

describe('deltaclip with your own data and classification (built CLI)', () => {
  it("compare --dataset penguins with the README's settings runs, classification defaults, PL* under cross-entropy", async () => {
    const out = join(work, 'penguins');
    // The README's example (--batch-size 32), fewer epochs to keep CI short.
    const r = await run([
      'compare',
      '--seeds',
      '1',
      '--dataset',
      'penguins',
      '--batch-size',
      '32',
      '--epochs',
      '3',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const table = r.stdout.split('\n');
    expect(table[1]).toMatch(/^optimizer\s+final train loss\s+best train loss.*test accuracy/);
    for (const label of [
      'SGD (eta 2)',
      'Adam (eta 0.01)',
      'GClip (eta 2, gamma 0.1)',
      'δ-GClip (eta 2, gamma 0.1, delta 0.5)',
    ]) {
      expect(table.some((l) => l.startsWith(label))).toBe(true);
    }
    expect(r.stdout).toContain(
      'PL* along the runs, mu_t = ||grad L||^2 / 2L measured under the loss: softmax cross-entropy',
    );
    // The kernel bound does not apply to cross-entropy: one line says why, once for all runs.
    expect(r.stdout.match(/tangent-kernel bound skipped/g)).toHaveLength(1);
    expect(r.stdout).toContain('softmax cross-entropy is not a square loss');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      settings: { loss: { kind: string } };
      runs: { summary: Summary; history: { analysis: { kernel: unknown; step: number }[] } }[];
    };
    expect(results.settings.loss.kind).toBe('cross-entropy');
    for (const run of results.runs) {
      // 27 steps; by default the analysis runs every ceil(27 / 2) = 14 steps: at steps 0 and 14.
      expect(run.history.analysis.map((a) => a.step)).toEqual([0, 14]);
      expect(run.history.analysis.every((a) => a.kernel === null)).toBe(true);
      expect(run.summary.plstar?.lossConvention).toBe('softmax cross-entropy');
    }
    // Penguins species are nearly separable: three epochs of SGD must classify most of the test set.
    const sgd = results.runs.find((x) => x.summary.label === 'SGD (eta 2)')!.summary;
    expect(sgd.finalTestAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('train and analyze on a user CSV with a string label: the data line, --drop, accuracy, PL* at the checkpoint', async () => {
    const out = join(work, 'flowers-run');
    const r = await run([
      'train',
      '--data',
      flowers,
      '--drop',
      'id',
      ...SMALL,
      '--epochs',
      '5',
      '--batch-size',
      '16',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      summary: Summary;
      history: { epochs: { train: { loss: number } }[] };
    };
    // 150 rows, 10% validation and 10% test by default; id dropped; species the last column.
    expect(result.summary.label).toBe('δ-GClip (eta 2, gamma 0.1, delta 0.5)');
    expect(result.summary.finalTestAccuracy).toBeGreaterThanOrEqual(0.9);
    const losses = result.history.epochs.map((e) => e.train.loss);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);

    const text = await run([
      'train',
      '--data',
      flowers,
      '--drop',
      'id',
      '--epochs',
      '1',
      ...SMALL,
      '--out',
      join(work, 'flowers-text'),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr.split('\n')[0]).toBe(
      "data: flowers.csv — classification of 'species' (3 classes, inferred from the target; --task overrides), 120 train / 15 validation / 15 test rows, features: petal, sepal, colour",
    );
    expect(text.stderr).toContain('  dropped columns: id');

    const a = await run(['analyze', '--checkpoint', out, '--hessian-iterations', '3']);
    expect(a.code, a.stderr).toBe(0);
    const lines = a.stdout.split('\n');
    expect(lines[0]).toMatch(/^Checkpoint .*step-0+40 \(step 40\)$/);
    expect(lines[1]).toMatch(
      /^loss L \(softmax cross-entropy\) = [\d.e-]+ {3}\|\|grad L\|\|\^2 = /,
    );
    expect(lines.filter((l) => l.startsWith('tangent-kernel bound skipped'))).toHaveLength(1);
    expect(a.stdout).not.toContain('implied PL* constant');

    const init = await run([
      'analyze',
      '--data',
      flowers,
      '--drop',
      'id',
      ...SMALL,
      '--hessian-iterations',
      '0',
    ]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain("data: flowers.csv — classification of 'species'");
    expect(init.stdout.split('\n')[0]).toBe('At initialization');
    // The printed numbers agree with each other: mu = ||grad L||^2 / (2 L).
    const [, l, g2] = /= ([\d.e+-]+) {3}\|\|grad L\|\|\^2 = ([\d.e+-]+)/
      .exec(init.stdout)!
      .map(Number);
    const mu = Number(
      /PL\* ratio mu = \|\|grad L\|\|\^2 \/ 2L = ([\d.e+-]+)/.exec(init.stdout)![1],
    );
    expect(l).toBeGreaterThan(0);
    expect(Math.abs(mu - g2! / (2 * l!)) / mu).toBeLessThan(1e-3);
  });

  it('compare on a user CSV: classification inferred, the same data for every optimizer', async () => {
    const out = join(work, 'flowers-compare');
    const r = await run([
      'compare',
      '--seeds',
      '1',
      '--data',
      flowers,
      '--drop',
      'id',
      ...SMALL,
      '--optimizers',
      'sgd:lr=2;delta-gclip:lr=2,gamma=0.1,delta=0.5',
      '--batch-size',
      '16',
      '--epochs',
      '3',
      '--analysis-every',
      '0',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as {
      settings: { dataset: Record<string, unknown>; data: { task: string; classes: string[] } };
      runs: Summary[];
    };
    expect(json.settings.dataset).toEqual({ name: 'flowers.csv', file: flowers, drop: ['id'] });
    expect(json.settings.data.task).toBe('classification');
    expect(json.settings.data.classes).toEqual(SPECIES);
    expect(json.runs).toHaveLength(2);
    for (const s of json.runs) expect(s.finalTestAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('a regression CSV with --target (not the last column): task inferred, model sized from the features', async () => {
    const out = join(work, 'houses-run');
    const r = await run([
      'train',
      '--data',
      houses,
      '--target',
      'price',
      ...SMALL,
      '--optimizer',
      'sgd:lr=0.5',
      '--epochs',
      '30',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as {
      summary: Summary;
      history: { epochs: { train: { loss: number }; test?: { accuracy?: number } }[] };
    };
    const spec = JSON.parse(readFileSync(join(out, 'run.jsonl'), 'utf8').split('\n')[0]!) as {
      spec?: { task: { model: { inputSize: number; outputSize: number }; loss: unknown } };
    };
    // size, rooms (numeric) + zone one-hot (a, b): 4 inputs; one numeric target.
    expect(spec.spec?.task.model).toMatchObject({ inputSize: 4, outputSize: 1 });
    expect(spec.spec?.task.loss).toEqual({ kind: 'square', reduction: 'mean', half: true });
    const losses = json.history.epochs.map((e) => e.train.loss);
    // price is linear in the features: full-batch GD on the standardized target must fit it well.
    expect(losses.at(-1)!).toBeLessThan(0.1 * losses[0]!);
    expect(json.history.epochs.every((e) => e.test?.accuracy === undefined)).toBe(true);

    const text = await run(['datasets', '--data', houses, '--target', 'price']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        `${houses} (csv file, regression of 'price', inferred from the target; --task overrides)`,
        'splits: train 96, validation 12, test 12',
        'features: shape [4] — size, rooms, zone',
        "target: 'price' (numeric)",
      ]),
    );
    const forced = await run([
      'datasets',
      '--data',
      houses,
      '--target',
      'rooms',
      '--task',
      'classification',
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout.split('\n')[0]).toBe(
      `${houses} (csv file, classification of 'rooms', set by --task)`,
    );
    expect(forced.stdout).toMatch(/^target: 6 classes — 1, 2, 3, 4, 5, 6$/m);
  });

  it('datasets --data and --drop: described like a catalog entry; a dropped column is gone', async () => {
    const r = await run(['datasets', '--data', flowers, '--drop', 'id,colour']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      `${flowers} (csv file, classification of 'species', inferred from the target; --task overrides)`,
    );
    expect(lines).toContain('features: shape [2] — petal, sepal');
    expect(lines).toContain('target: 3 classes — setosa, versicolor, virginica');
    expect(lines).toContain('dropped: id, colour');
    const json = await run(['datasets', '--data', flowers, '--json']);
    const d = JSON.parse(json.stdout) as { features: string[]; rows: number; target: string };
    expect(d).toMatchObject({ rows: 150, target: 'species' });
    // Without --drop the id is a numeric feature like any other.
    expect(d.features).toEqual(['id', 'petal', 'sepal', 'colour']);
  });

  it('bad data options and loss/task mismatches are one-line user errors before any run', async () => {
    const cases: [string[], string][] = [
      [
        ['train', '--loss', 'cross-entropy', '--epochs', '1', '--out', join(work, 'mm1')],
        "deltaclip: loss 'cross-entropy' needs class labels, but dataset 'cars' has a regression target: use a square loss\n",
      ],
      [
        [
          'train',
          '--data',
          houses,
          '--target',
          'price',
          '--loss',
          'cross-entropy',
          '--out',
          join(work, 'mm2'),
        ],
        "deltaclip: loss 'cross-entropy' needs class labels, but dataset 'houses.csv' has a regression target: use a square loss\n",
      ],
      [
        ['compare', '--data', flowers, '--dataset', 'cars'],
        `deltaclip: --dataset and --data both name the data (got --dataset cars and --data ${flowers}): pass one of them\n`,
      ],
      [
        ['train', '--data', flowers, '--drop', 'nosuch'],
        `deltaclip: drop column 'nosuch' is not in ${flowers}; columns: 'id', 'petal', 'sepal', 'colour', 'species'\n`,
      ],
      [
        ['analyze', '--target', 'price'],
        'deltaclip: --target applies to your own file (--data <path>), not to a catalog dataset\n',
      ],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      // The last stderr line is the error, and it is the only line that is one.
      expect(r.stderr.endsWith(message), r.stderr).toBe(true);
      expect(r.stderr.match(/deltaclip:/g)).toHaveLength(1);
    }
    expect(existsSync(join(work, 'mm1'))).toBe(false);
    expect(existsSync(join(work, 'mm2'))).toBe(false);
  });

  it('a diverging run is reported as diverged at its first non-finite step, never by its last finite loss', async () => {
    const out = join(work, 'diverge');
    const args = ['--model', 'mlp:hidden=64', '--epochs', '30', '--analysis-every', '0'];
    const r = await run([
      'train',
      ...args,
      '--optimizer',
      'sgd:lr=1e6,nonFinite=apply',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as {
      summary: Summary;
      history: {
        steps: { step: number; loss: number | null }[];
        epochs: { step: number; train: { loss: number | null } }[];
      };
    };
    // JSON writes NaN/Infinity as null. The loss of w_k is seen by step k's record or, after the
    // last update of an epoch, by that epoch's evaluation: the first non-finite one is the divergence.
    const losses = [
      ...json.history.steps.map((s) => ({ step: s.step, loss: s.loss })),
      ...json.history.epochs.map((e) => ({ step: e.step, loss: e.train.loss })),
    ].sort((a, b) => a.step - b.step);
    const firstBad = losses.find((s) => s.loss === null || !Number.isFinite(s.loss));
    expect(firstBad).toBeDefined();
    expect(json.summary.diverged?.step).toBe(firstBad!.step);
    expect(['NaN', 'Infinity', '-Infinity']).toContain(json.summary.diverged?.loss);
    expect(json.summary.finalTrainLoss).toBeNull();

    const c = await run([
      'compare',
      '--seeds',
      '1',
      ...args,
      '--optimizers',
      'sgd:lr=1e6,nonFinite=apply;sgd:lr=0.01',
      '--out',
      join(work, 'diverge-compare'),
    ]);
    expect(c.code, c.stderr).toBe(0);
    const row = c.stdout.split('\n').find((l) => l.startsWith('SGD (eta 1000000)'))!;
    expect(row).toMatch(
      new RegExp(
        `^SGD \\(eta 1000000\\)\\s+diverged at step ${firstBad!.step} \\(loss ${json.summary.diverged!.loss}\\)\\s`,
      ),
    );
    const calm = c.stdout.split('\n').find((l) => l.startsWith('SGD (eta 0.01)'))!;
    expect(calm).not.toContain('diverged');
    expect(c.stdout).toContain(
      `SGD (eta 1000000): diverged at step ${firstBad!.step} (loss ${json.summary.diverged!.loss}); the run stopped there`,
    );
  });
});

describe('real Fashion-MNIST from the search path (Debian dataset-fashion-mnist)', () => {
  // scripts/test-setup.sh installs the package before `pnpm test`.
  const SYSTEM = '/usr/share/datasets/fashion-mnist';

  it('datasets fashion-mnist finds the files without flags; --data-dir still wins', async () => {
    const r = await run(['datasets', 'fashion-mnist'], undefined, { DELTACLIP_DATA_DIR: '' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('splits: train 54000, validation 6000, test 10000');
    expect(r.stdout).toContain('target: 10 classes — T-shirt/top, Trouser, Pullover');
    const empty = mkdtempSync(join(work, 'empty-'));
    const wins = await run(['datasets', 'fashion-mnist', '--data-dir', empty]);
    expect(wins.code).toBe(2);
    expect(wins.stderr).toMatch(/^deltaclip: Could not find the fashion-mnist files\. Missing:/);
    expect(wins.stderr).toContain(`Looked in: '${empty}'`);
    expect(wins.stderr).not.toContain(SYSTEM);
  });

  it("reproduce vae-fashion-mnist trains the paper's VAE on the real images: its test loss falls", async () => {
    const out = join(work, 'vae');
    const r = await run(
      [
        'reproduce',
        'vae-fashion-mnist',
        '--optimizers',
        'adam:lr=1e-3',
        '--limit-train',
        '2000',
        '--limit-test',
        '500',
        '--epochs',
        '10',
        '--batch-size',
        '100',
        '--out',
        out,
      ],
      undefined,
      { DELTACLIP_DATA_DIR: '' },
    );
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      settings: { dataset: Record<string, unknown>; model: Record<string, unknown> };
      runs: {
        spec: { task: { model: Record<string, unknown> } };
        history: { steps: unknown[]; epochs: { epoch: number; test: { loss: number } }[] };
      }[];
    };
    expect(results.settings.dataset).toEqual({
      name: 'fashion-mnist',
      limit: { train: 2000, test: 500 },
    });
    const run0 = results.runs[0]!;
    expect(run0.spec.task.model).toMatchObject({ kind: 'vae', preset: 'vae-paper' });
    expect(run0.history.steps).toHaveLength(200);
    const test = run0.history.epochs.map((e) => e.test.loss);
    // Summed BCE/MSE + KL per image starts above 100; 200 Adam steps cut it by more than a third,
    // far beyond the few-percent wobble between evaluations of one model.
    expect(test.length).toBeGreaterThanOrEqual(10);
    expect(test.at(-1)!).toBeLessThan(0.67 * test[0]!);
  });
});
