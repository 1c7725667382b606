import { describe, expect, it } from 'vitest';
import type { Contender } from '../seeds.js';
import { headline, howMuchLower } from './headline.js';

const c = (
  label: string,
  mean: number | null,
  std: number | null,
  seeds = 3,
  diverged = 0,
): Contender => ({
  label,
  mean,
  std,
  seeds,
  diverged,
});

describe('the report headline', () => {
  it('says by how much: a ratio from 2x, a percentage below', () => {
    expect(howMuchLower(0.01, 0.037)).toBe('3.7 times lower');
    expect(howMuchLower(0.09, 0.1)).toBe('10% lower');
    expect(howMuchLower(0.5, 0.6)).toBe('17% lower');
  });

  it('a clear win: both means ± std, the ratio, the gap in pooled std and the seed count', () => {
    // gap 0.3, pooled std sqrt((0.1^2 + 0.1^2) / 2) = 0.1 -> 3.0 std.
    const h = headline([c('GClip', 1.3, 0.1), c('δ-GClip', 1, 0.1)]);
    expect(h.winner).toBe('δ-GClip');
    expect(h.text).toBe(
      'δ-GClip won on final training loss: 1 ± 0.1 against 1.3 ± 0.1 for GClip, 23% lower, 3.0 std apart over 3 seeds.',
    );
  });

  it('within the spread is no clear winner, and names no winner', () => {
    const h = headline([c('A', 1, 0.1), c('B', 1.1, 0.1)]);
    expect(h.winner).toBeNull();
    expect(h.text).toBe(
      'No clear winner on final training loss: A (1 ± 0.1) leads B (1.1 ± 0.1), 9.1% lower, by 1.0 std, within the seed spread (a clear win needs 2 std) over 3 seeds.',
    );
  });

  it('one seed is not a verdict', () => {
    const h = headline([c('A', 0.2, null, 1), c('B', 0.1, null, 1)]);
    expect(h.winner).toBeNull();
    expect(h.text).toBe(
      'B reached the lowest final training loss, 0.1 against 0.2 for A (2.0 times lower), on one seed: without a seed spread that is not a verdict (use --seeds 3 or more).',
    );
  });

  it('the only run that did not diverge wins; with none left there is no winner', () => {
    const h = headline([c('A', null, null, 3, 1), c('B', 0.5, 0.01)]);
    expect(h.winner).toBe('B');
    expect(h.text).toBe(
      'B won on final training loss (0.5 ± 0.01 over 3 seeds): every other run diverged on some seed (A).',
    );
    expect(headline([c('A', null, null, 3, 2)]).text).toBe(
      'No winner: every run diverged on some seed. Not ranked (diverged on some seed): A.',
    );
  });
});
