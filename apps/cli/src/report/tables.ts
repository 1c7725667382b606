/**
 * The report's tables as real HTML: the results of every run, the mean ± std over seeds, and each
 * certificate rendered for people (level, sentence, the constants and where they came from).
 */
import { VERDICT_COLORS } from '@deltaclip/utils';
import type { SeedAggregate } from '../seeds.js';
import { cell, type RunCertificate, type RunSummary, resultColumns } from '../summary.js';
import { escapeHtml, swatch } from './escape.js';

export type ColorOf = (summary: Pick<RunSummary, 'optimizer'>) => string;

function table(
  caption: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
  id: string,
): string {
  const head = header.map((h, i) => `<th scope="col"${i > 0 ? ' class="num"' : ''}>${h}</th>`);
  const body = rows.map(
    (r) =>
      `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td class="num">${c}</td>`)).join('')}</tr>`,
  );
  return `<div class="table-wrap"><table id="${id}"><caption>${caption}</caption><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

function verdictBadge(verdict: string): string {
  const color = (VERDICT_COLORS as Readonly<Record<string, string>>)[verdict] ?? '#57606a';
  return `<span class="verdict" style="border-color:${color};color:${color}">${escapeHtml(verdict)}</span>`;
}

/** Headers that read better on the page than in a terminal. */
const HTML_HEADERS: Readonly<Record<string, string>> = {
  'time s': 'time (s)',
  'regimes u/c/f/s':
    '<abbr title="steps unclipped / clipped / floored / skipped">regimes u/c/f/s</abbr>',
};

/** One row per run: the terminal table's columns (resultColumns), a colour swatch and the certificate level. */
export function resultsTableHtml(runs: readonly RunSummary[], colorOf: ColorOf): string {
  const { header, rows } = resultColumns(runs);
  const hasCertificate = runs.some((r) => r.certificate !== null);
  return table(
    'Every run',
    [
      'optimizer',
      ...header.map((h) => HTML_HEADERS[h] ?? escapeHtml(h)),
      ...(hasCertificate ? ['certificate'] : []),
    ],
    rows.map((row, i) => {
      const r = runs[i]!;
      return [
        `${swatch(colorOf(r))}${escapeHtml(r.label)}`,
        ...row.map(escapeHtml),
        ...(hasCertificate ? [r.certificate ? verdictBadge(r.certificate.verdict) : '-'] : []),
      ];
    }),
    'results',
  );
}

function meanStd(m: number | null, s: number | null): string {
  if (m === null) return '-';
  return s === null ? cell(m) : `${cell(m)} ± ${cell(s)}`;
}

/** One row per optimizer over the seeds: mean ± std (sample std, n - 1) and each seed. */
export function seedsTableHtml(
  groups: readonly SeedAggregate[],
  colorOf: (label: string) => string,
): string {
  const seeds = groups[0]?.seeds ?? [];
  const hasTest = groups.some((g) => g.testLoss.some((x) => x !== null));
  const header = [
    'optimizer',
    `final train loss, mean ± std over ${seeds.length} seeds`,
    ...(hasTest ? ['final test loss, mean ± std'] : []),
    ...seeds.map((s) => `seed ${s}`),
  ];
  const rows = groups.map((g) => [
    `${swatch(colorOf(g.label))}${escapeHtml(g.label)}`,
    g.diverged > 0 ? `${g.diverged} diverged` : meanStd(g.trainMean, g.trainStd),
    ...(hasTest ? [g.diverged > 0 ? '-' : meanStd(g.testMean, g.testStd)] : []),
    ...g.trainLoss.map((x) => (x === null ? 'diverged' : cell(x))),
  ]);
  return table(
    `Over ${seeds.length} seeds (${seeds.join(', ')}): initial weights and data order`,
    header,
    rows,
    'seeds',
  );
}

const LEVEL_MEANING: Readonly<Record<string, string>> = {
  informative:
    'Every condition of the convergence argument held on this run, and the guaranteed decrease of the loss is a sizeable share of what the run achieved.',
  vacuous: 'Every condition held, but the guarantee says little about this run:',
  fails:
    'A condition of the convergence argument was violated on this run, so it guarantees nothing here:',
  'not-covered': 'The convergence argument does not cover this optimizer:',
};

