import { requireGradients } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { SecondOrderUnsupportedError } from './errors.js';
import { dot } from './gradients.js';
import type { LossFn } from './model.js';

// Why this file exists. tfjs-core 4.22 saves the tensors a gradient needs as clones, and records
// each clone on the tape before the op that produced the tensor. A clone of an op's *output* is
// therefore never connected to the inputs when the tape is filtered, so a first-order gradient
// that reads a saved output (tanh, sigmoid, exp, softmax, elu, max, pool, pow, ...) is treated as a
// constant by the second backprop: the Hessian-vector product comes out silently wrong. Custom-
// gradient ops (logSoftmax, logSigmoid, softmaxCrossEntropy, fused matMul/conv) close over
// forward values the same way. We fix the common activations by re-registering their gradients to
// recompute from the saved input, and refuse every other forward op that reads a saved output.

type GradConfig = NonNullable<ReturnType<typeof tf.getGradient>>;

/** Gradients computed from the op's input, so that they are differentiable again. */
const INPUT_BASED_GRADIENTS: readonly GradConfig[] = [
  {
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      return {
        x: () => tf.mul(dy as tf.Tensor, tf.sub(tf.scalar(1), tf.square(tf.tanh(x!)))),
      };
    },
  },
  {
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      return {
        x: () => {
          const s = tf.sigmoid(x!);
          return tf.mul(dy as tf.Tensor, tf.mul(s, tf.sub(tf.scalar(1), s)));
        },
      };
    },
  },
  {
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      return { x: () => tf.mul(dy as tf.Tensor, tf.exp(x!)) };
    },
  },
  {
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dy, saved, attrs) => {
      const [logits] = saved as tf.Tensor[];
      const { dim } = attrs as unknown as { dim: number };
      return {
        logits: () => {
          const y = tf.softmax(logits!, dim);
          const dyTimesY = tf.mul(dy as tf.Tensor, y);
          return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
        },
      };
    },
  },
];

/** Kernel names whose gradients {@link withInputBasedGradients} replaces. */
export const REREGISTERED_GRADIENTS: readonly string[] = INPUT_BASED_GRADIENTS.map(
  (g) => g.kernelName,
);

/**
 * Run `fn` with the gradients of tanh, sigmoid, exp and softmax recomputed from their inputs,
 * then restore the original registrations (other code relies on the defaults), even on error.
 */
export function withInputBasedGradients<T>(fn: () => T): T {
  const originals = INPUT_BASED_GRADIENTS.map((g) => tf.getGradient(g.kernelName));
  try {
    for (const g of INPUT_BASED_GRADIENTS) tf.registerGradient(g);
    return fn();
  } finally {
    INPUT_BASED_GRADIENTS.forEach((g, i) => {
      const original = originals[i];
      if (original != null) tf.registerGradient(original);
      else tf.unregisterGradient(g.kernelName);
    });
  }
}

interface TapeNodeLike {
  readonly kernelName: string;
  readonly inputs: Readonly<Record<string, tf.Tensor>>;
  readonly outputs: readonly tf.Tensor[];
  readonly gradient?: unknown;
  readonly saved?: readonly tf.Tensor[];
}

function activeTape(): TapeNodeLike[] {
  const state = (tf.engine() as unknown as { state?: { activeTape?: TapeNodeLike[] | null } })
    .state;
  const tape = state?.activeTape;
  if (!Array.isArray(tape)) {
    throw new SecondOrderUnsupportedError(
      'tape',
      'this tfjs-core version does not expose the gradient tape that plstar audits (tested with 4.22)',
    );
  }
  return tape;
}

/**
 * tfjs records the clone of a saved tensor as a tape node with the single input 'x' and an output
 * of the same shape (an Identity, which the wasm backend copies rather than aliases). Custom-gradient
 * nodes always name their inputs '0', '1', ..., so they cannot be mistaken for one.
 */
function isSavedTensorClone(node: TapeNodeLike): boolean {
  const keys = Object.keys(node.inputs);
  const x = node.inputs.x;
  const y = node.outputs[0];
  return (
    keys.length === 1 &&
    x !== undefined &&
    y !== undefined &&
    node.outputs.length === 1 &&
    tf.util.arraysEqual(x.shape, y.shape) &&
    x.dtype === y.dtype
  );
}

function opName(kernelOrScope: string): string {
  return kernelOrScope.replace(/__op$/, '');
}

/**
 * Refuse forward ops whose first-order gradient the second backprop cannot differentiate: those
 * that read a saved output and custom-gradient ops. Only the forward pass matters: ops created by
 * the first backprop are differentiated once, which every registered gradient does correctly.
 */
function auditForwardTape(nodes: readonly TapeNodeLike[]): void {
  try {
    auditNodes(nodes);
  } catch (error) {
    // The engine only frees the tensors saved for backprop when a backprop completes.
    for (const node of activeTape()) for (const t of node.saved ?? []) t.dispose();
    throw error;
  }
}

function auditNodes(nodes: readonly TapeNodeLike[]): void {
  for (const node of nodes) {
    const config = tf.getGradient(node.kernelName);
    if (config != null) {
      if ((config.outputsToSave ?? []).some(Boolean)) {
        throw new SecondOrderUnsupportedError(
          node.kernelName,
          "tfjs-core's gradient of this op reads its saved output, which the second backprop " +
            'treats as a constant, so the result would be silently wrong',
        );
      }
    } else if (node.gradient != null && !isSavedTensorClone(node)) {
      throw new SecondOrderUnsupportedError(
        opName(node.kernelName),
        'it is a custom-gradient op whose backward pass closes over forward values that the ' +
          'second backprop cannot see, so the result would be silently wrong',
      );
    }
  }
}

/**
 * Exact Hessian-vector product `H v = grad (grad L . v)` by double backprop, for losses built from
 * ops whose second derivatives tfjs-core computes correctly (matMul, relu, softplus, elementwise
 * arithmetic, and tanh/sigmoid/exp/softmax through re-registered gradients). Throws
 * {@link SecondOrderUnsupportedError} naming the op otherwise — never a wrong number.
 */
export function exactHessianVectorProduct(
  lossFn: LossFn,
  variables: readonly tf.Variable[],
  vector: readonly tf.Tensor[],
): tf.Tensor[] {
  requireGradients(tf, 'plstar');
  return withInputBasedGradients(() =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        let forward: TapeNodeLike[] = [];
        const inner = tf.variableGrads(() => {
          const start = activeTape().length;
          const value = lossFn();
          forward = activeTape().slice(start);
          return value;
        }, variables as tf.Variable[]);
        auditForwardTape(forward);
        const g = variables.map((v) => inner.grads[v.name] ?? tf.zerosLike(v));
        return dot(g, vector);
      }, variables as tf.Variable[]);
      return variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
    }),
  );
}
