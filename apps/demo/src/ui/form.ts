/**
 * The settings form. Each control stands for one key of the URL state, so the form reads into
 * URL parameters and url-state.ts does all parsing and checking; labels on every control, native
 * inputs only (keyboard-operable as they are).
 */

import { type Thumbnail, thumbnailDots } from '../data/thumbnails.js';
import {
  ACTIVATIONS,
  BACKENDS,
  BUNDLED_SETS,
  CLASSIFICATION_SETS,
  type DatasetName,
  FEATURE_LABELS,
  FEATURES,
  type FeatureId,
  isRegression,
  isSynthetic,
  LOSSES,
  OPTIMIZER_IDS,
  OPTIMIZER_LABELS,
  OPTIMIZER_PARAMS,
  type OptimizerId,
  PARAMETERIZATIONS,
  type Settings,
  SURFACE_SETS,
  THEORY_SETS,
} from '../state/settings.js';
import { encodeSettings, type SettingProblem } from '../state/url-state.js';
import { DropColumns } from './csv-drop.js';
import { h } from './dom.js';
import { classColor, css, valueColor } from './heatmap.js';
import { type LogStepRange, logStep } from './log-step.js';

const DATASET_LABELS: Readonly<Record<DatasetName, string>> = {
  circle: 'Circle',
  xor: 'XOR',
  spiral: 'Spiral',
  gaussians: 'Gaussian blobs',
  plane: 'Plane x1 − 0.5 x2',
  bowl: 'Bowl x1² + x2²',
  saddle: 'Saddle x1² − x2²',
  sine: 'Sine sin(πx1) cos(πx2)',
  ripple: 'Ripple sin(2π(x1² + x2²))',
  teacher: 'Teacher network (64 inputs)',
  cars: 'Cars (miles per gallon)',
  penguins: 'Penguins (species)',
  csv: 'Uploaded CSV',
};

const ACTIVATION_LABELS: Readonly<Record<string, string>> = {
  relu: 'ReLU',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  gelu: 'GELU',
  leakyRelu: 'leaky ReLU',
  softplus: 'softplus',
  linear: 'linear',
};

/** Arrow keys move these along 1-2-5 (see log-step.ts); the ranges are url-state.ts's. */
const LOG_STEP_RANGES: Readonly<Record<'eta' | 'gamma' | 'delta', LogStepRange>> = {
  eta: { min: 1e-6, max: 100, smallest: 1e-6 },
  gamma: { min: 1e-6, max: 1e6, smallest: 1e-6 },
  delta: { min: 0, max: 1, smallest: 1e-3 },
};

/**
 * Up and down arrows step on the 1-2-5 grid. The spinner's clicks arrive as a plain `input` Event
 * (typing sends an InputEvent) that moved the value by the browser's step; they are turned into
 * the same grid step from the value before the click.
 */
function stepLogScale(input: HTMLInputElement, range: LogStepRange): void {
  const read = (raw: string) => (raw.trim() === '' ? Number.NaN : Number(raw));
  let previous = input.value;
  const remember = () => {
    previous = input.value;
  };
  input.addEventListener('focus', remember);
  input.addEventListener('change', remember);
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    event.preventDefault();
    input.value = String(logStep(read(input.value), event.key === 'ArrowUp' ? 1 : -1, range));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  input.addEventListener('input', (event) => {
    if (event instanceof InputEvent) return;
    const before = read(previous);
    const after = read(input.value);
    if (Number.isNaN(after) || after === before) return;
    input.value = String(logStep(before, after > before || Number.isNaN(before) ? 1 : -1, range));
    previous = input.value;
  });
}

/** Keys shown by a group of checkboxes, and the id of the group's message slot. */
const GROUP_SLOTS: ReadonlyMap<string, string> = new Map([
  ['opt', 'optimizers-error'],
  ['feat', 'features-error'],
]);

/** Whether a data set's points lie in the plane (the input features apply). */
export function isPlane(dataset: DatasetName): boolean {
  return (
    (CLASSIFICATION_SETS as readonly string[]).includes(dataset) ||
    (SURFACE_SETS as readonly string[]).includes(dataset)
  );
}

const PARAM_LABELS = {
  eta: 'η (learning rate)',
  gamma: 'γ (clip threshold)',
  delta: 'δ (floor)',
} as const;

function select(
  id: string,
  key: string,
  options: readonly (readonly [string, string])[],
): HTMLSelectElement {
  return h(
    'select',
    { id, name: key, 'data-key': key },
    ...options.map(([value, text]) => h('option', { value }, text)),
  );
}

