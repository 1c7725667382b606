import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CATALOG, syntheticDataset } from '../catalog.js';
import { CLASSIFICATION_2D_KINDS, classification2d } from './classification-2d.js';
import { sequenceTask } from './sequence.js';
import { SURFACE_2D_KINDS, SURFACES, surface2d } from './surface-2d.js';
import { teacherStudent } from './teacher-student.js';

function arrays(ds: ReturnType<typeof classification2d>) {
  const { x, y } = ds.toArrays();
  return { x: Array.from(x), y: Array.from(y) };
}

describe('classification2d', () => {
  it('is deterministic by seed, balanced, with float32 [n, 2] features', () => {
    for (const kind of CLASSIFICATION_2D_KINDS) {
      const a = arrays(classification2d({ kind, numSamples: 90, seed: 4 }));
      const b = arrays(classification2d({ kind, numSamples: 90, seed: 4 }));
      const c = arrays(classification2d({ kind, numSamples: 90, seed: 5 }));
      expect(a).toEqual(b);
      expect(a.x).not.toEqual(c.x);
      const k = kind === 'gaussians' ? 3 : 2;
      const counts = new Array(k).fill(0);
      for (const label of a.y) counts[label]++;
      expect(counts).toEqual(new Array(k).fill(90 / k));
    }
  });

  it('noise-free points satisfy each set definition', () => {
    const circle = arrays(classification2d({ kind: 'circle', numSamples: 200, noise: 0, seed: 1 }));
    circle.y.forEach((label, i) => {
      const r = Math.hypot(circle.x[2 * i]!, circle.x[2 * i + 1]!);
      if (label === 0) expect(r).toBeLessThanOrEqual(0.5 + 1e-6);
      else expect(r >= 0.7 - 1e-6 && r <= 1 + 1e-6).toBe(true);
    });
    const xor = arrays(classification2d({ kind: 'xor', numSamples: 200, noise: 0, seed: 1 }));
    xor.y.forEach((label, i) => {
      expect(xor.x[2 * i]! * xor.x[2 * i + 1]! >= 0 ? 0 : 1).toBe(label);
    });
    const spiral = arrays(
      classification2d({ kind: 'spiral', numSamples: 300, noise: 0, numClasses: 3, seed: 1 }),
    );
    spiral.y.forEach((label, i) => {
      const px = spiral.x[2 * i]!;
      const py = spiral.x[2 * i + 1]!;
      const t = Math.hypot(px, py);
      const a = 3 * Math.PI * t + (2 * Math.PI * label) / 3;
      expect(Math.hypot(px - t * Math.cos(a), py - t * Math.sin(a))).toBeLessThan(1e-5);
    });
    const blobs = arrays(
      classification2d({ kind: 'gaussians', numSamples: 3000, numClasses: 4, seed: 1 }),
    );
    for (let k = 0; k < 4; k++) {
      const idx = blobs.y.map((l, i) => (l === k ? i : -1)).filter((i) => i >= 0);
      const mx = idx.reduce((s, i) => s + blobs.x[2 * i]!, 0) / idx.length;
      const my = idx.reduce((s, i) => s + blobs.x[2 * i + 1]!, 0) / idx.length;
      expect(mx).toBeCloseTo(0.6 * Math.cos((2 * Math.PI * k) / 4), 1);
      expect(my).toBeCloseTo(0.6 * Math.sin((2 * Math.PI * k) / 4), 1);
    }
  });

  it('rejects bad options', () => {
    expect(() => classification2d({ kind: 'moons' as 'xor' })).toThrow(
      "kind must be one of 'circle', 'xor', 'spiral', 'gaussians' (got \"moons\")",
    );
    expect(() => classification2d({ kind: 'xor', numClasses: 3 })).toThrow(
      'numClasses of xor must be 2 (got 3)',
    );
    expect(() => classification2d({ kind: 'spiral', noise: -1 })).toThrow(
      'noise must be >= 0 (got -1)',
    );
  });
});

