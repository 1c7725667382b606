import { ParameterStore, resolvePrefix } from './parameter-store.js';

/**
 * Resolves the prefix, creates the store and runs `construct`; if construction throws, the
 * variables created so far are disposed so that no half-built model leaks.
 */
export function build<M>(
  name: string,
  config: { readonly seed: number; readonly prefix?: string | undefined },
  construct: (store: ParameterStore) => M,
): M {
  const store = new ParameterStore(resolvePrefix(config.prefix, name), config.seed);
  try {
    return construct(store);
  } catch (error) {
    store.dispose();
    throw error;
  }
}

/** The common fields of a resolved config: `seed` always, `prefix` and `preset` when given. */
export function commonFields(config: {
  readonly seed?: number;
  readonly prefix?: string;
  readonly preset?: string;
}): { seed: number; prefix?: string; preset?: string } {
  return {
    ...(config.preset !== undefined ? { preset: config.preset } : {}),
    seed: config.seed ?? 0,
    ...(config.prefix !== undefined ? { prefix: config.prefix } : {}),
  };
}