function numberInput(
  id: string,
  key: string,
  attrs: Record<string, string> = {},
): HTMLInputElement {
  return h('input', {
    id,
    name: key,
    'data-key': key,
    type: 'number',
    inputmode: 'decimal',
    step: 'any',
    ...attrs,
  });
}

function field(label: string, control: HTMLElement, help?: string): HTMLElement {
  const helpId = help ? `${control.id}-help` : undefined;
  // Every field has a slot for its own message, so a bad entry is reported where it was typed.
  const errorId = `${control.id}-error`;
  control.setAttribute('aria-describedby', helpId ? `${helpId} ${errorId}` : errorId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    help ? h('small', { id: helpId, class: 'help' }, help) : null,
    h('small', { id: errorId, class: 'field-error error', role: 'alert' }),
  );
}

export class SettingsForm {
  readonly element: HTMLFormElement;
  readonly csvInput: HTMLInputElement;
  readonly csvTarget: HTMLSelectElement;
  /** Columns of the upload to leave out; the page listens (see main.ts). */
  readonly csvDrop: DropColumns;
  private readonly controls: (HTMLInputElement | HTMLSelectElement)[] = [];
  private readonly optimizerBoxes = new Map<OptimizerId, HTMLInputElement>();
  private readonly featureBoxes = new Map<FeatureId, HTMLInputElement>();
  /** The 2-D sets as pictures (as in TensorFlow Playground): a click chooses the set. */
  private readonly thumbnails: HTMLElement = h('div', {
    class: 'thumbnails',
    id: 'thumbnails',
    role: 'group',
    'aria-label': 'Pick a 2-D set by its picture',
  });
  private readonly dataset: HTMLSelectElement;
  private readonly loss: HTMLSelectElement;

