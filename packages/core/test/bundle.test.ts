/**
 * Bundlers tree-shake by package.json `sideEffects`: a module of core that registers something
 * must be listed there, or a bundled app silently loses the registration. These tests bundle the
 * BUILT package (dist/, as published; `pnpm build` first) the way an app would, with esbuild and
 * with Vite, and run each bundle in a fresh Node process, and as a browser app (the bundlers'
 * browser builds: `browser` fields, ES modules) in headless Chromium through tools/browser's
 * harness, where Chromium is installed.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
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
import {
  chromiumMissing,
  type LaunchedChromium,
  launchChromium,
  pageResult,
  serveStatic,
} from '@deltaclip/browser-harness';
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
  for (const entry of ENTRIES) {
    // A browser app around the entry: fetch the saved model, run, leave the result for the test.
    writeFileSync(
      join(dir, `page-${entry}`),
      `import { run } from './${entry}';\n` +
        `fetch('./saved.json').then((r) => r.json()).then(run).then(\n` +
        `  (result) => { window.__result = result; },\n` +
        `  (error) => { window.__result = { error: String(error && error.stack ? error.stack : error) }; },\n` +
        `);\n`,
    );
    writeFileSync(
      join(dir, `page-${entry.replace('.js', '.html')}`),
      `<!doctype html><html><head><meta charset="utf-8"><title>${entry}</title></head><body><script type="module" src="./page-${entry}"></script></body></html>\n`,
    );
  }
  return dir;
}

const ENTRIES = ['entry-bare.js', 'entry-named.js'] as const;

/** A browser build of `page-<entry>` by esbuild: one ES module and a page that loads it. */
async function browserBundleWithEsbuild(entry: string): Promise<string> {
  const outDir = join(project, 'out', `browser-esbuild-${entry.replace('.js', '')}`);
  mkdirSync(outDir, { recursive: true });
  await esbuild({
    entryPoints: [join(project, `page-${entry}`)],
    absWorkingDir: project,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: join(outDir, 'app.js'),
    logLevel: 'silent',
  });
  writeFileSync(
    join(outDir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="./app.js"></script></body></html>\n',
  );
  return outDir;
}

/** A Vite production build of the page (index.html plus hashed assets), as an app ships it. */
async function browserBundleWithVite(entry: string): Promise<string> {
  const outDir = join(project, 'out', `browser-vite-${entry.replace('.js', '')}`);
  await viteBuild({
    root: project,
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    base: './',
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      rollupOptions: { input: join(project, `page-${entry.replace('.js', '.html')}`) },
    },
  });
  copyFileSync(join(outDir, `page-${entry.replace('.js', '.html')}`), join(outDir, 'index.html'));
  return outDir;
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

let chromium: LaunchedChromium | undefined;

/** Serve a browser build with the saved model beside it and return what the page computed. */
async function runInChromium(outDir: string): Promise<Record<string, unknown>> {
  copyFileSync(savedPath, join(outDir, 'saved.json'));
  chromium ??= await launchChromium();
  const server = await serveStatic(outDir, { headers: {} });
  try {
    const { result } = await pageResult<Record<string, unknown>>(
      chromium,
      `${server.url}index.html`,
    );
    if (typeof result.error === 'string') throw new Error(`the page failed: ${result.error}`);
    return result;
  } finally {
    await server.close();
  }
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

afterAll(async () => {
  await chromium?.close();
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

const EXPECTED_TRANSFORM_CONFIG = {
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
};

const EXPECTED_FROM_NAME = {
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
};

type Runner = (entry: (typeof ENTRIES)[number]) => Promise<Record<string, unknown>>;

const RUNTIMES: readonly (readonly [string, string, Runner, boolean])[] = [
  ['esbuild', 'Node', async (e) => runBundle(await bundleWithEsbuild(e)), true],
  ['Vite', 'Node', async (e) => runBundle(await bundleWithVite(e)), true],
  [
    'esbuild',
    'Chromium',
    async (e) => runInChromium(await browserBundleWithEsbuild(e)),
    chromiumMissing() === undefined,
  ],
  [
    'Vite',
    'Chromium',
    async (e) => runInChromium(await browserBundleWithVite(e)),
    chromiumMissing() === undefined,
  ],
];

const missing = chromiumMissing();
if (missing !== undefined) console.warn(`core bundle tests in Chromium skipped: ${missing}`);

for (const [bundler, runtime, runEntry, runnable] of RUNTIMES) {
  describe.runIf(runnable)(`core bundled by ${bundler}, run in ${runtime}`, () => {
    it("`import '@deltaclip/core'` registers every class and reloads a saved model's optimizer", async () => {
      const result = await runEntry('entry-bare.js');
      expect(result.registered).toEqual(ALL_NAMES);
      expectReloaded(result.reloaded);
    }, 240_000);

    it('rebuilds any chain with TransformOptimizer.fromConfig and optimizers by className', async () => {
      const result = await runEntry('entry-named.js');
      expect(result.registered).toEqual(ALL_NAMES);
      expect(result.transformConfig).toEqual(EXPECTED_TRANSFORM_CONFIG);
      expect(result.fromName).toEqual(EXPECTED_FROM_NAME);
      expectReloaded(result.reloaded);
    }, 240_000);
  });
}
