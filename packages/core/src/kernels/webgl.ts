import * as tf from '@tensorflow/tfjs-core';

/**
 * Core's own kernels for tfjs's WebGL backend, without importing it: the backend is reached only
 * through `compileAndRun(program, inputs, dtype)` with a GPGPU program object (`variableNames`,
 * `outputShape`, `userCode`, `packedInputs` / `packedOutput`: tfjs-backend-webgl compiles the
 * fragment shader, with a getter per input such as `getX(i)` / `getXAtOutCoords()` and
 * `setOutput(v)`, and caches it by its source and shapes), its `texData` records (whether a
 * texture is packed), and its own kernels looked up by name in tfjs-core's registry.
 *
 * The stock fallbacks cost what the shaders below save: the sum of squares as a matMul of a
 * [1, n] row by itself runs n multiply-adds in ONE fragment (no parallelism at all), and a guarded
 * update is mul, add, then where (which tiles its scalar condition to the full shape): four
 * full-size passes. Here the squared norm of all variables is one square-and-partial-sum pass per
 * variable, reading its texture in its own order (WebGL2's texelFetch), and one final pass over
 * all the partial sums; the guarded update is one pass; δ-GClip's scale and regime, the guard
 * and a step's telemetry are one-fragment shaders (each scalar op would be a shader run of its
 * own). Every program reads its inputs in the layout most of them have: tfjs packs four values a
 * texel by default (its own ops, SGD's among them, read and write packed), and it converts any
 * input in the other layout with a pass of its own first, a scalar included. Nothing is read back
 * to the host, so steps queue on the GPU.
 */

/** The slice of tfjs-backend-webgl's MathBackendWebGL used here. */
interface WebglBackendLike {
  compileAndRun(program: GpgpuProgram, inputs: tf.TensorInfo[], dtype?: tf.DataType): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values?: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
  /** Its per-tensor texture records; `isPacked` says how a texture holds its values. */
  texData?: { get(dataId: tf.DataId): { isPacked?: boolean; texture?: unknown } | undefined };
}

/** tfjs-backend-webgl's GPGPUProgram, the members these programs use. */
interface GpgpuProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  /** Inputs are read as packed textures (tfjs packs any that are not first). */
  packedInputs?: boolean;
  /** The output is written packed. */
  packedOutput?: boolean;
}

/** Inputs summed by one fragment of the partial-sum pass, as BLOCK / INNER nested loops. */
const BLOCK = 1024;
/** Inner run summed into its own float before joining the block's total (rounding ~ INNER + BLOCK/INNER ulps, not BLOCK). */
const INNER = 32;

/** out[j] = sum of (x[i] squared, or x[i]) over i in block j of a flat x of n values. */
function partialSums(n: number, square: boolean): GpgpuProgram {
  return {
    variableNames: ['X'],
    outputShape: [Math.ceil(n / BLOCK)],
    userCode: `
      void main() {
        int base = getOutputCoords() * ${BLOCK};
        float total = 0.0;
        for (int i = 0; i < ${BLOCK}; i += ${INNER}) {
          float part = 0.0;
          for (int j = 0; j < ${INNER}; j++) {
            int k = base + i + j;
            if (k < ${n}) {
              float v = getX(k);
              part += ${square ? 'v * v' : 'v'};
            }
          }
          total += part;
        }
        setOutput(total);
      }`,
  };
}

/** Texels summed by one fragment of the texel-order partial-sum pass. */
const TEXEL_BLOCK = { unpacked: 1024, packed: 256 };

/**
 * How tfjs-backend-webgl lays a tensor of `shape` in its texture. Unpacked: one value per texel,
 * flat row-major from texel `offsetX` (a shallow slice starts inside its source). Packed: 2x2
 * blocks of the last two dimensions per texel (r, g = row 2i, columns 2j and 2j + 1; b, a = row
 * 2i + 1), the blocks of each matrix row-major and the matrices one after another, from texel 0;
 * a block past an odd edge holds padding (see its shader_compiler's packed samplers).
 */
