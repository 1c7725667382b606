import { requireOneOf } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from './ensure-gradients.js';
import { BackendUnavailableError, firstLine } from './errors.js';
import {
  backendNames,
  backendRank,
  findBackendAdapter,
  registerBackendAdapter,
} from './registry.js';
import type { BackendAdapter, BackendChoice, BackendInfo, BackendLoadOptions } from './spec.js';

/** A backend `auto` passed over, and why. */
export interface SkippedBackend {
  readonly name: string;
  readonly reason: string;
  readonly fix: readonly string[];
}

/** What `useBackend` set up: the backend's info, what was asked for and why this backend. */
export interface SelectedBackend extends BackendInfo {
  /** The argument of `useBackend` (`auto`, a name, or the adapter's name). */
  readonly requested: string;
  /** Why this backend, e.g. `wasm is the fastest backend available here; ...`. */
  readonly reason: string;
  /** For `auto`: the faster backends that could not be used, with reasons. */
  readonly skipped: readonly SkippedBackend[];
}

/**
 * Makes a backend the active tfjs backend, with deltaclip's kernels and tfjs's gradients
 * registered, and says what it is.
 *
 * `auto` (default) tries node-gpu, node, wasm, cpu in that order and keeps the first that loads;
 * a name loads that backend or throws {@link BackendUnavailableError} with the reason and fix; an
 * adapter object is registered and loaded. Unknown names throw a RangeError listing valid ones.
 *
 * @example
 * const backend = await useBackend('wasm');
 * console.log(backend.variant, backend.threads); // 'simd' 1
 */
export async function useBackend(
  choice: BackendChoice | BackendAdapter = 'auto',
  options: BackendLoadOptions = {},
): Promise<SelectedBackend> {
  if (typeof choice === 'object') registerBackendAdapter(choice);
  const name =
    typeof choice === 'object'
      ? choice.name
      : requireOneOf('backend', choice, ['auto', ...backendNames()]);
  if (name === 'auto') return useFastest(options);
  const lookup = await findBackendAdapter(name);
  if (lookup.adapter === undefined) {
    throw new BackendUnavailableError(name, lookup.reason, lookup.fix);
  }
  const availability = await lookup.adapter.availability();
  if (!availability.available) {
    throw new BackendUnavailableError(name, availability.reason, availability.fix);
  }
  return activate(lookup.adapter, options, name, `requested '${name}'`, []);
}

async function useFastest(options: BackendLoadOptions): Promise<SelectedBackend> {
  const candidates = backendNames().sort((a, b) => backendRank(b) - backendRank(a));
  const skipped: SkippedBackend[] = [];
  for (const name of candidates) {
    const lookup = await findBackendAdapter(name);
    if (lookup.adapter === undefined) {
      skipped.push({ name, reason: lookup.reason, fix: lookup.fix });
      continue;
    }
    const availability = await lookup.adapter.availability();
    if (!availability.available) {
      skipped.push({ name, reason: availability.reason, fix: availability.fix });
      continue;
    }
    const why =
      skipped.length === 0
        ? `${name} is the fastest backend deltaclip knows`
        : `${name} is the fastest backend available here; not available: ${skipped
            .map((s) => `${s.name} (${s.reason})`)
            .join(', ')}`;
    try {
      return await activate(lookup.adapter, options, 'auto', why, [...skipped]);
    } catch (error) {
      const reason = error instanceof BackendUnavailableError ? error.reason : firstLine(error);
      const fix = error instanceof BackendUnavailableError ? error.fix : [];
      skipped.push({ name, reason, fix });
    }
  }
  throw new BackendUnavailableError(
    'auto',
    `no backend could be loaded (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`,
    skipped.at(-1)?.fix ?? [],
  );
}

async function activate(
  adapter: BackendAdapter,
  options: BackendLoadOptions,
  requested: string,
  reason: string,
  skipped: SkippedBackend[],
): Promise<SelectedBackend> {
  await adapter.load(options);
  await ensureGradients();
  await setTfBackend(adapter);
  return { ...adapter.info(), requested, reason, skipped };
}

/**
 * tf.setBackend, turning its failure (false, with the cause only logged as a warning) into a
 * BackendUnavailableError that carries the logged cause.
 */
async function setTfBackend(adapter: BackendAdapter): Promise<void> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => firstLine(a)).join(' '));
  };
  let ok = false;
  try {
    ok = await tf.setBackend(adapter.tfBackend);
    if (ok) await tf.ready();
  } catch (error) {
    warnings.push(firstLine(error));
  } finally {
    console.warn = warn;
  }
  if (!ok) {
    throw new BackendUnavailableError(
      adapter.name,
      `tfjs could not initialize its '${adapter.tfBackend}' backend${
        warnings.length > 0 ? `: ${warnings.join(' ')}` : ''
      }`,
      [
        `check that ${adapter.packageName} and its tfjs package match @tensorflow/tfjs-core ${tf.version_core}`,
      ],
    );
  }
  for (const w of warnings) warn(w);
}
