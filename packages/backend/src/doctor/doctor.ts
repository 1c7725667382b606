import { gradientsRegistered } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { platform } from '#platform';
import { firstLine, formatSteps } from '../errors.js';
import { BACKEND_SPEC_VERSION, type BackendAdapter, type BackendInfo } from '../spec.js';
import { byRank } from '../use-backend.js';

/** One backend in the doctor's report. */
export interface DoctorBackend {
  readonly name: string;
  /** npm package of the adapter. */
  readonly package: string;
  readonly available: boolean;
  /** Available: one line about the build, e.g. `SIMD, 1 thread`. */
  readonly summary?: string;
  /** Available: what could be learnt without loading it (variant, threads, versions). */
  readonly info?: Partial<BackendInfo>;
  /** Unavailable: what is missing or failed. */
  readonly reason?: string;
  /** Unavailable: the steps that fix it. */
  readonly fix?: readonly string[];
}

/** The doctor's report: plain data (JSON-serializable), see {@link formatDoctorReport}. */
export interface DoctorReport {
  readonly specVersion: number;
  readonly runtime: {
    readonly kind: 'node' | 'browser';
    readonly name: string;
    readonly os: string;
    readonly cpus: number;
  };
  readonly tfjsCore: string;
  /** Whether tfjs's gradients are registered yet (`useBackend` registers them). */
  readonly gradientsRegistered: boolean;
  /** The active tfjs backend, or null before any is set. */
  readonly activeTfBackend: string | null;
  /** Every adapter checked, in the order given. */
  readonly backends: readonly DoctorBackend[];
  /** What `useBackend('auto', { candidates })` with the same adapters would pick, and why. */
  readonly auto: { readonly name: string; readonly reason: string } | null;
}

/**
 * Checks each adapter passed: available or not, and for each that is not, the exact reason and
 * the fix (package to install, CUDA/cuDNN versions, the environment variables that redirect
 * libtensorflow's download, as the adapter reports them). Never throws, never changes the active
 * backend; the adapters may import their tfjs packages to find out.
 *
 * @example
 * console.log(formatDoctorReport(await doctor([cpuBackend, wasmBackend])));
 */
export async function doctor(adapters: readonly BackendAdapter[]): Promise<DoctorReport> {
  if (!Array.isArray(adapters)) {
    throw new TypeError(
      'doctor needs the adapters to check, e.g. doctor([cpuBackend, wasmBackend]) (backends are not found by name)',
    );
  }
  const backends: DoctorBackend[] = [];
  for (const adapter of adapters) {
    const base = { name: adapter.name, package: adapter.packageName };
    try {
      const availability = await adapter.availability();
      backends.push(
        availability.available
          ? {
              ...base,
              available: true,
              summary: availability.summary,
              ...(availability.info ? { info: availability.info } : {}),
            }
          : { ...base, available: false, reason: availability.reason, fix: availability.fix },
      );
    } catch (error) {
      backends.push({
        ...base,
        available: false,
        reason: `check failed: ${firstLine(error)}`,
        fix: [],
      });
    }
  }
  const ranked = byRank(adapters).map((a) => backends[adapters.indexOf(a)]!);
  const bestIndex = ranked.findIndex((b) => b.available);
  const best = ranked[bestIndex];
  const faster = ranked.slice(0, Math.max(bestIndex, 0));
  const description = platform.describe();
  const engine = tf.engine() as unknown as { backendName?: string };
  return {
    specVersion: BACKEND_SPEC_VERSION,
    runtime: {
      kind: platform.kind,
      name: description.runtime,
      os: description.os,
      cpus: description.cpus,
    },
    tfjsCore: tf.version_core,
    gradientsRegistered: gradientsRegistered(tf),
    activeTfBackend: engine.backendName ?? null,
    backends,
    auto: best
      ? {
          name: best.name,
          reason:
            faster.length === 0
              ? `${best.name} is the fastest of the backends checked`
              : `${best.name} is the fastest backend available here (${faster.map((b) => b.name).join(', ')} ${faster.length === 1 ? 'is' : 'are'} not)`,
        }
      : null,
  };
}

/** The report as text, as `deltaclip doctor` prints it. */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.backends.map((b) => b.name.length), 4) + 2;
  const lines = [
    `deltaclip doctor (backend spec v${report.specVersion})`,
    `${report.runtime.name} on ${report.runtime.os}, ${report.runtime.cpus} logical cores; tfjs-core ${report.tfjsCore}`,
    '',
  ];
  for (const b of report.backends) {
    const head = `${b.name.padEnd(width)}${b.available ? 'yes' : 'no '}  `;
    if (b.available) {
      lines.push(`${head}${versionsNote(b)}${b.summary ?? ''}`);
    } else {
      lines.push(`${head}${b.reason ?? ''}`);
      if (b.fix !== undefined && b.fix.length > 0)
        lines.push(formatSteps(b.fix, ' '.repeat(width + 5)));
    }
  }
  lines.push('');
  lines.push(report.auto ? `auto: ${report.auto.reason}` : 'auto: no backend is available');
  return lines.join('\n');
}

function versionsNote(b: DoctorBackend): string {
  const versions = b.info?.versions;
  if (versions === undefined) return '';
  const own = Object.entries(versions).filter(([k]) => k !== 'tfjs-core');
  return own.length === 0 ? '' : `${own.map(([k, v]) => `${k} ${v}`).join(', ')}: `;
}
