import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean } from './suggest.js';

const COMMANDS = ['compare', 'train', 'analyze', 'reproduce', 'doctor', 'datasets'];

describe('closestMatch', () => {
  it('finds near misses: a swap, a dropped letter, an extra letter', () => {
    expect(closestMatch('comapre', COMMANDS)).toBe('compare'); // distance 2
    expect(closestMatch('trian', COMMANDS)).toBe('train');
    expect(closestMatch('datasetss', COMMANDS)).toBe('datasets');
    expect(closestMatch('adamw', ['sgd', 'momentum', 'adam'])).toBe('adam');
  });

  it('suggests nothing for words that are not close, nor for very short input', () => {
    expect(closestMatch('frobnicate', COMMANDS)).toBeUndefined();
    expect(closestMatch('xyz', ['sgd', 'adam'])).toBeUndefined();
    // Two letters away from 'sgd' but only two letters long: a guess, not a typo.
    expect(closestMatch('ab', ['sgd', 'adam'])).toBeUndefined();
    expect(closestMatch('', COMMANDS)).toBeUndefined();
  });

  it('prefers the closest candidate, and the earlier one on a tie', () => {
    expect(closestMatch('gclipp', ['delta-gclip', 'gclip'])).toBe('gclip');
    expect(closestMatch('mean', ['half-mean', 'mean'])).toBe('mean');
    expect(closestMatch('sum', ['sun', 'sub'])).toBe('sun');
  });

  it('didYouMean phrases it, with an optional prefix for flags', () => {
    expect(didYouMean('epoch', ['epochs', 'seed'], '--')).toBe(" Did you mean '--epochs'?");
    expect(didYouMean('frobnicate', COMMANDS)).toBe('');
  });
});
