/**
 * `--queue redis://[user:password@]host:port[/db]` (or `rediss://` for TLS) as ioredis options.
 * The password goes to ioredis and nowhere else: everything the CLI prints uses redactUrl.
 */
import type { RedisOptions } from 'bullmq';
import { UsageError } from '../args.js';

export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(
      `--queue must be a URL redis://host:port or rediss://host:port (got ${JSON.stringify(redactUrl(url))})`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError(
      `--queue must start with redis:// or rediss:// (got ${JSON.stringify(redactUrl(url))})`,
    );
  }
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new UsageError(`--queue: the path of the URL is the database number (got '/${db}')`);
  }
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
    // BullMQ's workers block on Redis: they need commands to wait through a reconnect.
    maxRetriesPerRequest: null,
  };
}

/** The URL with any password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
  }
}

/** The one queue every sweep shares; a job's id is `<sweep id>-<run index>`. */
export const QUEUE_NAME = 'deltaclip-sweep';

export function jobId(sweepId: string, index: number): string {
  return `${sweepId}-${index}`;
}

/** The Redis key of a sweep's plan (for --attach) and of its cancel flag. */
export function sweepKey(sweepId: string): string {
  return `deltaclip:sweep:${sweepId}`;
}
export function cancelKey(sweepId: string): string {
  return `deltaclip:sweep:${sweepId}:cancelled`;
}
