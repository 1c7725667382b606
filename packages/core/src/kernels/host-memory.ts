import * as tf from '@tensorflow/tfjs-core';

/**
 * Core's own one-pass kernels for tfjs's stock backends whose tensors live in host memory: the
 * cpu backend (a typed array per tensor) and tfjs-backend-wasm (views into the wasm heap). They
 * need no backend package: they are registered with tfjs-core's registry under core's own kernel
 * names, for the backend names 'cpu' and 'wasm', the first time a dispatcher asks for them, and
 * reach the backend only through the few members below (checked before use, so a different
 * backend that happens to be named 'cpu' or 'wasm' falls back to plain ops).
 *
 * The kernels of @deltaclip/backend (registered under the shared names, e.g. wasm SIMD) win
 * where present; these make a stock-backend δ-GClip step cost about what an SGD step costs.
 */

/** The slice of tfjs-backend-cpu's MathBackendCPU used here. */
interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values?: tf.backend_util.BackendValues } };
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
  incRef(dataId: tf.DataId): void;
}

/** The slice of tfjs-backend-wasm's BackendWasm used here. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  incRef(dataId: tf.DataId): void;
}

/** Typed-array access to a host-memory backend, whichever of the two it is. */
interface HostMemory {
  view(info: tf.TensorInfo): tf.TypedArray;
  /** A new float32 tensor; `fill` writes its values (views taken after allocating stay valid). */
  output(shape: number[], fill: (out: Float32Array) => void): tf.TensorInfo;
  share(info: tf.TensorInfo): tf.TensorInfo;
}

function cpuMemory(backend: CpuBackendLike): HostMemory {
  return {
    view: (info) => backend.data.get(info.dataId).values as tf.TypedArray,
    output(shape, fill) {
      const out = new Float32Array(tf.util.sizeFromShape(shape));
      fill(out);
      return backend.makeTensorInfo(shape, 'float32', out);
    },
    share(info) {
      backend.incRef(info.dataId);
      return { dataId: info.dataId, shape: info.shape, dtype: info.dtype };
    },
  };
}

function wasmMemory(backend: WasmBackendLike): HostMemory {
  return {
    view: (info) => backend.typedArrayFromHeap(info),
    output(shape, fill) {
      // Allocate first: it may grow the heap, which detaches views taken before.
      const out = backend.makeOutput(shape, 'float32');
      fill(backend.typedArrayFromHeap(out) as Float32Array);
      return out;
    },
    share(info) {
      backend.incRef(info.dataId);
      return { dataId: info.dataId, shape: info.shape, dtype: info.dtype };
    },
  };
}

const MEMORY: Record<string, (backend: unknown) => HostMemory | undefined> = {
  cpu: (b) => {
    const cpu = b as Partial<CpuBackendLike>;
    return typeof cpu.data?.get === 'function' &&
      typeof cpu.makeTensorInfo === 'function' &&
      typeof cpu.incRef === 'function'
      ? cpuMemory(cpu as CpuBackendLike)
      : undefined;
  },
  wasm: (b) => {
    const wasm = b as Partial<WasmBackendLike>;
    return typeof wasm.typedArrayFromHeap === 'function' &&
      typeof wasm.makeOutput === 'function' &&
      typeof wasm.incRef === 'function' &&
      typeof (wasm as { disposeData?: unknown }).disposeData === 'function'
      ? wasmMemory(wasm as WasmBackendLike)
      : undefined;
  },
};

/**
 * sum_i x_i^2 in float64 with four independent accumulators: one read-only pass the JIT keeps in
 * registers, faster than a matMul of x with itself and more accurate than float32 accumulation.
 * A NaN or Infinity anywhere gives a non-finite sum.
 */
export function sumOfSquaresF64(values: ArrayLike<number>): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = values.length;
  const end = n - (n % 4);
  for (let i = 0; i < end; i += 4) {
    const a = values[i]!;
    const b = values[i + 1]!;
    const c = values[i + 2]!;
    const d = values[i + 3]!;
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (let i = end; i < n; i++) s0 += values[i]! * values[i]!;
  return s0 + s1 + s2 + s3;
}

