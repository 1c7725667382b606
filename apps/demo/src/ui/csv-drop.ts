/**
 * The CSV panel's "Drop columns" control: one checkbox per column of the uploaded file (the
 * target excluded), so a file with an identifier or free-text column (vega's cars.csv and its
 * Name) loads once that column is ticked. Page state, not URL state: a link cannot carry the file.
 */
import { h } from './dom.js';

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

  /** Show a checkbox per column except `target`; `dropped` ticked. */
  show(columns: readonly string[], dropped: readonly string[], target: string): void {
    this.list.replaceChildren(
      ...columns
        .filter((c) => c !== target)
        .map((column) => {
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
