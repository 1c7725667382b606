/**
 * The CSV panel's "Drop columns" control: one checkbox per column of the uploaded file (the
 * target excluded), so a file with an identifier or free-text column (vega's cars.csv and its
 * Name) loads once that column is ticked. Page state, not URL state: a link cannot carry the file.
 */
import { h } from './dom.js';

/** What the CSV panel offers for a file's columns once some are dropped and a target chosen. */
export interface CsvColumnChoices {
  /** The target in effect: the chosen one, or the last column kept (what planCsv picks for ''). */
  readonly target: string;
  /** The Target column's options: every column not dropped. */
  readonly targets: readonly string[];
  /** The Drop columns checkboxes: every column but the target. */
  readonly droppable: readonly string[];
}

/**
 * The target and drop controls depend on each other: a dropped column cannot be the target and
 * the target cannot be dropped, so both lists are derived here from the same choice. A target
 * that is dropped or not a column falls back to the last column kept, as an empty target does.
 */
export function csvColumnChoices(
  columns: readonly string[],
  dropped: readonly string[],
  target = '',
): CsvColumnChoices {
  const targets = columns.filter((c) => !dropped.includes(c));
  const chosen = targets.includes(target) ? target : (targets[targets.length - 1] ?? '');
  return { target: chosen, targets, droppable: columns.filter((c) => c !== chosen) };
}

export class DropColumns {
  readonly element: HTMLFieldSetElement;
  private readonly list: HTMLElement;

  constructor(private readonly onChange: (dropped: string[]) => void) {
    this.list = h('div', { class: 'drop-columns' });
    this.element = h(
      'fieldset',
      { id: 'csv-drop-field', class: 'field', hidden: true },
      h('legend', {}, 'Drop columns'),
      this.list,
    );
  }

  /** Show a checkbox per column except the target in effect (see csvColumnChoices); `dropped` ticked. */
  show(columns: readonly string[], dropped: readonly string[], target: string): void {
    this.list.replaceChildren(
      ...csvColumnChoices(columns, dropped, target).droppable.map((column) => {
        const box = h('input', { type: 'checkbox', value: column });
        box.checked = dropped.includes(column);
        box.addEventListener('change', () => this.onChange(this.dropped()));
        return h('label', { class: 'drop-column' }, box, ` ${column}`);
      }),
    );
    this.element.hidden = false;
  }

  hide(): void {
    this.element.hidden = true;
  }

  /** The ticked columns, in file order. */
  dropped(): string[] {
    return [...this.list.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value);
  }
}
