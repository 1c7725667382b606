import { registerCpuKernels } from '../internal.js';
import { describeOptimizerKernels } from '../testing/optimizer-kernels.js';

registerCpuKernels();

describeOptimizerKernels('cpu');
