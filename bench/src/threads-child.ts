/**
 * One measurement process of the `threads` suite (suites/threads.ts): the wasm backend with the
 * threads given (its build and threads are chosen once per process), one workload, warm-up steps,
 * then one timed block. Prints one JSON line: samples/s and samples per CPU-second (user + system
 * time of the whole process, pthreads included).
 *
 *   node dist/threads-child.js '{"workload":"mlp","threads":2,"steps":60}'
 */
import { useBackend } from '@deltaclip/backend';
import { createReferenceTraining } from '@deltaclip/backend/workloads';
import { wasmBackend } from '@deltaclip/backend-wasm';
import { deltaGClip } from '@deltaclip/core';
import { createModel, softmaxCrossEntropy } from '@deltaclip/models';
import { rngFor } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import {
  THREADS_MLP,
  type ThreadsChildRequest,
  type ThreadsChildResult,
} from './suites/threads.js';

interface Trainer {
  readonly batchSize: number;
  step(): tf.Scalar;
}

/** The MLP of the issue: 784-256-256-10, relu, softmax cross-entropy, δ-GClip, fixed batches. */
function mlpTrainer(): Trainer {
  const { inputs, hidden, classes, batchSize, batches, deltaGClip: settings } = THREADS_MLP;
  const model = createModel({
    kind: 'mlp',
    inputSize: inputs,
    hidden: [...hidden],
    outputSize: classes,
    seed: 1,
  });
  const rng = rngFor(1, 'bench', 'threads', 'mlp');
  const xs = Array.from({ length: batches }, () =>
    tf.tensor2d(
      Float32Array.from({ length: batchSize * inputs }, () => rng.uniformIn(-1, 1)),
      [batchSize, inputs],
    ),
  );
  const labels = Array.from({ length: batches }, () =>
    tf.tensor1d(
      Int32Array.from({ length: batchSize }, () => rng.int(classes)),
      'int32',
    ),
  );
  const optimizer = deltaGClip(settings);
  let next = 0;
  return {
    batchSize,
    step() {
      const i = next++ % batches;
      return optimizer.minimize(
        () => softmaxCrossEntropy(model.apply(xs[i]!, { training: true }), labels[i]!),
        true,
        [...model.variables],
      )!;
    },
  };
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]!) as ThreadsChildRequest;
  const selected = await useBackend(
    wasmBackend,
    request.threads > 1 ? { threads: request.threads } : {},
  );
  const trainer: Trainer =
    request.workload === 'mlp'
      ? mlpTrainer()
      : createReferenceTraining('cnn', { preset: 'benchmark' });
  const block = async (steps: number) => {
    for (let i = 0; i < steps; i++) {
      const loss = trainer.step();
      await loss.data();
      loss.dispose();
    }
  };
  await block(request.warmup);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await block(request.steps);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const samples = request.steps * trainer.batchSize;
  const result: ThreadsChildResult = {
    variant: selected.variant,
    threads: selected.threads,
    samplesPerSecond: samples / seconds,
    samplesPerCpuSecond: samples / ((cpu.user + cpu.system) / 1e6),
  };
  console.log(JSON.stringify(result));
}

await main();