interface TexelLayout {
  packed: boolean;
  /** Texels holding values. */
  texels: number;
  /** Packed only: columns and rows of the innermost matrix. */
  cols: number;
  rows: number;
}

function texelLayout(shape: readonly number[], packed: boolean): TexelLayout {
  const rank = shape.length;
  const cols = rank >= 1 ? shape[rank - 1]! : 1;
  const rows = rank >= 2 ? shape[rank - 2]! : 1;
  const batches = tf.util.sizeFromShape(shape.slice(0, Math.max(0, rank - 2)));
  const texels = packed
    ? batches * Math.ceil(rows / 2) * Math.ceil(cols / 2)
    : tf.util.sizeFromShape(shape as number[]);
  return { packed, texels, cols, rows };
}

/**
 * A 2-D shape [rows, cols] of at least m cells, as square as can be: the texture of a partial-sum
 * pass. A one-row render target of m fragments is drawn by one thread on SwiftShader (it splits a
 * draw by rows), which made the pass twice as slow on two cores as it is on a square one.
 */
function squarish(m: number): [number, number] {
  const cols = Math.ceil(Math.sqrt(m));
  return [Math.ceil(m / cols), cols];
}

/**
 * out[j] = the sum of x squared (or of x) over the texels of block j, read in the texture's own
 * order with texelFetch: no flat-index-to-texel division per value, and a packed input is read
 * as it is (four values a texel) instead of being unpacked first.
 */
function texelPartialSums(layout: TexelLayout, square: boolean): GpgpuProgram {
  const { packed, texels, cols, rows } = layout;
  const block = packed ? TEXEL_BLOCK.packed : TEXEL_BLOCK.unpacked;
  const colTexels = Math.ceil(cols / 2);
  const rowTexels = Math.ceil(rows / 2);
  // Packed: the channels that can hold values at all (g and a need two columns, b and a two
  // rows), and whether the last texel of each row (column) of texels is half padding, which the
  // counters tc, tr (its place in its matrix) find without a division per texel.
  const oddCols = packed && cols > 1 && cols % 2 === 1;
  const oddRows = packed && rows > 1 && rows % 2 === 1;
  const counters = oddCols || oddRows;
  const outputShape = squarish(Math.ceil(texels / block));
  let value: string;
  if (!packed) {
    value = `float v = texelFetch(X, ivec2(x, y), 0).r;
              part += ${square ? 'v * v' : 'v'};`;
  } else {
    const lanes = rows > 1 ? (cols > 1 ? 'v' : 'v.rb') : cols > 1 ? 'v.rg' : 'v.r';
    value = `vec4 v = texelFetch(X, ivec2(x, y), 0);
              ${oddCols ? `if (tc == ${colTexels - 1}) v.ga = vec2(0.0);` : ''}
              ${oddRows ? `if (tr == ${rowTexels - 1}) v.ba = vec2(0.0);` : ''}
              part += ${lanes === 'v.r' ? 'v.r * v.r' : `dot(${lanes}, ${lanes})`};`;
  }
  const start = packed ? '0' : 'offsetX';
  return {
    variableNames: ['X'],
    packedInputs: packed,
    outputShape,
    userCode: `
      void main() {
        int width = textureSize(X, 0).x;
        ivec2 rc = getOutputCoords();
        int first = (rc.x * ${outputShape[1]} + rc.y) * ${block};
        int left = min(${block}, ${texels} - first);
        if (left <= 0) {
          setOutput(0.0);
          return;
        }
        int t = first + ${start};
        int y = t / width;
        int x = t - y * width;
        ${
          counters
            ? `int q = first - (first / ${colTexels * rowTexels}) * ${colTexels * rowTexels};
        int tr = q / ${colTexels};
        int tc = q - tr * ${colTexels};`
            : ''
        }
        float total = 0.0;
        for (int i = 0; i < ${block}; i += ${INNER}) {
          if (i >= left) break;
          float part = 0.0;
          for (int j = 0; j < ${INNER}; j++) {
            if (i + j >= left) break;
            ${value}
            x++;
            if (x == width) { x = 0; y++; }
            ${
              counters
                ? `tc++;
            if (tc == ${colTexels}) { tc = 0; tr++; if (tr == ${rowTexels}) tr = 0; }`
                : ''
            }
          }
          total += part;
        }
        setOutput(total);
      }`,
  };
}

