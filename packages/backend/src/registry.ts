import { platform } from '#platform';
import { cpuBackend } from './cpu-backend.js';
import { firstLine } from './errors.js';
import { ADAPTER_PACKAGES, installFix, TFJS_PACKAGES } from './install-hints.js';
import { BACKEND_NAMES, BACKEND_SPEC_VERSION, type BackendAdapter } from './spec.js';

const adapters = new Map<string, BackendAdapter>([[cpuBackend.name, cpuBackend]]);

/** Ranks of the known backends before their adapters are loaded: `auto` tries them in this order. */
const DEFAULT_RANKS: Readonly<Record<string, number>> = {
  'node-gpu': 40,
  node: 30,
  wasm: 20,
  cpu: 10,
};

/**
 * Adds an adapter (or replaces the one of the same name). Adapter packages export theirs as
 * `backendAdapters`; the registry imports and registers them on first use of their name.
 */
export function registerBackendAdapter(adapter: BackendAdapter): void {
  if (adapter.specVersion !== BACKEND_SPEC_VERSION) {
    throw new RangeError(
      `adapter '${adapter.name}' implements backend spec version ${String(adapter.specVersion)}, but @deltaclip/backend implements version ${BACKEND_SPEC_VERSION}; install matching versions of ${adapter.packageName} and @deltaclip/backend`,
    );
  }
  adapters.set(adapter.name, adapter);
}

/** Every name `useBackend` accepts besides `auto`: the known backends, then registered ones. */
export function backendNames(): string[] {
  return [...new Set<string>([...BACKEND_NAMES, ...adapters.keys()])];
}

/** Rank of a backend for `auto`, whether or not its adapter is loaded. */
export function backendRank(name: string): number {
  return adapters.get(name)?.rank ?? DEFAULT_RANKS[name] ?? 0;
}

export type AdapterLookup =
  | { readonly adapter: BackendAdapter }
  | { readonly adapter?: undefined; readonly reason: string; readonly fix: readonly string[] };

/**
 * The adapter for a name: a registered one, or the one exported by the adapter package of a
 * known backend (imported on first use). Never throws: a missing package gives the reason and fix.
 */
export async function findBackendAdapter(name: string): Promise<AdapterLookup> {
  const registered = adapters.get(name);
  if (registered !== undefined) return { adapter: registered };
  const packageName = ADAPTER_PACKAGES[name];
  if (packageName === undefined) {
    return {
      reason: `no adapter named '${name}' is registered`,
      fix: [`call registerBackendAdapter(adapter) for '${name}' before useBackend('${name}')`],
    };
  }
  let mod: Record<string, unknown> | undefined;
  try {
    mod = await platform.importPackage(packageName);
  } catch (error) {
    return {
      reason: `${packageName} failed to load: ${firstLine(error)}`,
      fix: [`reinstall it: ${installFix(name, [packageName])[0]}`],
    };
  }
  if (mod === undefined) {
    const tfjsPackage = TFJS_PACKAGES[name];
    const fix = installFix(name, tfjsPackage ? [packageName, tfjsPackage] : [packageName]);
    if (platform.kind === 'browser') {
      const exportName = name === 'wasm' ? 'wasmBackend' : 'its adapter';
      fix.push(
        `in a bundle, import the adapter yourself: import { ${exportName} } from '${packageName}'; await useBackend(${exportName})`,
      );
    }
    return { reason: `${packageName} is not installed`, fix };
  }
  const exported = mod.backendAdapters;
  if (Array.isArray(exported)) {
    for (const adapter of exported as BackendAdapter[]) {
      if (!adapters.has(adapter.name)) registerBackendAdapter(adapter);
    }
  }
  const found = adapters.get(name);
  if (found !== undefined) return { adapter: found };
  return {
    reason: `${packageName} does not export a '${name}' adapter in backendAdapters`,
    fix: [`install matching versions: ${installFix(name, [packageName, '@deltaclip/backend'])[0]}`],
  };
}
