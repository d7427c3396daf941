// A scrolling table of fixed-width columns: drops the least important columns when the pane is narrow, keeps the
// selected row in view, highlights it (inverse, so it survives NO_COLOR).
import type { Theme } from '../theme/theme.js';
import { type Line, type Seg, fit, padText, seg } from './line.js';

export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
  /** Higher numbers are dropped first when the table does not fit; 0 never. */
  drop?: number;
  /** Takes the width left over (at least `width`). */
  flex?: boolean;
}

export function visibleColumns(cols: readonly Column[], width: number): number[] {
  const idx = cols.map((_, i) => i);
  const need = (ids: number[]): number => ids.reduce((a, i) => a + cols[i]!.width, 0) + Math.max(0, ids.length - 1);
  const order = [...idx].filter((i) => (cols[i]!.drop ?? 0) > 0).sort((a, b) => (cols[b]!.drop ?? 0) - (cols[a]!.drop ?? 0));
  let ids = idx;
  for (const d of order) {
    if (need(ids) <= width) break;
    ids = ids.filter((i) => i !== d);
  }
  return ids;
}

/** First row index shown so that `selected` is visible in `rows` lines. */
export function scrollStart(count: number, selected: number, rows: number): number {
  if (count <= rows) return 0;
  const half = Math.floor(rows / 2);
  return Math.max(0, Math.min(count - rows, selected - half));
}

export function renderTable(opts: {
  columns: readonly Column[];
  rows: Seg[][];
  width: number;
  height: number;
  selected: number | null;
  focused: boolean;
  theme: Theme;
  empty: string;
}): Line[] {
  const { columns, rows, width, height, selected, focused } = opts;
  const ids = visibleColumns(columns, width);
  const fixed = ids.reduce((a, i) => a + (columns[i]!.flex ? 0 : columns[i]!.width), 0) + Math.max(0, ids.length - 1);
  const widths = ids.map((i) => (columns[i]!.flex ? Math.max(columns[i]!.width, width - fixed) : columns[i]!.width));
  const out: Line[] = [];
  const header: Line = [];
  ids.forEach((i, k) => {
    if (k > 0) header.push(seg(' '));
    header.push(seg(padText(columns[i]!.title, widths[k]!, columns[i]!.align), 'muted', { bold: true }));
  });
  out.push(fit(header, width));
  const body = Math.max(0, height - 1);
  if (rows.length === 0) {
    out.push(fit([seg(opts.empty, 'muted')], width));
    return out;
  }
  const sel = selected === null ? -1 : Math.min(selected, rows.length - 1);
  const start = scrollStart(rows.length, Math.max(0, sel), body);
  for (let r = start; r < Math.min(rows.length, start + body); r++) {
    const cells = rows[r]!;
    const isSel = r === sel;
    const line: Line = [];
    ids.forEach((i, k) => {
      if (k > 0) line.push(seg(' ', undefined, { inverse: isSel && focused }));
      const c = cells[i] ?? seg('');
      line.push({ ...c, text: padText(c.text, widths[k]!, columns[i]!.align), inverse: isSel && focused, bold: c.bold || (isSel && !focused) });
    });
    const l = fit(line, width);
    if (isSel && focused) for (const s of l) s.inverse = true;
    out.push(l);
  }
  return out;
}
