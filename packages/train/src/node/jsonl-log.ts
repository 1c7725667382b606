import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Callback } from '../callbacks.js';

/**
 * Appends the run to a JSON Lines file: `{"type":"begin",...}`, then `step`, `epoch` and
 * `analysis` lines as they happen, and `end`. Each line is a complete JSON object, so the log of an
 * interrupted run is readable up to its last line; a resumed run appends to the same file.
 */
export function jsonlLog(
  path: string,
  header: Record<string, unknown> = {},
): Callback & {
  write(type: string, data: Record<string, unknown>): void;
} {
  mkdirSync(dirname(path), { recursive: true });
  const write = (type: string, data: Record<string, unknown>) => {
    appendFileSync(path, `${JSON.stringify({ type, time: new Date().toISOString(), ...data })}\n`);
  };
  return {
    write,
    onTrainBegin(run) {
      write('begin', { ...header, position: run.position });
    },
    onStepRecords(_run, records) {
      for (const r of records) write('step', { ...r });
    },
    onEpochEnd(_run, record) {
      write('epoch', { ...record });
    },
    onTrainEnd(run, end) {
      write('end', { position: run.position, ...end });
    },
  };
}
