import * as tf from '@tensorflow/tfjs-core';
import { runWasmKernel, type WasmBackendLike } from './wasm-backend-like.js';

/** The wrappers made here, so that wrapping is idempotent. */
const wrappers = new WeakSet<tf.KernelFunc>();

/** x with its last two dimensions swapped, by the backend's Transpose kernel (one SIMD pass). */
function transposeLastTwo(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return runWasmKernel(tf.Transpose, { x }, { perm }, backend);
}

interface FusedAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

/** tfjs's fused activations, as the wasm kernels that compute them. */
function activate(
  x: tf.TensorInfo,
  attrs: FusedAttrs,
  preluWeights: tf.TensorInfo | undefined,
  backend: unknown,
): tf.TensorInfo {
  switch (attrs.activation ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return runWasmKernel(tf.Relu, { x }, {}, backend);
    case 'relu6':
      return runWasmKernel(tf.Relu6, { x }, {}, backend);
    case 'elu':
      return runWasmKernel(tf.Elu, { x }, {}, backend);
    case 'sigmoid':
      return runWasmKernel(tf.Sigmoid, { x }, {}, backend);
    case 'leakyrelu':
      return runWasmKernel(tf.LeakyRelu, { x }, { alpha: attrs.leakyreluAlpha ?? 0.2 }, backend);
    case 'prelu':
      return runWasmKernel(tf.Prelu, { x, alpha: preluWeights! }, {}, backend);
    default:
      throw new Error(`_FusedMatMul on wasm: unknown activation '${attrs.activation}'`);
  }
}

/**
 * Wraps tfjs-backend-wasm's BatchMatMul or _FusedMatMul to work around two problems of 4.22:
 *
 * - Its transposed-operand paths run about ten times slower than the plain one (measured here:
 *   2.2-2.4 against 26 GFLOP/s for 128x784 by 784x256), and every matMul gradient uses them
 *   (dA = dC B^T, dB = A^T dC). A transposed operand is transposed first (one pass) instead.
 * - Its _FusedMatMul adds the bias wrongly when there is more than one matrix in the batch (only
 *   the first row of each matrix gets the right bias), and refuses a bias of rank above 1. Such
 *   products run as matMul, then Add (broadcasting the bias), then the activation.
 */
export function wasmMatMul(original: tf.KernelConfig): tf.KernelConfig {
  if (wrappers.has(original.kernelFunc)) return original;
  const kernelFunc: tf.KernelFunc = (args) => {
    const attrs = args.attrs as FusedAttrs;
    const inputs = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const wasm = args.backend as unknown as WasmBackendLike;
    const { bias, preluActivationWeights } = inputs;
    const batch = Math.max(
      tf.util.sizeFromShape(inputs.a!.shape.slice(0, -2)),
      tf.util.sizeFromShape(inputs.b!.shape.slice(0, -2)),
    );
    const splitBias = bias !== undefined && (batch > 1 || bias.shape.length > 1);
    if (!attrs.transposeA && !attrs.transposeB && !splitBias) return original.kernelFunc(args);
    const a = attrs.transposeA ? transposeLastTwo(inputs.a!, args.backend) : inputs.a!;
    const b = attrs.transposeB ? transposeLastTwo(inputs.b!, args.backend) : inputs.b!;
    const untransposed = { ...args.attrs, transposeA: false, transposeB: false };
    let out: tf.TensorInfo;
    if (splitBias) {
      const product = original.kernelFunc({
        ...args,
        inputs: { a, b },
        attrs: { ...untransposed, activation: 'linear' },
      }) as tf.TensorInfo;
      const biased = runWasmKernel(tf.Add, { a: product, b: bias }, {}, args.backend);
      wasm.disposeData(product.dataId);
      out = activate(biased, attrs, preluActivationWeights, args.backend);
      if (out !== biased) wasm.disposeData(biased.dataId);
    } else {
      out = original.kernelFunc({
        ...args,
        inputs: { ...inputs, a, b },
        attrs: untransposed,
      }) as tf.TensorInfo;
    }
    if (a !== inputs.a) wasm.disposeData(a.dataId);
    if (b !== inputs.b) wasm.disposeData(b.dataId);
    return out;
  };
  wrappers.add(kernelFunc);
  return { ...original, kernelFunc };
}

/** Whether a kernel is one of these wrappers. */
export function isWasmMatMulWrapper(config: tf.KernelConfig | undefined): boolean {
  return config !== undefined && wrappers.has(config.kernelFunc);
}
