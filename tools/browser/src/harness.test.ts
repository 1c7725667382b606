import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, pageResult } from './chromium.js';
import { ISOLATION_HEADERS, type StaticServer, serveStatic } from './serve.js';

let dir: string;
let server: StaticServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deltaclip-harness-'));
  writeFileSync(
    join(dir, 'index.html'),
    '<script type="module">globalThis.__result = { isolated: crossOriginIsolated, sum: 1 + 2 };</script>',
  );
  writeFileSync(join(dir, 'throws.html'), '<script>throw new Error("boom 42")</script>');
  server = await serveStatic(dir);
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw GET, so that the path reaches the server unnormalized. */
function get(path: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const url = new URL(server.url);
    request({ host: url.hostname, port: url.port, path }, (res) => {
      res.resume();
      ok({ status: res.statusCode ?? 0, headers: res.headers });
    })
      .on('error', fail)
      .end();
  });
}

describe('serveStatic', () => {
  it('serves index.html for the folder with the isolation headers', async () => {
    const { status, headers } = await get('/');
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) {
      expect(headers[name.toLowerCase()]).toBe(value);
    }
  });

  it('refuses paths outside the folder and answers 404 for missing files', async () => {
    expect((await get('/..%2F..%2Fetc%2Fpasswd')).status).toBe(403);
    expect((await get('/nope.js')).status).toBe(404);
  });
});

describe.skipIf(chromiumMissing() !== undefined)('launchChromium', () => {
  it('opens a page and reads window.__result; a throwing page fails with its message', async () => {
    const browser = await launchChromium();
    try {
      const { result } = await pageResult<{ isolated: boolean; sum: number }>(browser, server.url);
      expect(result).toEqual({ isolated: true, sum: 3 });
      await expect(pageResult(browser, `${server.url}throws.html`, 20_000)).rejects.toThrow(
        'the page threw: boom 42',
      );
    } finally {
      await browser.close();
    }
  });
});
