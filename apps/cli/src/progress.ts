/**
 * Progress on stderr (stdout stays clean for results and --json): on a terminal, one line redrawn in
 * place at most ten times a second; otherwise plain lines at each tenth of the work.
 */
export interface Progress {
  /** Report that task `id` has done `done` of `total` units; `detail` is a short status. */
  update(id: string, done: number, total: number, detail?: string): void;
  /** A line of its own (clears the bar first). */
  log(line: string): void;
  /** Finish: clear the bar. */
  end(): void;
}

export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  options: { quiet?: boolean } = {},
): Progress {
  if (options.quiet) return { update() {}, log() {}, end() {} };
  const tty = stream.isTTY === true;
  const state = new Map<
    string,
    { done: number; total: number; detail: string; lastTenth: number }
  >();
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = () => {
    const width = stream.columns ?? 100;
    const parts = [...state.entries()].map(([id, s]) => {
      const pct = s.total > 0 ? Math.floor((100 * s.done) / s.total) : 0;
      return `${id} ${pct}%${s.detail ? ` ${s.detail}` : ''}`;
    });
    let line = parts.join(' | ');
    if (state.size === 1) {
      const s = [...state.values()][0]!;
      const barWidth = 24;
      const filled = s.total > 0 ? Math.round((barWidth * s.done) / s.total) : 0;
      line = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${line}`;
    }
    stream.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
    drawn = true;
  };
  return {
    update(id, done, total, detail = '') {
      const previous = state.get(id);
      const tenth = total > 0 ? Math.floor((10 * done) / total) : 0;
      state.set(id, { done, total, detail, lastTenth: previous?.lastTenth ?? -1 });
      if (tty) {
        const now = Date.now();
        if (now - lastDraw >= 100 || done >= total) {
          lastDraw = now;
          draw();
        }
      } else if (tenth > (previous?.lastTenth ?? -1)) {
        state.get(id)!.lastTenth = tenth;
        stream.write(`${id}: ${done}/${total}${detail ? ` ${detail}` : ''}\n`);
      }
    },
    log(line) {
      clear();
      stream.write(`${line}\n`);
      if (tty && state.size > 0) draw();
    },
    end() {
      clear();
      state.clear();
    },
  };
}
