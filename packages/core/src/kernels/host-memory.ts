import * as tf from '@tensorflow/tfjs-core';
import { type DeltaGClipScalarsAttrs, deltaGClipScalarsOf } from './scalars-of.js';
import { heapOffset, simdKernelsFor } from './simd/simd-kernels.js';
import { acceptsWebgl, webglKernelConfigs } from './webgl.js';

/**
 * Core's own one-pass kernels for tfjs's stock backends whose tensors live in host memory: the
 * cpu backend (a typed array per tensor) and tfjs-backend-wasm (views into the wasm heap, with
 * deltaclip's WebAssembly SIMD loops of ./simd over that heap). They need no backend package:
 * they are registered with tfjs-core's registry under core's own kernel names, for the backend
 * names 'cpu' and 'wasm', the first time a dispatcher asks for them, and reach the backend only
 * through the few members below (checked before use, so a different backend that happens to be
 * named 'cpu' or 'wasm' falls back to plain ops).
 *
 * The same implementations are what the @deltaclip/backend adapters register under the shared
 * names (`sharedKernelConfigs`); a kernel registered under a shared name wins over these.
 * {@link kernelFor} also picks core's webgl kernels (./webgl.ts) on tfjs-backend-webgl.
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
  refCount(dataId: tf.DataId): number;
  disposeData(dataId: tf.DataId): boolean;
}

/**
 * One step's telemetry from host values (see TELEMETRY_STEP): the row [gradNorm, h, regime] and
 * the counts plus this step's regime, rounded as tfjs's ops round them.
 */
function telemetryValues(
  inputs: tf.NamedTensorInfoMap,
  read: (info: tf.TensorInfo) => tf.TypedArray,
): { row: number[]; counts: Int32Array } {
  const at = (name: string) => read(inputs[name]!)[0]!;
  const skipped = at('skipped') === 1;
  const code = skipped ? 3 : at('regime');
  const h = skipped ? 0 : Math.fround(at('eta') * at('clipScale'));
  const counts = Int32Array.from(read(inputs.counts!));
  if (code >= 0 && code < counts.length) counts[code]!++;
  return { row: [at('gradNorm'), h, code], counts };
}

/** The attrs of the guarded-axpy kernels (see `guardedAxpy`). */
export interface GuardedAxpyAttrs {
  /** x is a variable about to be assigned the result: its buffer may be written in place. */
  inPlace?: boolean;
}

type Inputs<K extends string> = Record<K, tf.TensorInfo>;

/** The kernels of one host-memory backend, before they get kernel names. */
interface HostKernels {
  guardedAxpy: tf.KernelFunc;
  sumOfSquares: tf.KernelFunc;
  globalSumOfSquares: tf.KernelFunc;
  selectByScalar: tf.KernelFunc;
  deltaGClipScalars: tf.KernelFunc;
  telemetryStep: tf.KernelFunc;
}

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

/**
 * Whether tfjs is recording a gradient tape: a kernel's inputs may then be saved for the backward
 * pass, so none may be overwritten.
 */
function tapeRecording(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state;
  return (state?.gradientDepth ?? 0) > 0;
}

function shareOf(backend: { incRef(dataId: tf.DataId): void }, info: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(info.dataId);
  return { dataId: info.dataId, shape: info.shape, dtype: info.dtype };
}

