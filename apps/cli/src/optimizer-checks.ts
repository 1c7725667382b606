// The cpu backend, registered here so optimizers can be built (and so checked) in the main
// process, before any worker starts; building one creates only its step counter.
import '@tensorflow/tfjs-backend-cpu';
import { createRunOptimizer, describeOptimizer, type RunOptimizer } from '@deltaclip/train';
import { DeltaclipError, InvalidOptionError } from '@deltaclip/utils';
import { UsageError } from './args.js';
import { OPTIMIZER_NAMES } from './optimizer-names.js';
import { didYouMean } from './suggest.js';

/**
 * `. Did you mean 'adam'?` when the name of an optimizer spec (`adamw:lr=1`) is a near miss of a
 * known short name, else ''. Only the name is looked at: the spec's parser owns the rest.
 */
export function optimizerNameHint(specText: string, message: string): string {
  const name = specText.split(':', 1)[0]!.trim();
  const known: readonly string[] = OPTIMIZER_NAMES;
  const hint = known.includes(name) ? '' : didYouMean(name, known);
  return hint === '' ? '' : `${/[.!?]$/.test(message) ? '' : '.'}${hint}`;
}

/**
 * Build every optimizer once, so a bad hyperparameter (`lr=-1`) is a one-line error naming the
 * flag before anything runs, not a failure inside a worker after the runs were announced.
 */
export function checkOptimizers(specs: readonly RunOptimizer[], flag: string): void {
  for (const spec of specs) {
    try {
      createRunOptimizer(spec).dispose();
    } catch (error) {
      if (DeltaclipError.is(error) || InvalidOptionError.is(error)) {
        throw new UsageError(`${flag}: ${describeOptimizer(spec)}: ${(error as Error).message}`);
      }
      throw error;
    }
  }
}
