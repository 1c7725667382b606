import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../summary.js';
import { renderHtmlReport } from './html.js';

const summary = (label: string, className: string, loss: number): RunSummary =>
  ({
    label,
    optimizer: { className, config: { learningRate: 1 } },
    clipping: null,
    steps: 2,
    seconds: 0.5,
    backend: 'cpu',
    finalTrainLoss: loss,
    bestTrainLoss: loss,
    finalTestLoss: null,
    bestTestLoss: null,
    finalTestAccuracy: null,
    bestTestAccuracy: null,
    regimeCounts: { unclipped: 2, clipped: 0, floored: 0, skipped: 0 },
    diverged: null,
    plstar: null,
    certificate: null,
    deltaAdvice: null,
  }) as unknown as RunSummary;

const history = {
  steps: [
    { step: 0, loss: 1 },
    { step: 1, loss: 0.5 },
  ],
  epochs: [],
  analysis: [],
} as never;

describe('report.html', () => {
  it('results as an HTML table (no <pre>), the headline and the task in words, labels escaped', () => {
    const html = renderHtmlReport({
      title: 'deltaclip compare: <test>',
      subtitle: 'two runs',
      settings: {
        model: { kind: 'mlp', inputSize: 2, hidden: [8], outputSize: 2 },
        loss: { kind: 'cross-entropy' },
      },
      runs: [
        { summary: summary('SGD <b>', 'deltaclip.SGD', 0.25), history },
        { summary: summary('δ-GClip', 'deltaclip.DeltaGClip', 0.125), history },
      ],
      headline: { text: 'δ-GClip won.', winner: 'δ-GClip', kind: 'one-seed' },
      insights: ['a line', '  a sub-line'],
    });
    expect(html).not.toContain('<pre');
    expect(html).toContain('<title>deltaclip compare: &lt;test&gt;</title>');
    const table = html.match(/<table id="results">.*?<\/table>/s)![0];
    const rows = table.match(/<tr>.*?<\/tr>/gs)!;
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('SGD &lt;b&gt;</th><td class="num">0.25</td>');
    expect(rows[2]).toContain('δ-GClip</th><td class="num">0.125</td>');
    // The winner's swatch is δ-GClip's palette colour.
    expect(html).toContain('id="headline"><span class="swatch" style="background:#e69f00"');
    expect(html).toContain('<b>Model:</b> MLP 2-8-2, ReLU; <b>Loss:</b> softmax cross-entropy');
    expect(html).toContain('<li>a line</li><li class="sub">a sub-line</li>');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });
});