function cpuKernels(backend: unknown): HostKernels {
  const cpu = backend as CpuBackendLike;
  const view = (info: tf.TensorInfo) => cpu.data.get(info.dataId).values as Float32Array;
  const scalarOut = (value: number) => cpu.makeTensorInfo([], 'float32', Float32Array.of(value));
  return {
    guardedAxpy: ({ inputs }) => {
      const { x, y, alpha, guard } = inputs as Inputs<'x' | 'y' | 'alpha' | 'guard'>;
      // The guard is in host memory: reading it is no device sync.
      if (view(guard)[0] !== 1) return shareOf(cpu, x);
      const a = view(alpha)[0]!;
      const xs = view(x);
      const ys = view(y);
      // Always a fresh array on cpu: the backend's reads (dataSync, data) hand out its arrays
      // themselves, so writing in place would change arrays a user already holds.
      const out = new Float32Array(xs.length);
      // Round the product to float32 first, as tfjs's Mul then Add do.
      for (let i = 0; i < out.length; i++) out[i] = xs[i]! + Math.fround(a * ys[i]!);
      return cpu.makeTensorInfo(x.shape, 'float32', out);
    },
    sumOfSquares: ({ inputs }) => scalarOut(sumOfSquaresF64(view((inputs as Inputs<'x'>).x))),
    globalSumOfSquares: ({ inputs }) => {
      let sum = 0;
      for (const x of Object.values(inputs) as tf.TensorInfo[]) sum += sumOfSquaresF64(view(x));
      return scalarOut(sum);
    },
    selectByScalar: ({ inputs }) => {
      const { condition, a, b } = inputs as Inputs<'condition' | 'a' | 'b'>;
      return shareOf(cpu, view(condition)[0] === 1 ? a : b);
    },
    deltaGClipScalars: ({ inputs, attrs }) => {
      const { gamma, delta } = attrs as unknown as DeltaGClipScalarsAttrs;
      const { scale, regime } = deltaGClipScalarsOf(
        view((inputs as Inputs<'norm'>).norm)[0]!,
        gamma,
        delta,
      );
      return [
        cpu.makeTensorInfo([], 'float32', Float32Array.of(scale)),
        cpu.makeTensorInfo([], 'int32', Int32Array.of(regime)),
      ];
    },
    telemetryStep: ({ inputs }) => {
      const { row, counts } = telemetryValues(
        inputs,
        (info) => cpu.data.get(info.dataId).values as tf.TypedArray,
      );
      return [
        cpu.makeTensorInfo([3], 'float32', Float32Array.from(row)),
        cpu.makeTensorInfo([counts.length], 'int32', counts),
      ];
    },
  };
}

/** The members of tfjs-backend-wasm that tie a tensor's buffer to its id on the C++ side. */
interface WasmTensorRegistry {
  dataIdMap: { get(dataId: tf.DataId): { id: number; memoryOffset: number } | undefined };
  wasm: {
    tfjs: {
      registerTensor(id: number, size: number, memoryOffset: number): void;
      disposeData(id: number): void;
    };
  };
}

/**
 * How to tell tfjs-backend-wasm that a buffer's values changed, or undefined where its members
 * are not there (then nothing is written in place).
 *
 * tfjs tensors are immutable, and tfjs-backend-wasm relies on it: XNNPACK operators (matMul,
 * conv2d, prelu) keep a packed copy of their weight operand keyed by its tensor id, dropped only
 * when that id is disposed. A weight updated in place would keep its stale packed copy, so the
 * id is disposed and registered again over the same memory: the caches drop their copy (the
 * next matMul packs afresh, as it does for a fresh buffer) and the memory stays where it is.
 */
function wasmChanged(backend: unknown): ((info: tf.TensorInfo) => void) | undefined {
  const b = backend as Partial<WasmTensorRegistry>;
  const tfjs = b.wasm?.tfjs;
  if (
    typeof b.dataIdMap?.get !== 'function' ||
    typeof tfjs?.registerTensor !== 'function' ||
    typeof tfjs.disposeData !== 'function'
  ) {
    return undefined;
  }
  return (info) => {
    const entry = b.dataIdMap!.get(info.dataId)!;
    tfjs.disposeData(entry.id);
    tfjs.registerTensor(entry.id, tf.util.sizeFromShape(info.shape), entry.memoryOffset);
  };
}

