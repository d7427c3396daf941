// Screen layout from the terminal size: a grid of five panes on large screens, one pane at a time with a tab bar on
// small ones, a "needs at least" notice below the smallest usable size. The frame is one row shorter than the
// terminal because Ink clears the whole screen each frame when its output is as tall as the terminal.
import type { PaneId } from '../keys/keymap.js';

export const MIN_COLS = 60;
export const MIN_ROWS = 16;

export interface Rect {
  pane: PaneId;
  width: number;
  height: number;
}

/** Rows of panes; each row is a list of rects of equal height. */
export type Layout =
  | { kind: 'too-small'; cols: number; rows: number }
  | { kind: 'tabs'; width: number; height: number; contentHeight: number }
  | { kind: 'grid'; width: number; height: number; rows: Rect[][] };

export function computeLayout(cols: number, rows: number, focus: PaneId): Layout {
  if (cols < MIN_COLS || rows < MIN_ROWS) return { kind: 'too-small', cols, rows };
  const height = rows - 1;
  const content = height - 2; // status bar + footer
  if (cols >= 110 && rows >= 30) {
    const top = Math.max(12, Math.round(content * 0.5));
    const mid = Math.max(5, Math.round(content * 0.2));
    const bottom = content - top - mid;
    const leftW = Math.round(cols * 0.58);
    return {
      kind: 'grid',
      width: cols,
      height,
      rows: [
        [
          { pane: 'chart', width: leftW, height: top },
          { pane: 'strategies', width: cols - leftW, height: top },
        ],
        [{ pane: 'positions', width: cols, height: mid }],
        [
          { pane: 'signals', width: leftW, height: bottom },
          { pane: 'alerts', width: cols - leftW, height: bottom },
        ],
      ],
    };
  }
  void focus;
  return { kind: 'tabs', width: cols, height, contentHeight: content - 1 };
}

/** The pane beside `focus` on screen (grid: same row; tabs: the neighbouring tab), or null when there is none. */
export function paneBeside(layout: Layout, focus: PaneId, dir: -1 | 1, order: readonly PaneId[]): PaneId | null {
  if (layout.kind === 'too-small') return null;
  if (layout.kind === 'tabs') {
    const i = order.indexOf(focus);
    return order[(i + dir + order.length) % order.length]!;
  }
  const row = layout.rows.find((r) => r.some((rect) => rect.pane === focus));
  if (!row) return null;
  const i = row.findIndex((rect) => rect.pane === focus);
  return row[i + dir]?.pane ?? null;
}
