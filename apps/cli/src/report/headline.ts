/**
 * The first sentence of report.html: who won, on which metric, by how much, and whether the gap
 * stands out of the seed spread. The judgement is seeds.ts' (the same as the CLI's winner line);
 * this file only says it for people.
 */
import { CLEAR_WIN_STDS, type Contender, judgeWinner, meanStd, num } from '../seeds.js';

export interface Headline {
  /** The sentence. */
  readonly text: string;
  /** The leader's label when the win is clear (beyond the spread, or on every seed alike). */
  readonly winner: string | null;
  readonly kind: ReturnType<typeof judgeWinner>['kind'];
}

/** `3.7 times lower` or `27% lower`: the leader's loss against the runner-up's. */
export function howMuchLower(best: number, behind: number): string {
  if (best > 0 && behind / best >= 2) return `${(behind / best).toFixed(1)} times lower`;
  if (behind === 0) return 'the same';
  return `${Number((((behind - best) / Math.abs(behind)) * 100).toPrecision(2))}% lower`;
}

const seedWord = (n: number) => `${n} seed${n === 1 ? '' : 's'}`;
const score = (c: Contender) => meanStd(c.mean, c.std);

/**
 * The headline over `contenders` (lower `metric` is better), e.g. `δ-GClip (…) won on final
 * training loss: 0.012 ± 0.001 against 0.045 ± 0.002 for GClip (…), 3.7 times lower, 8.2 std
 * apart over 3 seeds.`
 */
export function headline(
  contenders: readonly Contender[],
  metric = 'final training loss',
): Headline {
  const j = judgeWinner(contenders);
  const unranked = j.unranked.length
    ? ` Not ranked (diverged on some seed): ${j.unranked.join(', ')}.`
    : '';
  const say = (text: string, winner: string | null): Headline => ({
    text: text + unranked,
    winner,
    kind: j.kind,
  });
  if (j.kind === 'none') return say(`No winner: every run diverged on some seed.`, null);
  const { best } = j;
  if (j.kind === 'alone') {
    // Alone because the others diverged is a win; alone because there was no other is not.
    return j.unranked.length
      ? {
          text: `${best.label} won on ${metric} (${score(best)} over ${seedWord(best.seeds)}): every other run diverged on some seed (${j.unranked.join(', ')}).`,
          winner: best.label,
          kind: j.kind,
        }
      : say(`${best.label}: ${metric} ${score(best)}; nothing else to compare with.`, null);
  }
  const { behind } = j;
  const lower = howMuchLower(best.mean!, behind.mean!);
  switch (j.kind) {
    case 'one-seed':
      return say(
        `${best.label} reached the lowest ${metric}, ${num(best.mean)} against ${num(behind.mean)} for ${behind.label} (${lower}), on one seed: without a seed spread that is not a verdict (use --seeds 3 or more).`,
        null,
      );
    case 'tie':
      return say(
        `No clear winner: ${best.label} and ${behind.label} reach the same ${metric} on every one of ${seedWord(best.seeds)}.`,
        null,
      );
    case 'no-spread':
      return say(
        `${best.label} won on ${metric} on every one of ${seedWord(best.seeds)}: ${num(best.mean)} against ${num(behind.mean)} for ${behind.label}, ${lower} (the seeds did not spread).`,
        best.label,
      );
    case 'clear':
      return say(
        `${best.label} won on ${metric}: ${score(best)} against ${score(behind)} for ${behind.label}, ${lower}, ${j.stds.toFixed(1)} std apart over ${seedWord(best.seeds)}.`,
        best.label,
      );
    default:
      return say(
        `No clear winner on ${metric}: ${best.label} (${score(best)}) leads ${behind.label} (${score(behind)}), ${lower}, by ${j.stds.toFixed(1)} std, within the seed spread (a clear win needs ${CLEAR_WIN_STDS} std) over ${seedWord(best.seeds)}.`,
        null,
      );
  }
}
