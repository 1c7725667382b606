/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A coloured square that stands for a run in tables (the same colour as its curves). */
export function swatch(color: string): string {
  return `<span class="swatch" style="background:${escapeHtml(color)}" aria-hidden="true"></span>`;
}
