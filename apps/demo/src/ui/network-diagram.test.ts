import { CLASS_COLORS } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import type { NetworkWeights } from '../training/network.js';
import { diagramLayout, EDGE_MAX_WIDTH, EDGE_MIN_WIDTH } from './network-diagram.js';

const net: NetworkWeights = {
  optimizer: 'dgclip',
  step: 10,
  layers: [
    // 2 inputs -> 3 of 40 hidden units shown.
    {
      inputs: 2,
      outputs: 40,
      shownIn: 2,
      shownOut: 3,
      kernel: Float32Array.from([0.5, -2, 0, 1, -1, 0.25]),
      bias: Float32Array.from([0, 0, 0]),
    },
    // 3 shown of 40 -> 1 output.
    {
      inputs: 40,
      outputs: 1,
      shownIn: 3,
      shownOut: 1,
      kernel: Float32Array.from([-0.5, 0.5, 2]),
      bias: Float32Array.from([0]),
    },
  ],
};

describe('network diagram', () => {
  it('draws one edge per shown weight: colour by sign from the palette, width by size', () => {
    const layout = diagramLayout(net, ['x₁', 'x₂'], ['y'], 300, 200);
    expect(layout.edges).toHaveLength(6 + 3);
    expect(layout.maxAbs).toBe(2);
    const byWeight = (w: number) => layout.edges.find((e) => e.weight === w)!;
    expect(byWeight(-2).color).toBe(CLASS_COLORS[0]);
    expect(byWeight(0.5).color).toBe(CLASS_COLORS[1]);
    expect(byWeight(-2).width).toBe(EDGE_MAX_WIDTH);
    expect(byWeight(2).width).toBe(EDGE_MAX_WIDTH);
    expect(byWeight(0).width).toBe(EDGE_MIN_WIDTH);
    // |w| = 1 is half the largest: 0.25 + 3.75 / 2.
    expect(byWeight(-1).width).toBeCloseTo(2.125, 10);
  });

  it('places inputs, hidden units and outputs in columns, with the names and what is left out', () => {
    const layout = diagramLayout(net, ['x₁', 'x₂'], ['y'], 300, 200);
    expect(layout.columns.map((c) => c.length)).toEqual([2, 3, 1]);
    // Columns from x = 48 to 300 - 64 = 236.
    expect(layout.columns.map((c) => c[0]!.x)).toEqual([48, 142, 236]);
    expect(layout.columns[0]!.map((n) => n.label)).toEqual(['x₁', 'x₂']);
    expect(layout.columns[2]![0]).toEqual({ x: 236, y: 100, label: 'y' });
    expect(layout.hidden).toEqual([0, 37, 0]);
    // Edge from input 2 (y = 24 + 152 * 1.5 / 2) to hidden unit 1 carries kernel[1 * 3 + 0] = 1.
    const e = layout.edges[3]!;
    expect([e.x1, e.y1, e.x2, e.weight]).toEqual([48, 138, 142, 1]);
  });
});
