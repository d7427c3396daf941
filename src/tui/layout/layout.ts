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

/** What a screen cell shows: a pane (with the row inside its frame, 0 = first body row) or a tab of the tab bar. */
export type Hit = { pane: PaneId; row: number; height: number } | { tab: PaneId } | null;

/**
 * The pane (or tab) at cell x, y of the screen, for mouse clicks and the wheel. Mirrors the App's composition: the
 * status bar on row 0, then the content (the maximised pane alone, the grid's rows, or the tab bar and one pane).
 * `tabWidths` are the tab bar's cells per tab, in PANES order.
 */
export function hitTest(layout: Layout, focus: PaneId, maximised: boolean, x: number, y: number, tabWidths: readonly number[], order: readonly PaneId[]): Hit {
  if (layout.kind === 'too-small') return null;
  const contentHeight = layout.height - 2;
  const inPane = (pane: PaneId, top: number, height: number): Hit => (y > top && y < top + height - 1 ? { pane, row: y - top - 1, height } : y >= top && y < top + height ? { pane, row: -1, height } : null);
  if (maximised) return inPane(focus, 1, contentHeight);
  if (layout.kind === 'tabs') {
    if (y === 1) {
      let left = 0;
      for (let i = 0; i < order.length; i++) {
        if (x >= left && x < left + tabWidths[i]!) return { tab: order[i]! };
        left += tabWidths[i]!;
      }
      return null;
    }
    return inPane(focus, 2, layout.contentHeight);
  }
  let top = 1;
  for (const row of layout.rows) {
    const h = Math.max(...row.map((r) => r.height));
    if (y >= top && y < top + h) {
      let left = 0;
      for (const rect of row) {
        if (x >= left && x < left + rect.width) return inPane(rect.pane, top, rect.height);
        left += rect.width;
      }
      return null;
    }
    top += h;
  }
  return null;
}
