import { useBackend } from '@deltaclip/backend';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type Computed, computeOn, maxScaledError, seeded } from '../../test/on-backends.js';
import { wasmBackend } from '../wasm-backend.js';
import { conv2dFilterGradient } from './conv2d-backprop-filter-wasm.js';
import { replacedWasmKernel } from './register-wasm-kernels.js';

await useBackend(wasmBackend);

type Shape4 = [number, number, number, number];

/** TensorFlow's 'same'/'valid' output size and leading padding along one axis. */
function axis(
  size: number,
  filter: number,
  stride: number,
  dilation: number,
  pad: 'same' | 'valid',
) {
  const span = (filter - 1) * dilation + 1;
  const out = pad === 'same' ? Math.ceil(size / stride) : Math.ceil((size - span + 1) / stride);
  const total = pad === 'same' ? Math.max((out - 1) * stride + span - size, 0) : 0;
  return { out, before: Math.floor(total / 2) };
}

interface ConvCase {
  readonly x: Shape4;
  readonly filter: Shape4;
  readonly stride: number;
  readonly dilation?: number;
  readonly pad: 'same' | 'valid';
}

/**
 * Float64 references, by the definition of a (depthwise) convolution: every (output, tap) pair
 * contributes x[n, iy, ix, c] * w[ky, kx, c, k] to y[n, oy, ox, k]; the gradients sum the same
 * products against dy.
 */
function convTaps(
  c: ConvCase,
  depthwise: boolean,
  visit: (xi: number, wi: number, yi: number) => void,
) {
  const [n, h, w, ci] = c.x;
  const [fh, fw, , k] = c.filter;
  const d = c.dilation ?? 1;
  const ay = axis(h, fh, c.stride, d, c.pad);
  const ax = axis(w, fw, c.stride, d, c.pad);
  const co = depthwise ? ci * k : k;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ay.out; oy++)
      for (let ox = 0; ox < ax.out; ox++)
        for (let ky = 0; ky < fh; ky++)
          for (let kx = 0; kx < fw; kx++) {
            const iy = oy * c.stride - ay.before + ky * d;
            const ix = ox * c.stride - ax.before + kx * d;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let ch = 0; ch < ci; ch++)
              for (let j = 0; j < (depthwise ? k : co); j++) {
                const out = depthwise ? ch * k + j : j;
                visit(
                  ((b * h + iy) * w + ix) * ci + ch,
                  ((ky * fw + kx) * ci + ch) * k + j,
                  ((b * ay.out + oy) * ax.out + ox) * co + out,
                );
              }
          }
  return { outShape: [n, ay.out, ax.out, co] as Shape4 };
}

function outShape(c: ConvCase, depthwise: boolean): Shape4 {
  return convTaps({ ...c, x: [0, c.x[1], c.x[2], c.x[3]] }, depthwise, () => {}).outShape.map(
    (v, i) => (i === 0 ? c.x[0] : v),
  ) as Shape4;
}

const conv2dCases: ConvCase[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 9, 8, 3], filter: [3, 2, 3, 5], stride: 2, pad: 'valid' },
  { x: [3, 6, 6, 2], filter: [3, 3, 2, 3], stride: 2, pad: 'same' },
  { x: [2, 4, 4, 16], filter: [1, 1, 16, 8], stride: 1, pad: 'valid' },
  { x: [4, 16, 16, 16], filter: [3, 3, 16, 6], stride: 1, pad: 'same' },
];