/** out = g ? x + a * y : x elementwise, a and g scalars (g a bool stored as 0.0 / 1.0). */
function guardedAxpyProgram(shape: number[]): GpgpuProgram {
  return {
    variableNames: ['X', 'Y', 'A', 'G'],
    outputShape: shape,
    // An if, not a mix(): the rejected update may be NaN, and 0 * NaN is NaN.
    userCode: `
      void main() {
        float x = getXAtOutCoords();
        if (getG() > 0.5) {
          setOutput(x + getA() * getYAtOutCoords());
        } else {
          setOutput(x);
        }
      }`,
  };
}

/** {@link guardedAxpyProgram} on packed textures: four values a fragment, no unpacking. */
function packedGuardedAxpyProgram(shape: number[]): GpgpuProgram {
  return {
    variableNames: ['X', 'Y', 'A', 'G'],
    outputShape: shape,
    packedInputs: true,
    packedOutput: true,
    userCode: `
      void main() {
        vec4 x = getXAtOutCoords();
        if (getG().r > 0.5) {
          setOutput(x + getA().r * getYAtOutCoords());
        } else {
          setOutput(x);
        }
      }`,
  };
}

/** out = c ? a : b elementwise for a scalar c, one pass (tf.where would tile c first). */
function selectProgram(shape: number[], packed: boolean): GpgpuProgram {
  return {
    variableNames: ['C', 'A', 'B'],
    outputShape: shape,
    packedInputs: packed,
    packedOutput: packed,
    userCode: `
      void main() {
        if (${packed ? 'getC().r' : 'getC()'} > 0.5) {
          setOutput(getAAtOutCoords());
        } else {
          setOutput(getBAtOutCoords());
        }
      }`,
  };
}

/** Run one of tfjs-backend-webgl's own kernels from inside a kernel. */
function webglKernel(
  name: string,
  inputs: Record<string, tf.TensorInfo>,
  backend: unknown,
  attrs: Record<string, unknown> = {},
): tf.TensorInfo {
  const config = tf.getKernel(name, 'webgl');
  if (config === undefined) throw new Error(`tfjs-backend-webgl has no '${name}' kernel`);
  return config.kernelFunc({
    inputs: inputs as tf.NamedTensorInfoMap,
    backend: backend as tf.KernelBackend,
    attrs: attrs as tf.NamedAttrMap,
  }) as tf.TensorInfo;
}

type Inputs<K extends string> = Record<K, tf.TensorInfo>;

/** Whether `backend` has the members these kernels use (tfjs-backend-webgl's MathBackendWebGL). */
export function acceptsWebgl(backend: unknown): boolean {
  const b = backend as Partial<WebglBackendLike>;
  return (
    typeof b.compileAndRun === 'function' &&
    typeof b.disposeIntermediateTensorInfo === 'function' &&
    typeof b.makeTensorInfo === 'function'
  );
}

/**
 * Whether a program over `inputs` should read them packed: in the layout most of them already
 * have, since tfjs converts each of the others first (a pass of its own, for a scalar too);
 * inputs still on the host count for neither. With none in a texture, tfjs's own default.
 */
function readsPacked(gl: WebglBackendLike, inputs: readonly tf.TensorInfo[]): boolean {
  let packed = 0;
  let unpacked = 0;
  for (const t of inputs) {
    const record = gl.texData?.get(t.dataId);
    if (record === undefined || record.texture == null) continue;
    if (record.isPacked === true) packed++;
    else unpacked++;
  }
  return packed === unpacked ? packed > 0 || tf.env().getBool('WEBGL_PACK') : packed > unpacked;
}

