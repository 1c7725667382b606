import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOAT32_MLP_TOLERANCE } from '@deltaclip/backend/testing';
import {
  chromiumMissing,
  ISOLATION_HEADERS,
  type LaunchedChromium,
  launchChromium,
  pageResult,
  type StaticServer,
  serveStatic,
} from '@deltaclip/browser-harness';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built package in headless Chromium, bundled by Vite like an application: the .wasm files
 * must be found without setWasmPaths, the variant must follow the page's cross-origin isolation,
 * and the reference models must train like on cpu. Runs where Chromium is installed
 * (`apt-get install chromium`, or CHROMIUM_PATH).
 */
const page = fileURLToPath(new URL('./browser/', import.meta.url));

interface PageResult {
  error?: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  gflops: number;
  availability: { available: boolean; summary: string };
  info: { name: string; variant: string; threads: number; simd: boolean };
  tfBackendAfter: string;
  losses: Record<string, [number, number]>;
  maxRelative: Record<string, number>;
  mlpVsFloat64: number;
  doctor: {
    text: string;
    backends: { name: string; available: boolean; reason?: string; fix?: string[] }[];
  };
}

describe.skipIf(chromiumMissing() !== undefined)(
  'in a browser (Vite bundle, headless Chromium)',
  () => {
    let outDir: string;
    let browser: LaunchedChromium;
    const servers: StaticServer[] = [];

    beforeAll(async () => {
      outDir = mkdtempSync(join(tmpdir(), 'deltaclip-wasm-page-'));
      await build({
        root: page,
        logLevel: 'error',
        build: { outDir, emptyOutDir: true, minify: false, target: 'es2022' },
      });
      browser = await launchChromium();
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      for (const server of servers) await server.close();
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    /** Serves the bundle, cross-origin isolated (COOP + COEP headers) or not. */
    async function serve(isolated: boolean): Promise<string> {
      const server = await serveStatic(outDir, { headers: isolated ? ISOLATION_HEADERS : {} });
      servers.push(server);
      return server.url;
    }

    async function open(url: string): Promise<{ result: PageResult; wasmRequests: string[] }> {
      const { result, requests } = await pageResult<PageResult>(browser, url);
      expect(result.error).toBeUndefined();
      const wasmRequests = requests
        .filter((r) => r.endsWith('.wasm'))
        .map((r) => new URL(r).pathname);
      return { result, wasmRequests };
    }

    function expectTrainsLikeCpu(result: PageResult): void {
      for (const model of ['mlp', 'cnn', 'embedding']) {
        const [first, last] = result.losses[model]!;
        expect(last).toBeLessThan(0.9 * first);
        expect(result.maxRelative[model], model).toBeLessThanOrEqual(1e-4);
      }
      expect(result.mlpVsFloat64).toBeLessThanOrEqual(FLOAT32_MLP_TOLERANCE);
    }

    it('runs threaded SIMD on a cross-origin isolated page, with the bundled binary', async () => {
      const { result, wasmRequests } = await open(`${await serve(true)}?threads=2`);
      expect(result.crossOriginIsolated).toBe(true);
      // tfjs-backend-wasm caps its pool at half the logical cores, and at 8.
      const cores = Math.max(1, Math.min(8, Math.floor(result.hardwareConcurrency / 2)));
      const threads = Math.min(2, cores);
      expect(result.availability.summary).toBe(
        `threaded SIMD, ${cores} thread${cores === 1 ? '' : 's'}`,
      );
      expect(result.info).toMatchObject({
        name: 'wasm',
        variant: 'threaded-simd',
        simd: true,
        threads,
      });
      expect(result.gflops).toBeGreaterThan(1);
      expect(wasmRequests).toHaveLength(1);
      expect(wasmRequests[0]).toMatch(/^\/assets\/tfjs-backend-wasm-threaded-simd-[\w-]+\.wasm$/);
      expect(result.tfBackendAfter).toBe('cpu');
      expectTrainsLikeCpu(result);
    }, 300_000);

    it('runs SIMD on one thread otherwise, and says why; doctor checks the adapters the page passes', async () => {
      const { result, wasmRequests } = await open(await serve(false));
      expect(result.crossOriginIsolated).toBe(false);
      expect(result.info).toMatchObject({ variant: 'simd', threads: 1 });
      expect(result.availability.summary).toBe(
        'SIMD, 1 thread (threads need cross-origin isolation (Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp))',
      );
      expect(wasmRequests).toEqual([
        expect.stringMatching(/^\/assets\/tfjs-backend-wasm-simd-[\w-]+\.wasm$/),
      ]);
      expectTrainsLikeCpu(result);
      expect(result.doctor.backends.map((b) => [b.name, b.available])).toEqual([
        ['wasm', true],
        ['cpu', true],
      ]);
      expect(result.doctor.text.split('\n').at(-1)).toBe(
        'auto: wasm is the fastest of the backends checked',
      );
    }, 300_000);
  },
);
