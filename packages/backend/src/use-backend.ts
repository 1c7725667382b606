import { describeValue } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from './ensure-gradients.js';
import { BackendUnavailableError, firstLine } from './errors.js';
import {
  BACKEND_SPEC_VERSION,
  type BackendAdapter,
  type BackendInfo,
  type BackendLoadOptions,
} from './spec.js';

/** A backend `auto` passed over, and why. */
export interface SkippedBackend {
  readonly name: string;
  readonly reason: string;
  readonly fix: readonly string[];
}

/** What `useBackend` set up: the backend's info, what was asked for and why this backend. */
export interface SelectedBackend extends BackendInfo {
  /** `auto`, or the name of the adapter that was passed. */
  readonly requested: string;
  /** Why this backend, e.g. `wasm is the fastest backend available here; ...`. */
  readonly reason: string;
  /** For `auto`: the faster candidates that could not be used, with reasons. */
  readonly skipped: readonly SkippedBackend[];
}

/** Options of `useBackend('auto', ...)`: the adapters to choose from, and their load options. */
export interface AutoBackendOptions extends BackendLoadOptions {
  /** The adapters to try, from the highest `rank` down (ties in the order given). */
  readonly candidates: readonly BackendAdapter[];
}

/**
 * Makes a backend the active tfjs backend, with deltaclip's kernels and tfjs's gradients
 * registered, and says what it is.
 *
 * - `useBackend(adapter, options?)` loads that adapter, or throws {@link BackendUnavailableError}
 *   with the reason and the fix.
 * - `useBackend('auto', { candidates })` tries the candidates from the fastest (highest `rank`)
 *   down and keeps the first that loads; `skipped` says why each faster one was passed over.
 *
 * Adapters are objects the application imports (`cpuBackend` from this package, `wasmBackend`
 * from @deltaclip/backend-wasm, ...): nothing is looked up by name.
 *
 * @example
 * import { cpuBackend, useBackend } from '@deltaclip/backend';
 * import { wasmBackend } from '@deltaclip/backend-wasm';
 * const backend = await useBackend('auto', { candidates: [wasmBackend, cpuBackend] });
 * console.log(backend.name, backend.variant, backend.threads); // 'wasm' 'simd' 1
 */
export function useBackend(
  adapter: BackendAdapter,
  options?: BackendLoadOptions,
): Promise<SelectedBackend>;
export function useBackend(choice: 'auto', options: AutoBackendOptions): Promise<SelectedBackend>;
export async function useBackend(
  choice: BackendAdapter | 'auto',
  options: BackendLoadOptions | AutoBackendOptions = {},
): Promise<SelectedBackend> {
  if (choice === 'auto') {
    const candidates = (options as Partial<AutoBackendOptions>).candidates;
    if (!Array.isArray(candidates) || candidates.length === 0) {
      throw new TypeError(
        `useBackend('auto') needs the adapters to choose from (got candidates: ${describeValue(candidates)}); pass them, e.g. useBackend('auto', { candidates: [wasmBackend, cpuBackend] })`,
      );
    }
    candidates.forEach((c, i) => {
      requireAdapter(c, `candidates[${i}]`);
    });
    const { candidates: _, ...loadOptions } = options as AutoBackendOptions;
    return useFastest(candidates, loadOptions);
  }
  const adapter = requireAdapter(choice, 'useBackend');
  const availability = await adapter.availability();
  if (!availability.available) {
    throw new BackendUnavailableError(adapter.name, availability.reason, availability.fix);
  }
  return activate(adapter, options, adapter.name, `requested '${adapter.name}'`, []);
}

/**
 * `value` as an adapter of this spec version: a clear TypeError for a name (the pre-0.2 API) or
 * anything else, and a BackendUnavailableError for an adapter built against another spec.
 */
function requireAdapter(value: unknown, what: string): BackendAdapter {
  const looksLikeAdapter =
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BackendAdapter).name === 'string' &&
    typeof (value as BackendAdapter).load === 'function' &&
    typeof (value as BackendAdapter).availability === 'function';
  if (!looksLikeAdapter) {
    const hint =
      typeof value === 'string'
        ? ` (backends are no longer found by name: import the adapter, e.g. import { wasmBackend } from '@deltaclip/backend-wasm', and pass it)`
        : '';
    throw new TypeError(
      what === 'useBackend'
        ? `useBackend needs a backend adapter object such as cpuBackend, or 'auto' with candidates (got ${describeValue(value)})${hint}`
        : `useBackend('auto') needs adapter objects as candidates (${what} is ${describeValue(value)})${hint}`,
    );
  }
  const adapter = value as BackendAdapter;
  if (adapter.specVersion !== BACKEND_SPEC_VERSION) {
    throw new BackendUnavailableError(
      adapter.name,
      `its adapter implements backend spec version ${String(adapter.specVersion)}, but @deltaclip/backend implements version ${BACKEND_SPEC_VERSION}`,
      [`install matching versions of ${adapter.packageName} and @deltaclip/backend`],
    );
  }
  return adapter;
}

/** Highest rank first; Array.prototype.sort is stable, so ties keep the caller's order. */
export function byRank(adapters: readonly BackendAdapter[]): BackendAdapter[] {
  return [...adapters].sort((a, b) => b.rank - a.rank);
}

async function useFastest(
  candidates: readonly BackendAdapter[],
  options: BackendLoadOptions,
): Promise<SelectedBackend> {
  const skipped: SkippedBackend[] = [];
  for (const adapter of byRank(candidates)) {
    const { name } = adapter;
    let availability: Awaited<ReturnType<BackendAdapter['availability']>>;
    try {
      availability = await adapter.availability();
    } catch (error) {
      // The spec says availability never throws; a broken adapter must not stop `auto`.
      availability = { available: false, reason: `check failed: ${firstLine(error)}`, fix: [] };
    }
    if (!availability.available) {
      skipped.push({ name, reason: availability.reason, fix: availability.fix });
      continue;
    }
    const why =
      skipped.length === 0
        ? `${name} is the fastest of the candidates`
        : `${name} is the fastest backend available here; not available: ${skipped
            .map((s) => `${s.name} (${s.reason})`)
            .join(', ')}`;
    try {
      return await activate(adapter, options, 'auto', why, [...skipped]);
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