/** GLSL of a small program's reads and writes in one layout (packed: the value is channel r, or getChannel of the texel). */
function scalarIo(packed: boolean) {
  return {
    scalar: (name: string) => (packed ? `get${name}().r` : `get${name}()`),
    at: (name: string, i: string) =>
      packed ? `getChannel(get${name}(${i}), ${i})` : `get${name}(${i})`,
    set: (value: string) =>
      packed ? `setOutput(vec4(${value}, 0.0, 0.0, 0.0))` : `setOutput(${value})`,
    /** main() of a 1-D output of n values given `float valueAt(int i)` (two a texel when packed). */
    vectorMain: (n: number) =>
      packed
        ? `void main() {
        int i = getOutputCoords();
        setOutput(vec4(valueAt(i), i + 1 < ${n} ? valueAt(i + 1) : 0.0, 0.0, 0.0));
      }`
        : `void main() {
        setOutput(valueAt(getOutputCoords()));
      }`,
  };
}

/**
 * δ-GClip's scale (`code` false) or regime code (true) from the norm N, in one fragment: the same
 * rules as the ops (see ./scalars-of.ts). tfjs's shader prelude defines isnan() robustly.
 */
function deltaGClipScalarProgram(
  gamma: number,
  delta: number,
  code: boolean,
  packed: boolean,
): GpgpuProgram {
  const io = scalarIo(packed);
  const g = gamma.toExponential();
  const d = delta.toExponential();
  const value = code
    ? delta >= 1
      ? '0.0'
      : `float(int(r < 1.0) + int(r < ${d}))`
    : delta >= 1
      ? '1.0'
      : `r < ${d} ? ${d} : (r > 1.0 ? 1.0 : r)`;
  return {
    variableNames: ['N'],
    outputShape: [1],
    packedInputs: packed,
    packedOutput: packed,
    userCode: `
      void main() {
        float n = ${io.scalar('N')};
        if (n == 0.0) {
          ${io.set(code ? '3.0' : '0.0')};
          return;
        }
        float r = isnan(n) ? 0.0 : (isinf(n) ? 0.0 : ${g} / n);
        ${io.set(value)};
      }`,
  };
}

/** Whether the scalar X is finite (`negate` false) or not (true), in one fragment, as tfjs's IsFinite. */
function finiteFlagProgram(negate: boolean, packed: boolean): GpgpuProgram {
  const io = scalarIo(packed);
  return {
    variableNames: ['X'],
    outputShape: [1],
    packedInputs: packed,
    packedOutput: packed,
    userCode: `
      void main() {
        float x = ${io.scalar('X')};
        bool finite = !isnan(x) && !isinf(x);
        ${io.set(`float(${negate ? '!finite' : 'finite'})`)};
      }`,
  };
}

/** The telemetry row [gradNorm, h, regime] of one step (see TELEMETRY_STEP). */
function telemetryRow(packed: boolean): GpgpuProgram {
  const io = scalarIo(packed);
  return {
    variableNames: ['G', 'S', 'E', 'R', 'K'],
    outputShape: [3],
    packedInputs: packed,
    packedOutput: packed,
    userCode: `
      float valueAt(int i) {
        bool skipped = ${io.scalar('K')} > 0.5;
        if (i == 0) return ${io.scalar('G')};
        if (i == 1) return skipped ? 0.0 : ${io.scalar('E')} * ${io.scalar('S')};
        return skipped ? 3.0 : ${io.scalar('R')};
      }
      ${io.vectorMain(3)}`,
  };
}

/** The regime counts plus this step's regime. */
function telemetryCounts(n: number, packed: boolean): GpgpuProgram {
  const io = scalarIo(packed);
  return {
    variableNames: ['C', 'R', 'K'],
    outputShape: [n],
    packedInputs: packed,
    packedOutput: packed,
    userCode: `
      float valueAt(int i) {
        float code = ${io.scalar('K')} > 0.5 ? 3.0 : ${io.scalar('R')};
        return ${io.at('C', 'i')} + (abs(float(i) - code) < 0.5 ? 1.0 : 0.0);
      }
      ${io.vectorMain(n)}`,
  };
}

/** Partial sums longer than this are reduced again before the final sum. */
const FINAL_MAX = 8192;
/** Inputs of one final-sum program (WebGL2 guarantees 16 texture units). */
const FINAL_INPUTS = 8;

