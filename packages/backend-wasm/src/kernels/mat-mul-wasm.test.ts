import { useBackend } from '@deltaclip/backend';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { computeOn, maxScaledError, seeded } from '../../test/on-backends.js';
import { wasmBackend } from '../wasm-backend.js';
import { isWasmMatMulWrapper } from './mat-mul-wasm.js';
import { replacedWasmKernel } from './register-wasm-kernels.js';

await useBackend(wasmBackend);

type Shape3 = [number, number, number];

describe('matMul on wasm', () => {
  it('runs through the wrapper, keeping the original kernels underneath', () => {
    expect(isWasmMatMulWrapper(tf.getKernel(tf.BatchMatMul, 'wasm'))).toBe(true);
    expect(isWasmMatMulWrapper(tf.getKernel(tf._FusedMatMul, 'wasm'))).toBe(true);
    expect(isWasmMatMulWrapper(replacedWasmKernel(tf.BatchMatMul))).toBe(false);
  });

  for (const [transposeA, transposeB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`gives the cpu result for transposeA ${transposeA}, transposeB ${transposeB}, batched and fused`, async () => {
      const aShape: Shape3 = transposeA ? [3, 7, 5] : [3, 5, 7];
      const bShape: Shape3 = transposeB ? [1, 4, 7] : [1, 7, 4];
      const a = seeded(3 * 5 * 7, 1);
      const b = seeded(28, 2);
      const bias = seeded(4, 3);
      const plain = () =>
        tf.matMul(tf.tensor3d(a, aShape), tf.tensor3d(b, bShape), transposeA, transposeB);
      const fused = () =>
        tf.fused.matMul({
          a: tf.tensor3d(a, aShape),
          b: tf.tensor3d(b, bShape),
          transposeA,
          transposeB,
          bias: tf.tensor1d(bias),
          activation: 'relu',
        });
      for (const run of [plain, fused]) {
        const before = tf.memory().numTensors;
        const wasm = await computeOn('wasm', run);
        expect(tf.memory().numTensors).toBe(before);
        const cpu = await computeOn('cpu', run);
        expect(wasm.shape).toEqual([3, 5, 4]);
        expect(maxScaledError(wasm.values, cpu.values)).toBeLessThan(1e-6);
      }
    });
  }

  const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const;
  for (const [biasShape, batch] of [
    [[4], 2],
    [[5, 4], 2],
    [[5, 1], 1],
  ] as const) {
    it(`adds a bias of shape [${biasShape}] over ${batch} matri${batch === 1 ? 'x' : 'ces'} like cpu, for every activation`, async () => {
      const a = seeded(batch * 35, 4);
      const b = seeded(28, 5);
      const bias = seeded(biasShape[0] * (biasShape[1] ?? 1), 6);
      for (const activation of activations) {
        const run = () =>
          tf.fused.matMul({
            a: tf.tensor3d(a, [batch, 5, 7]),
            b: tf.tensor2d(b, [7, 4]) as unknown as tf.Tensor3D,
            bias: tf.tensor(bias, [...biasShape]),
            activation,
            preluActivationWeights: activation === 'prelu' ? tf.scalar(0.3) : undefined,
            leakyreluAlpha: 0.1,
          });
        const wasm = await computeOn('wasm', run);
        const cpu = await computeOn('cpu', run);
        expect(maxScaledError(wasm.values, cpu.values), activation).toBeLessThan(1e-6);
      }
    });
  }

  it("is needed: tfjs-backend-wasm's own fused matMul adds a bias wrongly over a batch", async () => {
    const original = replacedWasmKernel(tf._FusedMatMul)!;
    original.setupFunc?.(tf.backend());
    const a = tf.tensor3d(seeded(70, 7), [2, 5, 7]);
    const b = tf.tensor3d(seeded(28, 8), [1, 7, 4]);
    const bias = tf.tensor1d([1, 2, 3, 4]);
    const theirs = tf.engine().makeTensorFromTensorInfo(
      original.kernelFunc({
        inputs: { a, b, bias },
        backend: tf.backend(),
        attrs: { transposeA: false, transposeB: false, activation: 'linear' },
      }) as tf.TensorInfo,
    );
    const expected = tf.add(tf.matMul(a, b), bias);
    const ours = tf.fused.matMul({ a, b, bias });
    expect(maxScaledError(await ours.data(), await expected.data())).toBeLessThan(1e-6);
    expect(maxScaledError(await theirs.data(), await expected.data())).toBeGreaterThan(0.1);
    tf.dispose([a, b, bias, theirs, expected, ours]);
  });
});
