/**
 * Bundlers tree-shake by package.json `sideEffects`: a module of core that registers something
 * must be listed there, or a bundled app silently loses the registration. These tests bundle the
 * BUILT package (dist/, as published; `pnpm build` first) the way an app would, with esbuild and
 * with Vite, and run each bundle in a fresh Node process.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deltaGClip } from '../src/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CORE = resolve(HERE, '..');
const FIXTURES = join(HERE, 'bundle');
const require = createRequire(join(CORE, 'package.json'));

let project: string;
let savedPath: string;
let savedConfig: Record<string, unknown>;

/** The folder of an installed package as core resolves it (so app and core share one copy). */
function packageDir(name: string): string {
  return realpathSync(dirname(require.resolve(`${name}/package.json`)));
}

/** A blank app whose node_modules links the built core and the tfjs packages it uses. */
function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deltaclip-bundle-'));
  const links: Record<string, string> = {
    '@deltaclip/core': CORE,
    '@tensorflow/tfjs-core': packageDir('@tensorflow/tfjs-core'),
    '@tensorflow/tfjs-backend-cpu': packageDir('@tensorflow/tfjs-backend-cpu'),
    '@tensorflow/tfjs-layers': packageDir('@tensorflow/tfjs-layers'),
  };
  for (const [name, target] of Object.entries(links)) {
    mkdirSync(join(dir, 'node_modules', dirname(name)), { recursive: true });
    symlinkSync(target, join(dir, 'node_modules', name), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), '{ "name": "app", "private": true, "type": "module" }');
  for (const file of ['entry-bare.js', 'entry-named.js', 'registered.js']) {
    symlinkSync(join(FIXTURES, file), join(dir, file));
  }
  return dir;
}

async function bundleWithEsbuild(entry: string): Promise<string> {
  const outfile = join(project, 'out', `esbuild-${entry.replace('.js', '.cjs')}`);
  await esbuild({
    entryPoints: [join(project, entry)],
    absWorkingDir: project,
    bundle: true,
    // For Node: tfjs-core's platform code requires 'util', which a browser bundle stubs out.
    // mainFields keep the per-file ESM builds, where `sideEffects` decides what stays.
    format: 'cjs',
    platform: 'node',
    mainFields: ['module', 'main'],
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

async function bundleWithVite(entry: string): Promise<string> {
  const outDir = join(project, 'out', `vite-${entry.replace('.js', '')}`);
  await viteBuild({
    root: project,
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    // A server (Node) build that bundles every dependency, as an app would ship it.
    ssr: { noExternal: true },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      ssr: join(project, entry),
      rollupOptions: { output: { entryFileNames: 'bundle.js' } },
    },
  });
  return join(outDir, 'bundle.js');
}

function runBundle(bundle: string): Record<string, unknown> {
  const result = spawnSync(
    process.execPath,
    [join(FIXTURES, 'run-bundle.mjs'), bundle, savedPath],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(`bundle ${bundle} failed (exit ${result.status}):\n${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

beforeAll(async () => {
  if (!existsSync(join(CORE, 'dist', 'index.js'))) {
    throw new Error(
      'bundle tests bundle the built package: run `pnpm build` in packages/core first',
    );
  }
  project = makeProject();
  // A model trained a little with δ-GClip and saved with its optimizer, as JSON.
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones' }));
  const optimizer = deltaGClip({ learningRate: 0.05, gamma: 0.5, delta: 0.02 });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const x = tf.tensor2d([1, 2, 3, -1, 0, 2], [2, 3]);
  const y = tf.tensor2d([0, 1, 1, 0], [2, 2]);
  await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
  savedConfig = optimizer.getConfig() as Record<string, unknown>;
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  savedPath = join(project, 'saved.json');
  writeFileSync(
    savedPath,
    JSON.stringify({
      ...saved,
      weightData: Array.from(new Uint8Array(saved!.weightData as ArrayBuffer)),
    }),
  );
  tf.dispose([x, y]);
  model.dispose();
}, 120_000);

afterAll(() => {
  if (project !== undefined) rmSync(project, { recursive: true, force: true });
});

const ALL_NAMES = [
  'deltaclip.Transform',
  'deltaclip.DeltaGClip',
  'deltaclip.GClip',
  'deltaclip.DeltaGClipPerTensor',
  'deltaclip.SGD',
  'deltaclip.Momentum',
  'deltaclip.Adam',
  'DeltaGClip',
  'DeltaClipAdam',
];

function expectReloaded(reloaded: unknown): void {
  expect(reloaded).toEqual({
    className: 'deltaclip.DeltaGClip',
    config: savedConfig,
    iterations: 3,
    optimizerWeights: ['iter', 'deltaclip/state/skipped', 'deltaclip/telemetry/regimeCounts'],
  });
}

for (const [bundler, bundle] of [
  ['esbuild', bundleWithEsbuild],
  ['Vite', bundleWithVite],
] as const) {
  describe(`core bundled by ${bundler}, run in Node`, () => {
    it("`import '@deltaclip/core'` registers every class and reloads a saved model's optimizer", async () => {
      const result = runBundle(await bundle('entry-bare.js'));
      expect(result.registered).toEqual(ALL_NAMES);
      expectReloaded(result.reloaded);
    });

    it('rebuilds any chain with TransformOptimizer.fromConfig and optimizers by className', async () => {
      const result = runBundle(await bundle('entry-named.js'));
      expect(result.registered).toEqual(ALL_NAMES);
      expect(result.transformConfig).toEqual({
        transform: {
          kind: 'applyIfFinite',
          mode: 'skip',
          inner: {
            kind: 'chain',
            transforms: [
              { kind: 'deltaGClipScale', gamma: 1, delta: 0.1 },
              {
                kind: 'scaleByLearningRate',
                learningRate: 0.5,
                schedule: { kind: 'constant', value: 1 },
              },
            ],
          },
        },
      });
      expect(result.fromName).toEqual({
        className: 'deltaclip.DeltaGClip',
        config: {
          learningRate: 0.1,
          gamma: 2,
          delta: 0.01,
          weightDecay: 0,
          decoupledWeightDecay: false,
          nonFinite: 'skip',
          schedule: null,
        },
      });
      expectReloaded(result.reloaded);
    });
  });
}
