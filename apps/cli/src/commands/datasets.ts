import { CATALOG } from '@deltaclip/datasets';
import { loadDatasetNode } from '@deltaclip/train/node';
import { type CommandDef, parseCommand, UsageError } from '../args.js';
import type { Output } from '../output.js';
import { didYouMean } from '../suggest.js';
import { textTable } from '../summary.js';
import { DATA_FILE_OPTIONS, datasetSpecFromValues, describeData } from '../task-options.js';

export const datasetsCommand: CommandDef = {
  name: 'datasets',
  summary:
    'List the datasets deltaclip knows (bundled, synthetic, and file formats it reads), or inspect one: sizes, shapes, features, classes, preprocessing and source.',
  positionals: [{ name: 'name', description: 'dataset to inspect (omit to list them all)' }],
  options: [
    {
      name: 'data-dir',
      type: 'string',
      valueName: 'dir',
      description:
        'folder with the files of mnist, fashion-mnist, cifar-10, cifar-100 (default: $DELTACLIP_DATA_DIR, then /usr/share/datasets/<name>)',
    },
    ...DATA_FILE_OPTIONS.map((o) =>
      o.name === 'data' ? { ...o, description: `describe ${o.description}` } : o,
    ),
  ],
  examples: [
    'deltaclip datasets',
    'deltaclip datasets cars',
    'deltaclip datasets cifar-10 --data-dir ~/data/cifar',
    'deltaclip datasets fashion-mnist   # Debian: apt-get install dataset-fashion-mnist',
    'deltaclip datasets --data my.csv --target species --drop id',
    'deltaclip datasets --json',
  ],
};

export async function datasets(argv: readonly string[], output: Output): Promise<void> {
  const { values, positionals } = parseCommand(datasetsCommand, argv);
  if (positionals.length > 1)
    throw new UsageError(`datasets takes one dataset name (got ${positionals.join(' ')})`);
  const name = positionals[0];
  if (typeof values.data === 'string') {
    if (name !== undefined) {
      throw new UsageError(
        `datasets takes a dataset name or --data <path>, not both (got ${name} and --data ${values.data})`,
      );
    }
    return describeFile(values, output);
  }
  if (name === undefined) {
    if (output.json) output.result(CATALOG);
    else {
      output.text(
        textTable(
          ['name', 'kind', 'task', 'description'],
          CATALOG.map((e) => [e.name, e.kind, e.task, e.description]),
        ),
      );
      output.text("\nInspect one with 'deltaclip datasets <name>'.");
    }
    return;
  }
  const entry = CATALOG.find((e) => e.name === name);
  if (entry === undefined) {
    throw new UsageError(
      `Unknown dataset '${name}'.${didYouMean(
        name,
        CATALOG.map((e) => e.name),
      )} Known datasets: ${CATALOG.map((e) => e.name).join(', ')}`,
    );
  }
  const splits = await loadDatasetNode({
    name,
    ...(typeof values['data-dir'] === 'string' ? { dir: values['data-dir'] } : {}),
    split: { validation: 0.1, test: 0.1 },
  });
  const train = splits.train;
  const info = {
    ...entry,
    metadata: train.metadata,
    splits: Object.fromEntries(Object.entries(splits).map(([k, d]) => [k, d?.size ?? 0])),
    featureShape: train.featureShape,
    targetShape: train.targetShape,
    numClasses: train.numClasses ?? null,
  };
  if (output.json) {
    output.result(info);
    return;
  }
  const m = train.metadata as unknown as Record<string, unknown>;
  const lines = [
    `${name} (${entry.kind}, ${entry.task})`,
    entry.description,
    '',
    `splits: ${Object.entries(info.splits)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `features: shape [${train.featureShape.join(', ')}]${Array.isArray(m.featureNames) && m.featureNames.length ? ` — ${(m.featureNames as string[]).join(', ')}` : ''}`,
    `target: ${train.numClasses !== undefined ? `${train.numClasses} classes${Array.isArray(m.classes) ? ` — ${(m.classes as string[]).join(', ')}` : ''}` : `shape [${train.targetShape.join(', ')}]${Array.isArray(m.targetNames) ? ` — ${(m.targetNames as string[]).join(', ')}` : ''}`}`,
    ...(m.preprocessing ? [`preprocessing: ${String(m.preprocessing)}`] : []),
    `source: ${entry.source}`,
    `licence: ${entry.licence}`,
  ];
  output.text(lines.join('\n'));
}

/** `datasets --data PATH`: what would be trained on, laid out like a catalog entry. */
async function describeFile(
  values: Parameters<typeof datasetSpecFromValues>[0],
  output: Output,
): Promise<void> {
  const spec = datasetSpecFromValues(values);
  const info = await describeData(spec);
  const f = info.file!;
  if (output.json) {
    output.result({
      ...f,
      featureShape: info.featureShape,
      numClasses: info.numClasses ?? null,
    });
    return;
  }
  const lines = [
    `${f.path} (${f.format} ${f.format === 'idx' || f.format === 'cifar' ? 'folder' : 'file'}, ${f.task} of '${f.target}', ${f.taskInferred ? 'inferred from the target; --task overrides' : 'set by --task'})`,
    '',
    `splits: ${Object.entries(f.splits)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `features: shape [${info.featureShape.join(', ')}] — ${f.features.join(', ')}`,
    `target: ${f.task === 'classification' ? `${f.classes?.length ?? info.numClasses} classes${f.classes ? ` — ${f.classes.join(', ')}` : ''}` : `'${f.target}' (numeric)`}`,
    ...(f.dropped.length ? [`dropped: ${f.dropped.join(', ')}`] : []),
    'preprocessing:',
    ...f.notes.map((n) => `  ${n}`),
  ];
  output.text(lines.join('\n'));
}