/**
 * out[0] = the sum of every value of every (1-D, unpacked) input, in one fragment; written packed
 * when `packedOut` (its reader is tfjs's sqrt, packed by default).
 */
function finalSum(lengths: readonly number[], packedOut: boolean): GpgpuProgram {
  const loops = lengths
    .map((m, i) => `for (int j = 0; j < ${m}; j++) total += getP${i}(j);`)
    .join('\n        ');
  return {
    variableNames: lengths.map((_, i) => `P${i}`),
    outputShape: [1],
    packedOutput: packedOut,
    userCode: `
      void main() {
        float total = 0.0;
        ${loops}
        ${packedOut ? 'setOutput(vec4(total, 0.0, 0.0, 0.0));' : 'setOutput(total);'}
      }`,
  };
}

/**
 * Whether the texel-order pass can read n values: it needs WebGL2's texelFetch, and a sampler (tfjs
 * hands a few values that live on the host to a shader as a uniform array instead).
 */
function readsTexels(n: number): boolean {
  return (
    tf.env().getNumber('WEBGL_VERSION') >= 2 && n > tf.env().getNumber('WEBGL_SIZE_UPLOAD_UNIFORM')
  );
}

/**
 * The sum of squares of all `xs` as a [1] tensor: one fused square-and-partial-sum pass over each,
 * the partial sums reduced again while long, then one final fragment over all of them (a pass per
 * FINAL_INPUTS inputs), so a whole gradient's squared norm costs one full pass and a few tiny ones.
 */
function sumOfSquaresAll(xs: readonly tf.TensorInfo[], backend: unknown): tf.TensorInfo {
  const gl = backend as WebglBackendLike;
  let parts: { info: tf.TensorInfo; length: number; owned: boolean }[] = [];
  for (const x of xs) {
    let n = tf.util.sizeFromShape(x.shape);
    if (n === 0) continue;
    let current: tf.TensorInfo;
    let square = true;
    if (readsTexels(n)) {
      const layout = texelLayout(x.shape, gl.texData?.get(x.dataId)?.isPacked === true);
      current = flat(gl.compileAndRun(texelPartialSums(layout, true), [x], 'float32'));
      n = current.shape[0]!;
      square = false;
    } else {
      current = x.shape.length === 1 ? x : webglKernel(tf.Reshape, { x }, backend, { shape: [n] });
    }
    while (square || n > FINAL_MAX) {
      const next = readsTexels(n)
        ? flat(
            gl.compileAndRun(
              texelPartialSums(texelLayout([n], false), square),
              [current],
              'float32',
            ),
          )
        : gl.compileAndRun(partialSums(n, square), [current], 'float32');
      if (current !== x) gl.disposeIntermediateTensorInfo(current);
      current = next;
      n = next.shape[0]!;
      square = false;
    }
    parts.push({ info: current, length: n, owned: true });
  }
  if (parts.length === 0) return gl.makeTensorInfo([1], 'float32', Float32Array.of(0));
  while (parts.length > 1 || parts[0]!.length > 1) {
    const lastLevel = parts.length <= FINAL_INPUTS;
    const next: typeof parts = [];
    for (let i = 0; i < parts.length; i += FINAL_INPUTS) {
      const group = parts.slice(i, i + FINAL_INPUTS);
      const out = gl.compileAndRun(
        finalSum(
          group.map((p) => p.length),
          lastLevel && tf.env().getBool('WEBGL_PACK'),
        ),
        group.map((p) => p.info),
        'float32',
      );
      for (const p of group) if (p.owned) gl.disposeIntermediateTensorInfo(p.info);
      next.push({ info: out, length: 1, owned: true });
    }
    parts = next;
  }
  return parts[0]!.info;
}

/** An unpacked result seen as 1-D: the same texture, as tfjs's Reshape of an unpacked tensor. */
function flat(info: tf.TensorInfo): tf.TensorInfo {
  return { dataId: info.dataId, shape: [tf.util.sizeFromShape(info.shape)], dtype: info.dtype };
}

