/**
 * One training run in a child process of `deltaclip compare` / `reproduce` / `sweep` / `worker`:
 * receives a run spec, sets up the backend, trains, sends back progress and the outcome, and
 * exits, or with `keepAlive` waits for the next run (tfjs and the backend already loaded).
 * With `checkpointDir` it checkpoints there and first resumes from what is already there, so a
 * run whose worker was killed continues where it stopped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Callback, type ResumeState, type RunSpec, runExperiment } from '@deltaclip/train';
import { checkpointer, loadDatasetNode, readResumeState, resumeSpec } from '@deltaclip/train/node';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './backends.js';
import { injectedFault, isUserError } from './errors.js';

export interface WorkerRequest {
  readonly index: number;
  readonly spec: RunSpec;
  readonly backend: string;
  /** Threads the run may compute with (its share of the cores, scheduling.ts); default 1. */
  readonly threads?: number;
  /** Checkpoint folder of this run (resumed from when it holds a checkpoint). */
  readonly checkpointDir?: string;
  /** Also checkpoint every this many steps (besides epoch ends). */
  readonly checkpointEvery?: number;
  /** Stay for the next request (the local pool's warm processes); else exit after this one. */
  readonly keepAlive?: boolean;
}

export type WorkerMessage =
  | { type: 'progress'; index: number; step: number; totalSteps: number; loss?: number }
  | {
      type: 'result';
      index: number;
      outcome: unknown;
      backend: string;
      seconds: number;
      resumedFrom?: number;
    }
  | {
      type: 'error';
      index: number;
      message: string;
      name: string;
      /** Classified here, where the error's class is still known (it does not survive IPC). */
      userError: boolean;
      stack?: string;
    };

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function handle(request: WorkerRequest): Promise<void> {
  const t0 = performance.now();
  tf.enableProdMode();
  injectedFault('worker');
  const selected = await selectBackend(request.backend, request.threads);
  let lastSent = 0;
  const progress: Callback = {
    onStepEnd(run) {
      const now = Date.now();
      if (now - lastSent < 250) return;
      lastSent = now;
      const total = Math.min(
        run.stepsPerEpoch * run.epochs,
        request.spec.maxSteps ?? Number.POSITIVE_INFINITY,
      );
      const last = run.history.steps.at(-1);
      void send({
        type: 'progress',
        index: request.index,
        step: run.position.step,
        totalSteps: total,
        ...(last ? { loss: last.loss } : {}),
      });
    },
  };
  let resume: ResumeState | undefined;
  const callbacks: Callback[] = [progress];
  if (request.checkpointDir !== undefined) {
    if (existsSync(join(request.checkpointDir, 'latest.json'))) {
      const state = readResumeState(request.checkpointDir);
      // Refuses a folder that holds another run's checkpoints (ResumeMismatchError).
      resumeSpec(state.spec, request.spec);
      resume = state.resume;
    }
    callbacks.push(
      checkpointer({
        dir: request.checkpointDir,
        run: request.spec,
        backend: selected.name,
        ...(request.checkpointEvery === undefined ? {} : { everySteps: request.checkpointEvery }),
      }),
    );
  }
  const outcome = await runExperiment(request.spec, {
    prefix: `run${request.index}`,
    loader: loadDatasetNode,
    callbacks,
    recordEvery: 32,
    ...(resume ? { resume } : {}),
  });
  await send({
    type: 'result',
    index: request.index,
    outcome,
    backend: selected.name,
    seconds: (performance.now() - t0) / 1000,
    ...(resume ? { resumedFrom: resume.position.step } : {}),
  });
}

// A parent that died (SIGKILL) cannot take the result: stop rather than train on, holding the
// run's checkpoint lock against the worker that takes the run over.
process.once('disconnect', () => process.exit(0));

// One request at a time: the parent sends the next only after this one's answer.
process.on('message', (request: WorkerRequest) => {
  handle(request)
    .catch(async (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      await send({
        type: 'error',
        index: request.index,
        message: e.message,
        name: e.name,
        userError: isUserError(e),
        ...(e.stack ? { stack: e.stack } : {}),
      });
    })
    .finally(() => {
      if (request.keepAlive !== true) process.exit(0);
    });
});
