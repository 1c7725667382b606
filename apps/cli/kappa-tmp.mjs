import { selectBackend } from './dist/backends.js';

await selectBackend('cpu');

import { tangentKernel, topHessianEigenvalue } from '@deltaclip/plstar';
import { buildTask, fullBatch } from '@deltaclip/train';

const [n, d, width, noise, hidden] = process.argv.slice(2).map(Number);
const task = {
  dataset: {
    name: 'teacher-student',
    options: {
      numSamples: n,
      inputDim: d,
      hiddenWidths: [hidden || 32],
      seed: 1,
      ...(noise ? { noise } : {}),
    },
    split: { test: 0.25 },
  },
  model: {
    kind: 'mlp',
    inputSize: d,
    hidden: [width],
    outputSize: 1,
    parameterization: 'ntk',
    activation: 'relu',
    seed: 0,
  },
  loss: { kind: 'square', reduction: 'mean', half: true },
};
const built = await buildTask(task, { seed: 0 });
const data = fullBatch(built, task.loss);
const m = built.train.size;
const k = await tangentKernel(built.model, data.x, {});
const lmin = k.spectrum.lambdaMin,
  lmax = k.spectrum.lambdaMax;
const top = await topHessianEigenvalue(data.lossFn, built.model.variables, { iterations: 30 });
const mu = lmin / m;
console.log(
  JSON.stringify({ m, lmin, lmax, kappaK: lmax / lmin, mu, beta: top.beta, kappa: top.beta / mu }),
);