/** A [1] result handed over as a scalar: the same unpacked data, as tfjs's Reshape does. */
function asScalar(info: tf.TensorInfo): tf.TensorInfo {
  return { dataId: info.dataId, shape: [], dtype: 'float32' };
}

/** The webgl kernels, under the given names. */
export function webglKernelConfigs(names: {
  sumOfSquares: string;
  globalSumOfSquares: string;
  guardedAxpy: string;
  selectByScalar: string;
  deltaGClipScalars: string;
  telemetryStep: string;
  finiteFlags: string;
}): tf.KernelConfig[] {
  return [
    {
      kernelName: names.finiteFlags,
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend }) => {
        const { x } = inputs as Inputs<'x'>;
        const gl = backend as unknown as WebglBackendLike;
        const packed = readsPacked(gl, [x]);
        return [false, true].map((negate) => {
          const out = gl.compileAndRun(finiteFlagProgram(negate, packed), [x], 'bool');
          return { dataId: out.dataId, shape: [], dtype: 'bool' } as tf.TensorInfo;
        });
      },
    },
    {
      kernelName: names.telemetryStep,
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend }) => {
        const { gradNorm, clipScale, eta, regime, skipped, counts } = inputs as Inputs<
          'gradNorm' | 'clipScale' | 'eta' | 'regime' | 'skipped' | 'counts'
        >;
        const gl = backend as unknown as WebglBackendLike;
        const rowInputs = [gradNorm, clipScale, eta, regime, skipped];
        const row = gl.compileAndRun(
          telemetryRow(readsPacked(gl, rowInputs)),
          rowInputs,
          'float32',
        );
        const countInputs = [counts, regime, skipped];
        const next = gl.compileAndRun(
          telemetryCounts(tf.util.sizeFromShape(counts.shape), readsPacked(gl, countInputs)),
          countInputs,
          'int32',
        );
        return [row, next];
      },
    },
    {
      kernelName: names.deltaGClipScalars,
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { norm } = inputs as Inputs<'norm'>;
        const { gamma, delta } = attrs as unknown as { gamma: number; delta: number };
        const gl = backend as unknown as WebglBackendLike;
        const packed = readsPacked(gl, [norm]);
        const scale = gl.compileAndRun(deltaGClipScalarProgram(gamma, delta, false, packed), [
          norm,
        ]);
        const regime = gl.compileAndRun(
          deltaGClipScalarProgram(gamma, delta, true, packed),
          [norm],
          'int32',
        );
        return [
          { dataId: scale.dataId, shape: [], dtype: 'float32' },
          { dataId: regime.dataId, shape: [], dtype: 'int32' },
        ];
      },
    },
    {
      kernelName: names.sumOfSquares,
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend }) =>
        asScalar(sumOfSquaresAll([(inputs as Inputs<'x'>).x], backend)),
    },
    {
      kernelName: names.globalSumOfSquares,
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend }) =>
        asScalar(sumOfSquaresAll(Object.values(inputs) as tf.TensorInfo[], backend)),
    },
    {
      kernelName: names.guardedAxpy,
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend }) => {
        const { x, y, alpha, guard } = inputs as Inputs<'x' | 'y' | 'alpha' | 'guard'>;
        const gl = backend as unknown as WebglBackendLike;
        // The layout of the two full-size inputs; the scalars' conversion is a tiny pass.
        const packed = readsPacked(gl, [x, y]);
        const program = packed ? packedGuardedAxpyProgram(x.shape) : guardedAxpyProgram(x.shape);
        return gl.compileAndRun(program, [x, y, alpha, guard], 'float32');
      },
    },
    {
      kernelName: names.selectByScalar,
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend }) => {
        const { condition, a, b } = inputs as Inputs<'condition' | 'a' | 'b'>;
        if (a.shape.length === 0) {
          // Scalars need no broadcast: tfjs-backend-webgl's Select itself.
          return webglKernel(tf.Select, { condition, t: a, e: b }, backend);
        }
        const gl = backend as unknown as WebglBackendLike;
        const program = selectProgram(a.shape, readsPacked(gl, [a, b]));
        return gl.compileAndRun(program, [condition, a, b], a.dtype);
      },
    },
  ];
}