export const HOST_GUARDED_AXPY = 'DeltaClipHostGuardedAxpy';
export const HOST_SUM_OF_SQUARES = 'DeltaClipHostSumOfSquares';
export const HOST_SELECT_BY_SCALAR = 'DeltaClipHostSelectByScalar';

type Inputs<K extends string> = Record<K, tf.TensorInfo>;

/**
 * x + alpha * y on tfjs-backend-wasm through its own (SIMD) Multiply and Add kernels: exactly an
 * SGD step's cost, which a JavaScript loop over the heap does not reach.
 */
function wasmAxpy(
  x: tf.TensorInfo,
  y: tf.TensorInfo,
  alpha: tf.TensorInfo,
  backend: unknown,
): tf.TensorInfo {
  const run = (name: string, inputs: tf.NamedTensorInfoMap): tf.TensorInfo =>
    tf.getKernel(name, 'wasm')!.kernelFunc({
      inputs,
      attrs: {},
      backend: backend as tf.KernelBackend,
    }) as tf.TensorInfo;
  const scaled = run(tf.Multiply, { a: y, b: alpha });
  const out = run(tf.Add, { a: x, b: scaled });
  (backend as { disposeData(id: tf.DataId): boolean }).disposeData(scaled.dataId);
  return out;
}

function kernels(backendName: string, memoryOf: (b: unknown) => HostMemory): tf.KernelConfig[] {
  return [
    {
      kernelName: HOST_GUARDED_AXPY,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { x, y, alpha, guard } = inputs as Inputs<'x' | 'y' | 'alpha' | 'guard'>;
        const memory = memoryOf(backend);
        // The guard is in host memory: reading it is no device sync.
        if (memory.view(guard)[0] !== 1) return memory.share(x);
        if (backendName === 'wasm') return wasmAxpy(x, y, alpha, backend);
        const a = memory.view(alpha)[0]!;
        return memory.output(x.shape, (out) => {
          const xs = memory.view(x);
          const ys = memory.view(y);
          // Round the product to float32 first, as tfjs's Mul then Add do.
          for (let i = 0; i < out.length; i++) out[i] = xs[i]! + Math.fround(a * ys[i]!);
        });
      },
    },
    {
      kernelName: HOST_SUM_OF_SQUARES,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { x } = inputs as Inputs<'x'>;
        const memory = memoryOf(backend);
        const sum = sumOfSquaresF64(memory.view(x));
        return memory.output([], (out) => {
          out[0] = sum;
        });
      },
    },
    {
      kernelName: HOST_SELECT_BY_SCALAR,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { condition, a, b } = inputs as Inputs<'condition' | 'a' | 'b'>;
        const memory = memoryOf(backend);
        return memory.share(memory.view(condition)[0] === 1 ? a : b);
      },
    },
  ];
}

let registered = false;

function registerHostKernels(): void {
  registered = true;
  for (const [backendName, memoryOf] of Object.entries(MEMORY)) {
    for (const config of kernels(backendName, (b) => memoryOf(b)!)) {
      // Another copy of core may have registered them already.
      if (tf.getKernel(config.kernelName, backendName) === undefined) tf.registerKernel(config);
    }
  }
}

/**
 * The kernel to run for `shared` (the name @deltaclip/backend registers) on the active backend:
 * the shared one if registered, else core's host-memory one when the active backend is tfjs's
 * cpu or wasm backend and every input is float32 (bool for flags), else undefined (use plain ops).
 */
export function kernelFor(
  shared: string,
  host: string,
  inputs: readonly tf.Tensor[],
): string | undefined {
  const name = tf.getBackend();
  if (tf.getKernel(shared, name) !== undefined) return shared;
  const memoryOf = Object.hasOwn(MEMORY, name) ? MEMORY[name] : undefined;
  if (memoryOf === undefined || memoryOf(tf.backend()) === undefined) return undefined;
  if (!inputs.every((t) => t.dtype === 'float32' || t.dtype === 'bool')) return undefined;
  if (!registered) registerHostKernels();
  // Registered once; whoever unregisters one later (the bench does) gets plain ops.
  return tf.getKernel(host, name) === undefined ? undefined : host;
}
