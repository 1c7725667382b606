import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../state/settings.js';
import { encodeSettings } from '../state/url-state.js';
import { EXPORT_FORMAT, runLogDocument, toJson, weightsDocument } from './export.js';

const context = { settings: DEFAULT_SETTINGS, url: 'http://localhost/#x', backend: null, step: 7 };

describe('exports', () => {
  it('writes weights as plain arrays with the run’s settings and link', () => {
    const doc = weightsDocument(context, {
      dgclip: [
        {
          name: 'dense0/kernel',
          shape: [1, 2],
          trainable: true,
          values: Float32Array.from([0.5, -1]),
        },
      ],
    });
    expect(doc).toMatchObject({
      format: EXPORT_FORMAT,
      kind: 'weights',
      url: 'http://localhost/#x',
      urlState: { version: 1, hash: encodeSettings(DEFAULT_SETTINGS) },
      step: 7,
      models: {
        dgclip: [{ name: 'dense0/kernel', shape: [1, 2], trainable: true, values: [0.5, -1] }],
      },
    });
    expect(JSON.parse(toJson(doc)).models.dgclip[0].values).toEqual([0.5, -1]);
  });

  it('writes the run log, with non-finite numbers as null', () => {
    const doc = runLogDocument(
      context,
      null,
      {
        gclip: {
          evals: [],
          telemetry: [
            { step: 0, gradNorm: Number.POSITIVE_INFINITY, stepSize: 0, regime: 'skipped' },
          ],
          betas: [],
        },
      },
      [],
    );
    const parsed = JSON.parse(toJson(doc));
    expect(parsed.kind).toBe('run-log');
    expect(parsed.optimizers.gclip.telemetry[0]).toEqual({
      step: 0,
      gradNorm: null,
      stepSize: 0,
      regime: 'skipped',
    });
    expect(parsed.settings).toEqual(JSON.parse(JSON.stringify(DEFAULT_SETTINGS)));
  });
});
