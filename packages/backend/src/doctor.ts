import * as tf from '@tensorflow/tfjs-core';
import { platform } from '#platform';
import { gradientsRegistered } from './ensure-gradients.js';
import { firstLine, formatSteps } from './errors.js';
import { ADAPTER_PACKAGES, TFJS_PACKAGES } from './install-hints.js';
import { backendNames, backendRank, findBackendAdapter } from './registry.js';
import { BACKEND_SPEC_VERSION, type BackendInfo } from './spec.js';

/** One backend in the doctor's report. */
export interface DoctorBackend {
  readonly name: string;
  /** npm package of the adapter. */
  readonly package: string;
  /** The tfjs package it runs on. */
  readonly tfjsPackage: string;
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
  /** Every backend, known ones first (cpu, wasm, node, node-gpu). */
  readonly backends: readonly DoctorBackend[];
  /** What `useBackend('auto')` would pick, and why. */
  readonly auto: { readonly name: string; readonly reason: string } | null;
}

/**
 * Checks every backend: available or not, and for each that is not, the exact reason and the fix
 * (package to install, CUDA/cuDNN versions, the environment variables that redirect
 * libtensorflow's download). Never throws, never changes the active backend; it may import the
 * backends' packages to find out.
 *
 * @example
 * console.log(formatDoctorReport(await doctor()));
 */
export async function doctor(): Promise<DoctorReport> {
  const backends: DoctorBackend[] = [];
  for (const name of backendNames()) {
    const base = {
      name,
      package: ADAPTER_PACKAGES[name] ?? 'registered adapter',
      tfjsPackage: TFJS_PACKAGES[name] ?? 'unknown',
    };
    try {
      const lookup = await findBackendAdapter(name);
      if (lookup.adapter === undefined) {
        backends.push({ ...base, available: false, reason: lookup.reason, fix: lookup.fix });
        continue;
      }
      const availability = await lookup.adapter.availability();
      const entry = { ...base, package: lookup.adapter.packageName };
      backends.push(
        availability.available
          ? {
              ...entry,
              available: true,
              summary: availability.summary,
              ...(availability.info ? { info: availability.info } : {}),
            }
          : { ...entry, available: false, reason: availability.reason, fix: availability.fix },
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
  const usable = backends
    .filter((b) => b.available)
    .sort((a, b) => backendRank(b.name) - backendRank(a.name));
  const best = usable[0];
  const faster = best
    ? backends
        .filter((b) => !b.available && backendRank(b.name) > backendRank(best.name))
        .sort((a, b) => backendRank(b.name) - backendRank(a.name))
    : [];
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
    gradientsRegistered: gradientsRegistered(),
    activeTfBackend: engine.backendName ?? null,
    backends,
    auto: best
      ? {
          name: best.name,
          reason:
            faster.length === 0
              ? `${best.name} is the fastest backend deltaclip knows`
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