describe('Conv2DBackpropFilter on wasm', () => {
  for (const c of conv2dCases) {
    it(`matches float64 and the cpu backend for x ${c.x}, filter ${c.filter}, stride ${c.stride}, ${c.pad}`, async () => {
      const dyShape = outShape(c, false);
      const x = seeded(tf.util.sizeFromShape(c.x), 1);
      const dy = seeded(tf.util.sizeFromShape(dyShape), 2);
      const expected = new Float64Array(tf.util.sizeFromShape(c.filter));
      convTaps(c, false, (xi, wi, yi) => {
        expected[wi]! += x[xi]! * dy[yi]!;
      });
      const run = () =>
        tf
          .engine()
          .runKernel(
            tf.Conv2DBackpropFilter,
            { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, dyShape) },
            { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter } as never,
          ) as tf.Tensor;
      const before = tf.memory().numTensors;
      const wasm = await computeOn('wasm', run);
      expect(tf.memory().numTensors).toBe(before);
      const cpu = await computeOn('cpu', run);
      expect(wasm.shape).toEqual(c.filter);
      expect(maxScaledError(wasm.values, expected)).toBeLessThan(1e-6);
      expect(maxScaledError(wasm.values, cpu.values)).toBeLessThan(1e-6);
    });
  }

  it('gives the same gradient when the patch matrix is built a few images at a time', async () => {
    const c: ConvCase = { x: [5, 6, 6, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' };
    const dyShape = outShape(c, false);
    const x = seeded(tf.util.sizeFromShape(c.x), 7);
    const dy = seeded(tf.util.sizeFromShape(dyShape), 8);
    const expected = new Float64Array(tf.util.sizeFromShape(c.filter));
    convTaps(c, false, (xi, wi, yi) => {
      expected[wi]! += x[xi]! * dy[yi]!;
    });
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, 1, 'same');
    const before = tf.memory().numTensors;
    // Room for two images' patches (36 positions x 27 taps each): chunks of 2, 2 and 1 images.
    const chunked = await computeOn('wasm', () => {
      const backend = tf.backend() as never;
      const out = conv2dFilterGradient(
        backend,
        backend,
        tf.tensor4d(x, c.x),
        tf.tensor4d(dy, dyShape),
        info,
        2 * 36 * 27,
      );
      return tf.engine().makeTensorFromTensorInfo(out);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(chunked.shape).toEqual(c.filter);
    expect(maxScaledError(chunked.values, expected)).toBeLessThan(1e-6);
  });

  it('refuses NCHW with a clear message', () => {
    const run = () =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropFilter,
          { x: tf.zeros([1, 2, 4, 4]), dy: tf.zeros([1, 2, 4, 4]) },
          { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 2, 2] } as never,
        );
    expect(() => tf.tidy(run)).toThrow("supports dataFormat 'NHWC' only (got 'NCHW')");
  });
});

const depthwiseCases: ConvCase[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 2], stride: 1, pad: 'same' },
  { x: [2, 8, 9, 4], filter: [3, 3, 4, 1], stride: 2, pad: 'valid' },
  { x: [1, 9, 9, 2], filter: [3, 3, 2, 3], stride: 1, dilation: 2, pad: 'same' },
];

/**
 * tfjs-backend-cpu 4.22's depthwise backprops ignore `dilations` (tfjs's gradient of
 * depthwiseConv2d refuses dilations > 1, so they never see one): with a dilation the cpu backend is
 * wrong and only the float64 reference applies; the check below proves the cpu result differs.
 */
async function compareWithCpu(c: ConvCase, wasm: Computed, run: () => tf.Tensor): Promise<void> {
  const cpu = await computeOn('cpu', run);
  if ((c.dilation ?? 1) === 1) expect(maxScaledError(wasm.values, cpu.values)).toBeLessThan(1e-6);
  else expect(maxScaledError(wasm.values, cpu.values)).toBeGreaterThan(0.1);
}

