import { OptimizerStateError } from '../errors.js';
import type { GradientTransformation, TransformConfig } from '../types.js';

type Builder = (config: TransformConfig) => GradientTransformation;

const builders = new Map<string, Builder>();

/**
 * Register how to rebuild a transform from its config. Every transform of this package registers
 * itself; register your own to make chains that contain it serializable.
 */
export function registerTransform(kind: string, build: Builder): void {
  builders.set(kind, build);
}

/** Rebuild a transform from the `config` of an existing one (for getConfig/fromConfig). */
export function transformFromConfig(config: TransformConfig): GradientTransformation {
  const build = builders.get(config.kind);
  if (build === undefined) {
    const known = [...builders.keys()].sort().join(', ');
    throw new OptimizerStateError(
      `Unknown transform kind '${config.kind}'. Known kinds: ${known}. ` +
        'Call registerTransform(kind, build) for custom transforms before deserializing.',
    );
  }
  return build(config);
}
