import type { Suite } from '../suite.js';
import { optimizerStep } from './optimizer-step.js';

/** Every suite, in the order of BENCHMARKS.md. Add yours here. */
export const suites: readonly Suite[] = [optimizerStep];