describe('DepthwiseConv2dNative backprops on wasm', () => {
  for (const c of depthwiseCases) {
    const name = `x ${c.x}, filter ${c.filter}, stride ${c.stride}, dilation ${c.dilation ?? 1}, ${c.pad}`;
    const dyShape = outShape(c, true);
    const x = seeded(tf.util.sizeFromShape(c.x), 3);
    const w = seeded(tf.util.sizeFromShape(c.filter), 4);
    const dy = seeded(tf.util.sizeFromShape(dyShape), 5);
    const attrs = { strides: c.stride, dilations: c.dilation ?? 1, pad: c.pad };

    it(`BackpropInput matches float64 and cpu for ${name}`, async () => {
      const expected = new Float64Array(x.length);
      convTaps(c, true, (xi, wi, yi) => {
        expected[xi]! += w[wi]! * dy[yi]!;
      });
      const run = () =>
        tf
          .engine()
          .runKernel(
            tf.DepthwiseConv2dNativeBackpropInput,
            { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(w, c.filter) },
            { ...attrs, inputShape: c.x } as never,
          ) as tf.Tensor;
      const wasm = await computeOn('wasm', run);
      expect(wasm.shape).toEqual(c.x);
      expect(maxScaledError(wasm.values, expected)).toBeLessThan(1e-6);
      await compareWithCpu(c, wasm, run);
    });

    it(`BackpropFilter matches float64 and cpu for ${name}`, async () => {
      const expected = new Float64Array(w.length);
      convTaps(c, true, (xi, wi, yi) => {
        expected[wi]! += x[xi]! * dy[yi]!;
      });
      const run = () =>
        tf
          .engine()
          .runKernel(
            tf.DepthwiseConv2dNativeBackpropFilter,
            { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, dyShape) },
            { ...attrs, filterShape: c.filter } as never,
          ) as tf.Tensor;
      const wasm = await computeOn('wasm', run);
      expect(wasm.shape).toEqual(c.filter);
      expect(maxScaledError(wasm.values, expected)).toBeLessThan(1e-6);
      await compareWithCpu(c, wasm, run);
    });
  }
});

describe('UnsortedSegmentSum on wasm', () => {
  const x = seeded(18, 6);
  const ids = [0, 2, 2, 5, -1, 1];

  it('sums rows by segment, drops ids outside [0, numSegments), and matches cpu', async () => {
    const expected = new Float64Array(4 * 3);
    ids.forEach((s, i) => {
      if (s >= 0 && s < 4) for (let j = 0; j < 3; j++) expected[s * 3 + j]! += x[i * 3 + j]!;
    });
    const run = () => tf.unsortedSegmentSum(tf.tensor2d(x, [6, 3]), tf.tensor1d(ids, 'int32'), 4);
    const wasm = await computeOn('wasm', run);
    const cpu = await computeOn('cpu', run);
    expect(wasm.shape).toEqual([4, 3]);
    expect(maxScaledError(wasm.values, expected)).toBeLessThan(1e-7);
    expect(maxScaledError(wasm.values, cpu.values)).toBeLessThan(1e-7);
  });

  it('sums int32 values exactly', async () => {
    const run = () =>
      tf.unsortedSegmentSum(
        tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'),
        tf.tensor1d([1, 1, 0], 'int32'),
        2,
      );
    const wasm = await computeOn('wasm', run);
    expect(wasm.values).toBeInstanceOf(Int32Array);
    expect(Array.from(wasm.values)).toEqual([5, 6, 4, 6]);
  });

  it('takes ids over several leading dimensions, as TensorFlow does', async () => {
    const run = () =>
      tf.engine().runKernel(
        tf.UnsortedSegmentSum,
        {
          x: tf.tensor3d(x, [2, 3, 3]),
          segmentIds: tf.tensor2d(
            [
              [1, 0, 1],
              [2, 2, 0],
            ],
            [2, 3],
            'int32',
          ),
        },
        { numSegments: 3 } as never,
      ) as tf.Tensor;
    const wasm = await computeOn('wasm', run);
    const expected = new Float64Array(9);
    [1, 0, 1, 2, 2, 0].forEach((s, i) => {
      for (let j = 0; j < 3; j++) expected[s * 3 + j]! += x[i * 3 + j]!;
    });
    expect(wasm.shape).toEqual([3, 3]);
    expect(maxScaledError(wasm.values, expected)).toBeLessThan(1e-6);
  });
});

