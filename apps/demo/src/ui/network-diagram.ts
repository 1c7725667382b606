/**
 * The network diagram, as in TensorFlow Playground: inputs, hidden units and outputs in columns,
 * one edge per weight, its colour the weight's sign and its width the weight's size. The signs
 * take the ends of the heatmaps' value scale from @deltaclip/utils' palette (negative: the colour
 * of low values, positive: that of high values), so one colour means one thing on the page.
 */
import { CLASS_COLORS } from '@deltaclip/utils';
import type { NetworkWeights } from '../training/network.js';

export const NEGATIVE_COLOR = CLASS_COLORS[0];
export const POSITIVE_COLOR = CLASS_COLORS[1];
/** Edge widths in px: the largest |w| shown gets MAX, a zero weight MIN. */
export const EDGE_MIN_WIDTH = 0.25;
export const EDGE_MAX_WIDTH = 4;

export interface DiagramNode {
  readonly x: number;
  readonly y: number;
  readonly label: string;
}

export interface DiagramEdge {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly color: string;
  readonly width: number;
  readonly weight: number;
}

export interface DiagramLayout {
  readonly columns: readonly (readonly DiagramNode[])[];
  readonly edges: readonly DiagramEdge[];
  /** Per column, the units not drawn ("+52 more"), 0 when all are. */
  readonly hidden: readonly number[];
  /** The largest |w| drawn (the edge width scale). */
  readonly maxAbs: number;
}

/** Where every unit and weight goes on a width x height picture. */
export function diagramLayout(
  net: NetworkWeights,
  inputNames: readonly string[],
  outputNames: readonly string[],
  width: number,
  height: number,
): DiagramLayout {
  const layers = net.layers;
  if (layers.length === 0) return { columns: [], edges: [], hidden: [], maxAbs: 0 };
  const counts = [layers[0]!.shownIn, ...layers.map((l) => l.shownOut)];
  const totals = [layers[0]!.inputs, ...layers.map((l) => l.outputs)];
  const margin = 24;
  // Room for the input names on the left and the class names on the right.
  const left = 48;
  const right = 64;
  const xOf = (c: number) => left + ((width - left - right) * c) / Math.max(1, counts.length - 1);
  const columns = counts.map((n, c) =>
    Array.from({ length: n }, (_, i) => ({
      x: xOf(c),
      y: margin + ((height - 2 * margin) * (i + 0.5)) / n,
      label:
        c === 0
          ? (inputNames[i] ?? `x${i + 1}`)
          : c === counts.length - 1
            ? (outputNames[i] ?? `y${i + 1}`)
            : '',
    })),
  );
  let maxAbs = 0;
  for (const l of layers) for (const w of l.kernel) maxAbs = Math.max(maxAbs, Math.abs(w));
  const edges: DiagramEdge[] = [];
  layers.forEach((l, k) => {
    for (let i = 0; i < l.shownIn; i++) {
      for (let j = 0; j < l.shownOut; j++) {
        const w = l.kernel[i * l.shownOut + j]!;
        const from = columns[k]![i]!;
        const to = columns[k + 1]![j]!;
        edges.push({
          x1: from.x,
          y1: from.y,
          x2: to.x,
          y2: to.y,
          weight: w,
          color: w < 0 ? NEGATIVE_COLOR : POSITIVE_COLOR,
          width:
            EDGE_MIN_WIDTH +
            (maxAbs > 0 ? ((EDGE_MAX_WIDTH - EDGE_MIN_WIDTH) * Math.abs(w)) / maxAbs : 0),
        });
      }
    }
  });
  return { columns, edges, hidden: totals.map((t, c) => t - counts[c]!), maxAbs };
}

const SVG = 'http://www.w3.org/2000/svg';

function el(name: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Draw the layout into an <svg>'s group (replacing what it held). */
export function drawDiagram(svg: SVGElement, layout: DiagramLayout): void {
  const children: SVGElement[] = [];
  for (const e of layout.edges) {
    children.push(
      el('line', {
        x1: e.x1,
        y1: e.y1,
        x2: e.x2,
        y2: e.y2,
        stroke: e.color,
        'stroke-width': e.width.toFixed(2),
        'stroke-opacity': 0.75,
        'data-weight': e.weight,
      }),
    );
  }
  layout.columns.forEach((column, c) => {
    for (const n of column) {
      children.push(el('circle', { cx: n.x, cy: n.y, r: 5, class: 'unit' }));
      if (n.label) {
        const text = el('text', {
          x: c === 0 ? n.x - 8 : n.x + 8,
          y: n.y + 4,
          'text-anchor': c === 0 ? 'end' : 'start',
          class: 'unit-label',
        });
        text.textContent = n.label;
        children.push(text);
      }
    }
    const more = layout.hidden[c] ?? 0;
    const last = column[column.length - 1];
    if (more > 0 && last) {
      const text = el('text', {
        x: last.x,
        y: last.y + 18,
        'text-anchor': 'middle',
        class: 'more',
      });
      text.textContent = `+${more} more`;
      children.push(text);
    }
  });
  svg.replaceChildren(...children);
}