  constructor(onChange: () => void, onDrop: (dropped: string[]) => void = () => {}) {
    this.csvDrop = new DropColumns(onDrop);
    this.dataset = h(
      'select',
      { id: 'dataset', name: 'data', 'data-key': 'data' },
      h(
        'optgroup',
        { label: '2-D classification' },
        ...CLASSIFICATION_SETS.map((d) => h('option', { value: d }, DATASET_LABELS[d])),
      ),
      h(
        'optgroup',
        { label: '2-D regression' },
        ...SURFACE_SETS.map((d) => h('option', { value: d }, DATASET_LABELS[d])),
      ),
      h(
        'optgroup',
        { label: 'The theory’s setting' },
        ...THEORY_SETS.map((d) => h('option', { value: d }, DATASET_LABELS[d])),
      ),
      h(
        'optgroup',
        { label: 'Real data' },
        ...BUNDLED_SETS.map((d) => h('option', { value: d }, DATASET_LABELS[d])),
      ),
      h(
        'optgroup',
        { label: 'Your data' },
        h('option', { value: 'csv', disabled: true }, DATASET_LABELS.csv),
      ),
    );
    this.csvInput = h('input', {
      id: 'csv-file',
      type: 'file',
      accept: '.csv,.tsv,text/csv,text/tab-separated-values',
    });
    this.csvTarget = select('csv-target', 'target', []);
    this.loss = select(
      'loss',
      'loss',
      LOSSES.map((l) => [l, l] as const),
    );
    const data = h(
      'fieldset',
      {},
      h('legend', {}, 'Data'),
      field('Data set', this.dataset),
      this.thumbnails,
      field(
        'Points',
        numberInput('samples', 'n', { min: '20', max: '5000', step: '1' }),
        'synthetic sets',
      ),
      field(
        'Noise',
        numberInput('noise', 'noise', { min: '0', max: '1', step: '0.01' }),
        'synthetic sets',
      ),
      field('Test fraction', numberInput('test', 'test', { min: '0', max: '0.5', step: '0.05' })),
      field(
        'Upload CSV',
        this.csvInput,
        'header row first; last column is the target unless you choose another',
      ),
      h(
        'div',
        { id: 'csv-target-field', class: 'field', hidden: true },
        h('label', { for: 'csv-target' }, 'Target column'),
        this.csvTarget,
      ),
      this.csvDrop.element,
      h('p', { id: 'csv-progress', class: 'help', 'aria-live': 'polite' }),
      h('p', { id: 'csv-error', class: 'error', role: 'alert' }),
    );
    const featureGroup = h(
      'fieldset',
      { class: 'features', id: 'features', 'aria-describedby': 'features-help features-error' },
      h('legend', {}, 'Inputs'),
      h(
        'div',
        { class: 'feature-boxes' },
        ...FEATURES.map((f) => {
          const box = h('input', { id: `feat-${f}`, type: 'checkbox', value: f });
          this.featureBoxes.set(f, box);
          return h(
            'span',
            { class: 'check' },
            box,
            h('label', { for: `feat-${f}` }, FEATURE_LABELS[f]),
          );
        }),
      ),
      h(
        'small',
        { id: 'features-help', class: 'help' },
        '2-D sets: what the network is fed, computed from each point (x₁, x₂)',
      ),
      h('small', { id: 'features-error', class: 'field-error error', role: 'alert' }),
    );
    const network = h(
      'fieldset',
      {},
      h('legend', {}, 'Network (MLP)'),
      featureGroup,
      field(
        'Hidden layers',
        h('input', {
          id: 'hidden',
          name: 'hidden',
          'data-key': 'hidden',
          type: 'text',
          inputmode: 'numeric',
          autocomplete: 'off',
          spellcheck: 'false',
        }),
        'units per layer, input side first, e.g. 8,8 (empty: no hidden layer)',
      ),
      field(
        'Activation',
        select(
          'activation',
          'act',
          ACTIVATIONS.map((a) => [a, ACTIVATION_LABELS[a] ?? a] as const),
        ),
      ),
      field(
        'Parameterization',
        select(
          'parameterization',
          'param',
          PARAMETERIZATIONS.map((p) => [p, p === 'ntk' ? 'NTK' : 'standard'] as const),
        ),
      ),
    );
    const training = h(
      'fieldset',
      {},
      h('legend', {}, 'Training'),
      field('Loss', this.loss, 'square is the theory’s; regression always uses it'),
      field(
        'Weight decay λ',
        numberInput('weight-decay', 'wd', { min: '0', max: '10' }),
        'L2: λ/2·‖kernels‖² added to every optimizer’s loss (0 = none)',
      ),
      field(
        'Batch size',
        numberInput('batch', 'batch', { min: '0', step: '1' }),
        '0 = full batch (plain gradient descent, the theory’s setting)',
      ),
      field(
        'Seed',
        numberInput('seed', 'seed', { min: '0', step: '1' }),
        'data, split, initial weights and batch order',
      ),
      field(
        'Measure every',
        numberInput('eval-every', 'eval', { min: '1', max: '1000', step: '1' }),
        'steps between full-batch loss and μ_t',
      ),
      field(
        'Backend',
        select(
          'backend',
          'backend',
          BACKENDS.map((b) => [b, b] as const),
        ),
        'auto: WASM, or cpu where WASM cannot start; webgl: the GPU through WebGL2 where the browser has it (else WASM)',
      ),
    );
    const optimizers = h(
      'fieldset',
      { class: 'optimizers' },
      h('legend', {}, 'Optimizers to race'),
      h('p', { id: 'optimizers-error', class: 'error', role: 'alert' }),
    );
    for (const id of OPTIMIZER_IDS) {
      const box = h('input', { id: `opt-${id}`, type: 'checkbox', value: id });
      this.optimizerBoxes.set(id, box);
      const group = h(
        'div',
        { class: `optimizer optimizer-${id}`, role: 'group', 'aria-labelledby': `opt-${id}-label` },
        h(
          'div',
          { class: 'check' },
          box,
          h('label', { for: `opt-${id}`, id: `opt-${id}-label` }, `Race ${OPTIMIZER_LABELS[id]}`),
        ),
        ...OPTIMIZER_PARAMS[id].map((p) => {
          const input = numberInput(
            `${id}-${p}`,
            `${id}.${p}`,
            p === 'delta' ? { min: '0', max: '1' } : { min: '0' },
          );
          stepLogScale(input, LOG_STEP_RANGES[p]);
          return field(`${OPTIMIZER_LABELS[id]} ${PARAM_LABELS[p]}`, input);
        }),
      );
      optimizers.append(group);
    }
    this.element = h(
      'form',
      { id: 'settings', 'aria-label': 'Settings' },
      data,
      network,
      training,
      optimizers,
    );
    this.element.addEventListener('submit', (e) => e.preventDefault());
    for (const control of this.element.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      '[data-key]',
    )) {
      this.controls.push(control);
      control.addEventListener('change', onChange);
    }
    for (const box of this.optimizerBoxes.values()) box.addEventListener('change', onChange);
    for (const box of this.featureBoxes.values()) box.addEventListener('change', onChange);
  }

  /** Draw the data-set thumbnails (from the worker); each button picks its set. */
  showThumbnails(list: readonly Thumbnail[], current: DatasetName): void {
    const size = 48;
    const scale = Math.max(1, Math.round(globalThis.devicePixelRatio ?? 1));
    this.thumbnails.replaceChildren(
      ...list.map((t) => {
        const canvas = h('canvas', {
          width: String(size * scale),
          height: String(size * scale),
          'aria-hidden': 'true',
        });
        const ctx = canvas.getContext('2d');
        if (ctx) {
          ctx.scale(scale, scale);
          for (const d of thumbnailDots(t, size)) {
            ctx.fillStyle = css(
              t.task === 'classification' ? classColor(d.value) : valueColor(d.value),
            );
            ctx.beginPath();
            ctx.arc(d.cx, d.cy, 1.4, 0, 2 * Math.PI);
            ctx.fill();
          }
        }
        const button = h(
          'button',
          {
            type: 'button',
            class: 'thumbnail',
            id: `thumb-${t.dataset}`,
            'data-dataset': t.dataset,
            title: DATASET_LABELS[t.dataset],
            'aria-label': DATASET_LABELS[t.dataset],
          },
          canvas,
        );
        button.addEventListener('click', () => {
          if (this.dataset.value === t.dataset) return;
          this.dataset.value = t.dataset;
          this.dataset.dispatchEvent(new Event('change', { bubbles: true }));
        });
        return button;
      }),
    );
    this.markThumbnail(current);
  }

  private markThumbnail(current: DatasetName): void {
    for (const b of this.thumbnails.querySelectorAll<HTMLButtonElement>('button')) {
      b.setAttribute('aria-pressed', String(b.dataset.dataset === current));
    }
  }

  /** Show `settings` in the controls. */
  show(settings: Settings, csvColumns: readonly string[] | null): void {
    const params = new URLSearchParams(encodeSettings(settings));
    const csvOption = this.dataset.querySelector<HTMLOptionElement>('option[value="csv"]')!;
    csvOption.disabled = csvColumns === null;
    if (csvColumns !== null) {
      this.csvTarget.replaceChildren(...csvColumns.map((c) => h('option', { value: c }, c)));
    }
    for (const control of this.controls) {
      const key = control.dataset.key!;
      if (key === 'target') {
        const target = settings.csvTarget || (csvColumns?.[csvColumns.length - 1] ?? '');
        control.value = target;
        continue;
      }
      const value = params.get(key);
      if (value !== null) control.value = value;
    }
    for (const [id, box] of this.optimizerBoxes) box.checked = settings.optimizers.includes(id);
    this.markThumbnail(settings.dataset);
    // Features are functions of the plane's two coordinates: other sets feed their own columns.
    const plane = isPlane(settings.dataset);
    for (const [f, box] of this.featureBoxes) {
      box.checked = settings.features.includes(f);
      box.disabled = !plane;
    }
    const synthetic = isSynthetic(settings.dataset);
    for (const id of ['samples', 'noise']) {
      (this.element.querySelector(`#${id}`) as HTMLInputElement).disabled = !synthetic;
    }
    const regression = isRegression(settings.dataset);
    this.loss.disabled = regression;
    (this.element.querySelector('#csv-target-field') as HTMLElement).hidden =
      settings.dataset !== 'csv';
  }

  /**
   * Show each problem next to the control of its key (and clear the others); returns the
   * problems that belong to no control (the link as a whole), for the page to show elsewhere.
   */
  showProblems(problems: readonly SettingProblem[]): SettingProblem[] {
    const byKey = new Map<string, string[]>();
    const rest: SettingProblem[] = [];
    for (const p of problems) {
      const control = p.key === null ? undefined : this.controlFor(p.key);
      if (control === undefined) rest.push(p);
      else byKey.set(control.id, [...(byKey.get(control.id) ?? []), p.message]);
    }
    for (const control of this.controls) {
      const slot = this.element.querySelector<HTMLElement>(`#${control.id}-error`);
      if (slot) slot.textContent = (byKey.get(control.id) ?? []).join(' ');
    }
    for (const [key, slotId] of GROUP_SLOTS) {
      const slot = this.element.querySelector<HTMLElement>(`#${slotId}`);
      if (slot)
        slot.textContent = problems
          .filter((p) => p.key === key)
          .map((p) => p.message)
          .join(' ');
    }
    return rest.filter((p) => !GROUP_SLOTS.has(p.key ?? ''));
  }

  private controlFor(key: string): HTMLInputElement | HTMLSelectElement | undefined {
    if (GROUP_SLOTS.has(key)) return undefined;
    return this.controls.find((c) => c.dataset.key === key);
  }

  /** The controls as URL parameters (url-state.ts decodes and checks them). */
  read(): URLSearchParams {
    const params = new URLSearchParams();
    for (const control of this.controls) {
      const key = control.dataset.key!;
      if (key === 'target' && this.dataset.value !== 'csv') continue;
      params.set(key, control.value);
    }
    const chosen = OPTIMIZER_IDS.filter((id) => this.optimizerBoxes.get(id)!.checked);
    params.set('opt', chosen.join(','));
    params.set('feat', FEATURES.filter((f) => this.featureBoxes.get(f)!.checked).join(','));
    return params;
  }
}
