import { describe, expect, it } from 'vitest';
import { fnv1a, serviceWorkerSource } from './service-worker-source.js';

type Listener = (event: {
  waitUntil?: (p: Promise<unknown>) => void;
  respondWith?: (p: Promise<unknown>) => void;
  request?: { method: string; url: string };
}) => void;

/** Run the generated worker against a fake `self` and `caches`. */
function load(source: string) {
  const listeners: Record<string, Listener> = {};
  const cached = new Map<string, string>();
  const opened: string[] = [];
  const self = {
    location: { origin: 'https://example.test' },
    addEventListener: (type: string, f: Listener) => {
      listeners[type] = f;
    },
    skipWaiting: () => Promise.resolve(),
    clients: { claim: () => Promise.resolve() },
  };
  const caches = {
    open: async (name: string) => {
      opened.push(name);
      return {
        addAll: async (urls: string[]) => {
          for (const u of urls) cached.set(u, `body of ${u}`);
        },
      };
    },
    match: async (request: { url: string }) =>
      cached.get(new URL(request.url).pathname.replace(/^\//, './')),
    keys: async () => [],
    delete: async () => true,
  };
  new Function('self', 'caches', 'fetch', source)(
    self,
    caches,
    async (r: { url: string }) => `network ${r.url}`,
  );
  return { listeners, cached, opened };
}

describe('service worker', () => {
  it('hashes with FNV-1a', () => {
    expect(fnv1a('')).toBe('811c9dc5');
    expect(fnv1a('a')).toBe('e40c292c');
    expect(fnv1a('foobar')).toBe('bf9cf968');
  });

  it('precaches every file at install and answers from the cache first', async () => {
    const source = serviceWorkerSource(['index.html', 'assets/app.js', 'assets/b.wasm']);
    const { listeners, cached, opened } = load(source);
    let installed: Promise<unknown> = Promise.resolve();
    listeners.install!({ waitUntil: (p) => (installed = p) });
    await installed;
    expect(opened).toEqual([
      `deltaclip-demo-${fnv1a(['./', './index.html', './assets/app.js', './assets/b.wasm'].join('\n'))}`,
    ]);
    expect([...cached.keys()]).toEqual([
      './',
      './index.html',
      './assets/app.js',
      './assets/b.wasm',
    ]);
    let answer: Promise<unknown> = Promise.resolve();
    listeners.fetch!({
      request: { method: 'GET', url: 'https://example.test/assets/b.wasm' },
      respondWith: (p) => (answer = p),
    });
    expect(await answer).toBe('body of ./assets/b.wasm');
    listeners.fetch!({
      request: { method: 'GET', url: 'https://example.test/other.js' },
      respondWith: (p) => (answer = p),
    });
    expect(await answer).toBe('network https://example.test/other.js');
    let responded = false;
    listeners.fetch!({
      request: { method: 'GET', url: 'https://elsewhere.test/x' },
      respondWith: () => (responded = true),
    });
    listeners.fetch!({
      request: { method: 'POST', url: 'https://example.test/x' },
      respondWith: () => (responded = true),
    });
    expect(responded).toBe(false);
  });

  it('names a new cache when the build changes', () => {
    expect(serviceWorkerSource(['a.js'])).not.toBe(serviceWorkerSource(['b.js']));
  });
});
