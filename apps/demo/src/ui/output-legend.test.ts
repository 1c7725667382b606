import { describe, expect, it } from 'vitest';
import type { RaceSummary } from '../worker/protocol.js';
import { legendItems } from './output-legend.js';

const classes = {
  task: 'classification',
  classes: ['inside', 'outside'],
  targetRange: null,
} as unknown as RaceSummary;
const surface = { task: 'regression', classes: [], targetRange: [-1, 3] } as unknown as RaceSummary;

describe('output legend', () => {
  it('names every class in its palette colour and says what paleness means', () => {
    expect(legendItems(classes, { showTest: true, discretize: false })).toEqual([
      { kind: 'class', color: 'rgb(0, 68, 136)', label: 'inside' }, // #004488
      { kind: 'class', color: 'rgb(238, 102, 119)', label: 'outside' }, // #EE6677
      { kind: 'note', label: 'regions: paler where less sure' },
      { kind: 'note', label: '● training, ○ test points' },
    ]);
    const flat = legendItems(classes, { showTest: false, discretize: true });
    expect(flat.slice(2)).toEqual([
      { kind: 'note', label: 'regions: predicted class' },
      { kind: 'note', label: '● training points (test hidden)' },
    ]);
  });

  it('shows the regression scale with its end values, banded when discretized', () => {
    const [smooth] = legendItems(surface, { showTest: true, discretize: false });
    expect(smooth).toEqual({
      kind: 'scale',
      background: 'linear-gradient(to right, rgb(0, 68, 136), #fff, rgb(238, 102, 119))',
      low: '-1',
      high: '3',
    });
    const [banded] = legendItems(surface, { showTest: true, discretize: true });
    if (banded?.kind !== 'scale') throw new Error('expected the scale first');
    // 8 bands, two stops each; the first band ends where the second starts.
    expect(banded.background.match(/rgb\(/g)).toHaveLength(16);
    expect(banded.background).toContain('12.5%, ');
  });
});
