import type { Suite } from '../suite.js';
import { backends } from './backends.js';
import { datasets } from './datasets.js';
import { demo } from './demo.js';
import { optimizerStep } from './optimizer-step.js';
import { plstar } from './plstar.js';
import { sweep } from './sweep.js';
import { threads } from './threads.js';
import { train } from './train.js';

/** Every suite, in the order of BENCHMARKS.md. Add yours here. */
export const suites: readonly Suite[] = [
  optimizerStep,
  backends,
  threads,
  datasets,
  plstar,
  train,
  sweep,
  demo,
];