describe('surface2d', () => {
  it('noise-free targets are f(x1, x2) of the stored float32 inputs, rounded to float32', () => {
    for (const kind of SURFACE_2D_KINDS) {
      const { x, y } = surface2d({ kind, numSamples: 100, seed: 2 }).toArrays();
      for (let i = 0; i < 100; i++) {
        expect(x[2 * i]! >= -1 && x[2 * i]! <= 1).toBe(true);
        expect(y[i]).toBe(Math.fround(SURFACES[kind].f(x[2 * i]!, x[2 * i + 1]!)));
      }
    }
  });

  it('adds N(0, noise^2) to the targets', () => {
    const clean = surface2d({ kind: 'sine', numSamples: 5000, seed: 3 }).toArrays();
    const noisy = surface2d({ kind: 'sine', numSamples: 5000, noise: 0.2, seed: 3 }).toArrays();
    let s2 = 0;
    for (let i = 0; i < 5000; i++) {
      const f = SURFACES.sine.f(noisy.x[2 * i]!, noisy.x[2 * i + 1]!);
      s2 += (noisy.y[i]! - f) ** 2;
    }
    expect(Math.sqrt(s2 / 5000)).toBeCloseTo(0.2, 2);
    expect(clean.x).toEqual(noisy.x);
  });
});

describe('teacherStudent', () => {
  it('targets are the teacher network of the stored inputs (checked with tfjs ops)', () => {
    const { dataset, teacher } = teacherStudent({
      numSamples: 64,
      inputDim: 5,
      hiddenWidths: [16, 8],
      outputDim: 2,
      seed: 1,
    });
    expect(teacher.layerSizes).toEqual([5, 16, 8, 2]);
    expect(dataset.targetShape).toEqual([2]);
    const before = tf.memory().numTensors;
    const { x, y } = dataset.toTensors();
    const out = tf.tidy(() => {
      let h: tf.Tensor = x;
      teacher.weights.forEach((w, l) => {
        const sizes = teacher.layerSizes;
        const z = tf.add(
          tf.matMul(h, tf.tensor2d(Float32Array.from(w), [sizes[l]!, sizes[l + 1]!])),
          tf.tensor1d(Float32Array.from(teacher.biases[l]!)),
        );
        h = l === teacher.weights.length - 1 ? z : tf.relu(z);
      });
      return h;
    });
    const expected = out.dataSync();
    const got = y.dataSync();
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 4);
    tf.dispose([x, y, out]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has He-scaled teacher weights and is deterministic by seed', () => {
    const { teacher } = teacherStudent({ inputDim: 200, hiddenWidths: [300], seed: 0 });
    const w = teacher.weights[0]!;
    const v = w.reduce((a, b) => a + b * b, 0) / w.length;
    expect(v).toBeCloseTo(2 / 200, 3);
    const a = teacherStudent({ numSamples: 10, seed: 3 }).dataset.toArrays().y;
    const b = teacherStudent({ numSamples: 10, seed: 3 }).dataset.toArrays().y;
    expect(a).toEqual(b);
  });
});

describe('sequenceTask', () => {
  it('copy and reverse targets, int32 token batches and one-hot per-position labels', () => {
    const rev = sequenceTask({ kind: 'reverse', numSamples: 20, length: 5, vocabSize: 7, seed: 1 });
    const { x, y } = rev.toArrays();
    for (let i = 0; i < 20; i++) {
      for (let t = 0; t < 5; t++) expect(y[i * 5 + t]).toBe(x[i * 5 + 4 - t]);
    }
    const copy = sequenceTask({
      kind: 'copy',
      numSamples: 20,
      length: 5,
      vocabSize: 7,
      seed: 1,
    }).toArrays();
    expect(copy.y).toEqual(copy.x);
    const b = rev.batch(0, { batchSize: 8, seed: 0 });
    expect(b.x.dtype).toBe('int32');
    expect(b.x.shape).toEqual([8, 5]);
    expect(b.y.shape).toEqual([8, 5, 7]);
    const tokens = b.x.arraySync() as number[][];
    const onehot = b.y.arraySync() as number[][][];
    expect(onehot[0]![0]![tokens[0]![4]!]).toBe(1);
    tf.dispose(b);
    expect(rev.metadata.task).toBe('sequence');
  });
});

describe('catalog', () => {
  it('lists every dataset once; every synthetic entry generates by name', () => {
    const names = CATALOG.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 2)).toEqual(['cars', 'penguins']);
    for (const entry of CATALOG.filter((e) => e.kind === 'synthetic')) {
      const ds = syntheticDataset(entry.name, { numSamples: 12, seed: 1 });
      expect(ds.size).toBe(12);
      expect(ds.metadata.task).toBe(entry.task);
    }
    for (const entry of CATALOG.filter((e) => e.kind === 'files')) {
      expect(entry.files!.length).toBeGreaterThan(0);
      expect(entry.obtain).toMatch(/https:\/\//);
    }
    expect(() => syntheticDataset('moons')).toThrow(
      'unknown synthetic dataset "moons"; choose one of',
    );
  });
});
