import leven from 'leven';

/**
 * The candidate closest to `input` by edit distance, or undefined when none is close enough to be
 * a likely typo. The bound grows with the length of the input (a third of it, at least 2) so
 * `comapre` finds `compare` while `frobnicate` finds nothing; ties go to the earlier candidate.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const bound = Math.min(Math.max(2, Math.floor(input.length / 3)), input.length - 1);
  let best: string | undefined;
  let bestDistance = bound + 1;
  for (const candidate of candidates) {
    const d = leven(input, candidate, { maxDistance: bestDistance });
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` Did you mean 'x'?` (with a leading space) when a candidate is close to `input`, else ''. */
export function didYouMean(input: string, candidates: readonly string[], prefix = ''): string {
  const match = closestMatch(input, candidates);
  return match === undefined ? '' : ` Did you mean '${prefix}${match}'?`;
}