const MU_SOURCE_WORDS: Readonly<Record<string, string>> = {
  'kernel-full': 'tangent kernel on every training sample',
  'kernel-subset': 'tangent kernel on a subset of the samples (optimistic)',
  trajectory: "the run's own mu_t (descriptive, not a guarantee)",
};

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const sentence = (s: string) => capitalized(/[.!?)]$/.test(s) ? s : `${s}.`);

/** The eta, gamma and delta a certificate was computed with, from the run's optimizer. */
export interface CertificateRun {
  readonly label: string;
  readonly color: string;
  readonly certificate: RunCertificate;
  readonly eta: number | null;
  readonly clipping: { readonly gamma: number; readonly delta: number } | null;
}

/** A certificate for people: level and what it means, the sentence, the constants, the checks. */
export function certificateCard(run: CertificateRun): string {
  const c = run.certificate;
  const color = (VERDICT_COLORS as Readonly<Record<string, string>>)[c.verdict] ?? '#57606a';
  const head = `<h3>${swatch(run.color)}${escapeHtml(run.label)} ${verdictBadge(c.verdict)}</h3>`;
  if (!c.covered) {
    return `<article class="certificate" style="border-left-color:${color}">${head}<p>${escapeHtml(LEVEL_MEANING['not-covered']!)} ${escapeHtml(sentence(c.explanation))}</p></article>`;
  }
  const why =
    c.verdict === 'informative'
      ? ''
      : `<ul class="reasons">${(c.verdict === 'fails'
          ? c.checks.filter((k) => !k.held).map((k) => `${k.name}: ${k.detail}`)
          : c.reasons
        )
          .map((r) => `<li>${escapeHtml(r)}</li>`)
          .join('')}</ul>`;
  const constants: [string, string, string][] = [
    [
      'mu',
      cell(c.mu),
      `from the ${MU_SOURCE_WORDS[c.muSource] ?? c.muSource} (${c.muSource}): ${c.muNote}`,
    ],
    ['beta', cell(c.beta), c.betaNote],
  ];
  if (run.eta !== null) constants.push(['eta', cell(run.eta), 'the learning rate, as given']);
  if (run.clipping !== null) {
    constants.push(['gamma', cell(run.clipping.gamma), 'the clipping threshold, as given']);
    if (run.clipping.delta > 0) {
      constants.push([
        'delta',
        cell(run.clipping.delta),
        `the floor: every step is at least eta*delta = ${cell((run.eta ?? 0) * run.clipping.delta)}`,
      ]);
    }
  }
  if (c.rate !== null) {
    constants.push(['rate', cell(c.rate), 'per-step contraction of the a-priori loss envelope']);
  }
  if (c.radius !== null) {
    constants.push([
      'R',
      cell(c.radius),
      `radius of the ball the argument needs the weights to stay in; they travelled at most ${cell(c.maxDistance)}${c.radiusRatio !== null ? ` (R is ${cell(c.radiusRatio)}x that)` : ''}`,
    ]);
  }
  if (c.lossConvention) constants.push(['loss', '', `measured under ${c.lossConvention}`]);
  const rows = constants
    .map(
      ([name, value, where]) =>
        `<tr><th scope="row">${name}</th><td class="num">${value}</td><td>${escapeHtml(where)}</td></tr>`,
    )
    .join('');
  const held = c.checks.filter((k) => k.held).length;
  const checks = c.checks
    .map(
      (k) =>
        `<li><b>${k.held ? 'held' : 'violated'}</b> ${escapeHtml(k.name)}: ${escapeHtml(k.detail)}</li>`,
    )
    .join('');
  return `<article class="certificate" style="border-left-color:${color}">${head}
<p class="level">${escapeHtml(LEVEL_MEANING[c.verdict] ?? c.verdict)}</p>${why}
<p class="sentence">${escapeHtml(sentence(c.sentence))}</p>
<div class="table-wrap"><table class="constants"><caption>The constants and where they came from</caption><tbody>${rows}</tbody></table></div>
<details><summary>The ${c.checks.length} checks: ${held} held, ${c.checks.length - held} violated</summary><ul>${checks}</ul></details>
</article>`;
}