describe('MaxPoolGrad on wasm (replacing tfjs-backend-wasm 4.22 own)', () => {
  /** Float64 reference: the gradient goes to the first largest input of each window. */
  function reference(
    x: Float32Array,
    shape: Shape4,
    dy: Float32Array,
    size: number,
    stride: number,
    pad: 'same' | 'valid',
  ) {
    const [n, h, w, c] = shape;
    const ay = axis(h, size, stride, 1, pad);
    const ax = axis(w, size, stride, 1, pad);
    const dx = new Float64Array(x.length);
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < ay.out; oy++)
        for (let ox = 0; ox < ax.out; ox++)
          for (let ch = 0; ch < c; ch++) {
            let best = -Infinity;
            let at = -1;
            for (let ky = 0; ky < size; ky++)
              for (let kx = 0; kx < size; kx++) {
                const iy = oy * stride - ay.before + ky;
                const ix = ox * stride - ax.before + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                const i = ((b * h + iy) * w + ix) * c + ch;
                if (x[i]! > best) [best, at] = [x[i]!, i];
              }
            dx[at]! += dy[((b * ay.out + oy) * ax.out + ox) * c + ch]!;
          }
    return { dx, outShape: [n, ay.out, ax.out, c] as Shape4 };
  }

  for (const [shape, size, stride, pad] of [
    [[2, 6, 6, 3], 2, 2, 'valid'],
    [[2, 7, 7, 2], 3, 1, 'same'],
    [[1, 9, 8, 4], 3, 2, 'same'],
  ] as [Shape4, number, number, 'same' | 'valid'][]) {
    it(`matches float64 and cpu for x ${shape}, window ${size}, stride ${stride}, ${pad}`, async () => {
      const x = seeded(tf.util.sizeFromShape(shape), 11);
      const { dx, outShape: dyShape } = reference(x, shape, new Float32Array(0), size, stride, pad);
      const dy = seeded(tf.util.sizeFromShape(dyShape), 12);
      const expected = reference(x, shape, dy, size, stride, pad).dx;
      expect(dx.length).toBe(x.length);
      const run = () =>
        tf.grad((input: tf.Tensor) =>
          tf.sum(
            tf.mul(tf.maxPool(input as tf.Tensor4D, size, stride, pad), tf.tensor4d(dy, dyShape)),
          ),
        )(tf.tensor4d(x, shape));
      const wasm = await computeOn('wasm', run);
      const cpu = await computeOn('cpu', run);
      expect(maxScaledError(wasm.values, expected)).toBeLessThan(1e-6);
      expect(maxScaledError(wasm.values, cpu.values)).toBeLessThan(1e-6);
    });
  }

  it("is needed: tfjs-backend-wasm's own kernel drops the gradient of an all-negative window", async () => {
    const x = tf.tensor4d([0, 0.99, -0.26, -0.93, 0.49, 0.8, -0.7, -0.62], [1, 2, 4, 1]);
    const dy = tf.tensor4d([1, 2], [1, 1, 2, 1]);
    const ours = tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output: x }, {
      filterSize: 2,
      strides: 2,
      pad: 'valid',
    } as never) as tf.Tensor;
    const original = replacedWasmKernel(tf.MaxPoolGrad)!;
    // Replaced before the backend started, so its setup (binding the C++ function) never ran.
    original.setupFunc!(tf.backend());
    const theirs = tf.engine().makeTensorFromTensorInfo(
      original.kernelFunc({
        inputs: { dy, input: x, output: x },
        backend: tf.backend(),
        attrs: { filterSize: 2, strides: 2, pad: 'valid' },
      }) as tf.TensorInfo,
    );
    expect(Array.from(await ours.data())).toEqual([0, 1, 2, 0, 0, 0, 0, 0]);
    expect(Array.from(await theirs.data())).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
    tf.dispose([x, dy, ours, theirs]);
  });
});