function wasmKernels(backend: unknown): HostKernels {
  const wasm = backend as WasmBackendLike;
  const changed = wasmChanged(backend);
  const view = (info: tf.TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
  const simd = simdKernelsFor(backend);
  const size = (info: tf.TensorInfo) => tf.util.sizeFromShape(info.shape);
  const sumsq = (x: tf.TensorInfo) =>
    simd !== null ? simd.sumsq(heapOffset(backend, x), size(x)) : sumOfSquaresF64(view(x));
  const scalarOut = (value: number) => {
    // Allocate first: it may grow the heap, which detaches views taken before.
    const out = wasm.makeOutput([], 'float32');
    view(out)[0] = value;
    return out;
  };
  const run = (name: string, inputs: tf.NamedTensorInfoMap): tf.TensorInfo =>
    tf.getKernel(name, 'wasm')!.kernelFunc({
      inputs,
      attrs: {},
      backend: backend as tf.KernelBackend,
    }) as tf.TensorInfo;
  return {
    guardedAxpy: ({ inputs, attrs }) => {
      const { x, y, alpha, guard } = inputs as Inputs<'x' | 'y' | 'alpha' | 'guard'>;
      if (view(guard)[0] !== 1) return shareOf(wasm, x);
      if (simd === null) {
        // tfjs-backend-wasm's own (SIMD or not) Multiply and Add: exactly an SGD step's cost.
        const scaled = run(tf.Multiply, { a: y, b: alpha });
        const out = run(tf.Add, { a: x, b: scaled });
        wasm.disposeData(scaled.dataId);
        return out;
      }
      const a = view(alpha)[0]!;
      // In place when x is a variable's value that nothing else holds: its reads (dataSync,
      // data) copy out of the heap, so no array a user holds can alias it, and a tensor a user
      // holds (a clone, the initial value) raises the count above 1.
      const inPlace =
        changed !== undefined &&
        (attrs as GuardedAxpyAttrs).inPlace === true &&
        wasm.refCount(x.dataId) === 1 &&
        !tapeRecording();
      const out = inPlace ? shareOf(wasm, x) : wasm.makeOutput(x.shape, 'float32');
      simd.axpy(
        heapOffset(backend, x),
        heapOffset(backend, y),
        heapOffset(backend, out),
        size(x),
        a,
      );
      if (inPlace) changed(x);
      return out;
    },
    sumOfSquares: ({ inputs }) => scalarOut(sumsq((inputs as Inputs<'x'>).x)),
    globalSumOfSquares: ({ inputs }) => {
      let sum = 0;
      for (const x of Object.values(inputs) as tf.TensorInfo[]) sum += sumsq(x);
      return scalarOut(sum);
    },
    selectByScalar: ({ inputs }) => {
      const { condition, a, b } = inputs as Inputs<'condition' | 'a' | 'b'>;
      return shareOf(wasm, view(condition)[0] === 1 ? a : b);
    },
    deltaGClipScalars: ({ inputs, attrs }) => {
      const { gamma, delta } = attrs as unknown as DeltaGClipScalarsAttrs;
      const { scale, regime } = deltaGClipScalarsOf(
        view((inputs as Inputs<'norm'>).norm)[0]!,
        gamma,
        delta,
      );
      // Allocate both first: allocating may grow the heap, which detaches views taken before.
      const scaleOut = wasm.makeOutput([], 'float32');
      const regimeOut = wasm.makeOutput([], 'int32');
      view(scaleOut)[0] = scale;
      wasm.typedArrayFromHeap(regimeOut)[0] = regime;
      return [scaleOut, regimeOut];
    },
    telemetryStep: ({ inputs }) => {
      const { row, counts } = telemetryValues(inputs, (info) => wasm.typedArrayFromHeap(info));
      // Allocate both first: allocating may grow the heap, which detaches views taken before.
      const rowOut = wasm.makeOutput([3], 'float32');
      const countsOut = wasm.makeOutput([counts.length], 'int32');
      view(rowOut).set(row);
      wasm.typedArrayFromHeap(countsOut).set(counts);
      return [rowOut, countsOut];
    },
  };
}

const HOST_BACKENDS: Record<
  string,
  { accepts(b: unknown): boolean; kernels(b: unknown): HostKernels }
> = {
  cpu: {
    accepts: (b) => {
      const cpu = b as Partial<CpuBackendLike>;
      return (
        typeof cpu.data?.get === 'function' &&
        typeof cpu.makeTensorInfo === 'function' &&
        typeof cpu.incRef === 'function'
      );
    },
    kernels: cpuKernels,
  },
  wasm: {
    accepts: (b) => {
      const wasm = b as Partial<WasmBackendLike>;
      return (
        typeof wasm.typedArrayFromHeap === 'function' &&
        typeof wasm.makeOutput === 'function' &&
        typeof wasm.incRef === 'function' &&
        typeof wasm.refCount === 'function' &&
        typeof wasm.disposeData === 'function'
      );
    },
    kernels: wasmKernels,
  },
};

/** Kernel names, one per kernel of {@link HostKernels}. */
export interface KernelNames {
  guardedAxpy: string;
  sumOfSquares: string;
  globalSumOfSquares: string;
  selectByScalar: string;
  deltaGClipScalars: string;
  telemetryStep: string;
}

export const HOST_GUARDED_AXPY = 'DeltaClipHostGuardedAxpy';
export const HOST_SUM_OF_SQUARES = 'DeltaClipHostSumOfSquares';
export const HOST_GLOBAL_SUM_OF_SQUARES = 'DeltaClipHostGlobalSumOfSquares';
export const HOST_SELECT_BY_SCALAR = 'DeltaClipHostSelectByScalar';
export const HOST_DELTA_GCLIP_SCALARS = 'DeltaClipHostDeltaGClipScalars';
export const HOST_TELEMETRY_STEP = 'DeltaClipHostTelemetryStep';
/** Core's webgl kernel of FINITE_FLAGS (./finite-flags.ts); the host backends need none. */
export const HOST_FINITE_FLAGS = 'DeltaClipHostFiniteFlags';

export const HOST_KERNEL_NAMES: KernelNames = {
  guardedAxpy: HOST_GUARDED_AXPY,
  sumOfSquares: HOST_SUM_OF_SQUARES,
  globalSumOfSquares: HOST_GLOBAL_SUM_OF_SQUARES,
  selectByScalar: HOST_SELECT_BY_SCALAR,
  deltaGClipScalars: HOST_DELTA_GCLIP_SCALARS,
  telemetryStep: HOST_TELEMETRY_STEP,
};

/**
 * Core's host-memory kernels of `backendName` ('cpu' or 'wasm') under the given names. Each call
 * binds its backend lazily (per backend instance), so the configs may be registered before the
 * backend exists.
 */
export function hostKernelConfigs(
  backendName: 'cpu' | 'wasm',
  names: KernelNames = HOST_KERNEL_NAMES,
): tf.KernelConfig[] {
  const host = HOST_BACKENDS[backendName]!;
  const bound = new WeakMap<object, HostKernels>();
  const of = (backend: object): HostKernels => {
    let kernels = bound.get(backend);
    if (kernels === undefined) {
      kernels = host.kernels(backend);
      bound.set(backend, kernels);
    }
    return kernels;
  };
  return (Object.keys(names) as (keyof KernelNames)[]).map((kind) => ({
    kernelName: names[kind],
    backendName,
    kernelFunc: (args) => of(args.backend as object)[kind](args),
  }));
}

const registered = new Set<string>();

/** Register core's kernels for one backend name under core's own names, once. */
export function registerCoreKernels(backendName: string, configs: () => tf.KernelConfig[]): void {
  if (registered.has(backendName)) return;
  registered.add(backendName);
  for (const config of configs()) {
    // Another copy of core may have registered them already.
    if (tf.getKernel(config.kernelName, backendName) === undefined) tf.registerKernel(config);
  }
}

/** A backend core has kernels for: whether the active backend is one, and its configs. */
interface CoreBackend {
  accepts(backend: unknown): boolean;
  configs(): tf.KernelConfig[];
  /** The dtypes its kernels take. */
  dtypes: readonly tf.DataType[];
}

const CORE_BACKENDS: Readonly<Record<string, CoreBackend>> = {
  cpu: {
    accepts: HOST_BACKENDS.cpu!.accepts,
    configs: () => hostKernelConfigs('cpu'),
    dtypes: ['float32', 'bool'],
  },
  wasm: {
    accepts: HOST_BACKENDS.wasm!.accepts,
    configs: () => hostKernelConfigs('wasm'),
    dtypes: ['float32', 'bool'],
  },
  webgl: {
    accepts: acceptsWebgl,
    configs: () => webglKernelConfigs({ ...HOST_KERNEL_NAMES, finiteFlags: HOST_FINITE_FLAGS }),
    dtypes: ['float32', 'bool'],
  },
};

/**
 * The kernel to run for `shared` (the name @deltaclip/backend registers) on the active backend:
 * the shared one if registered, else core's own one (`core`) when the active backend is one core
 * has kernels for (tfjs's cpu, wasm or webgl backend) and every input has a dtype they take, else
 * undefined (use plain ops).
 */
export function kernelFor(
  shared: string,
  core: string,
  inputs: readonly tf.Tensor[],
): string | undefined {
  const name = tf.getBackend();
  if (tf.getKernel(shared, name) !== undefined) return shared;
  const backend = Object.hasOwn(CORE_BACKENDS, name) ? CORE_BACKENDS[name] : undefined;
  if (backend === undefined || !backend.accepts(tf.backend())) return undefined;
  if (!inputs.every((t) => backend.dtypes.includes(t.dtype))) return undefined;
  registerCoreKernels(name, backend.configs);
  // Registered once; whoever unregisters one later (the bench does) gets plain ops.
  return tf.getKernel(core, name) === undefined ? undefined : core;
}
