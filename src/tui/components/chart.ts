// Pure chart drawing: candles as Unicode blocks (ASCII fallback), or a line of closes, with a price axis, overlays
// of indicator series on the price scale, entry/exit markers, time ticks and a cursor column. Returns exact-width
// lines; no allocation beyond the visible cells.
import type { CandleSeries } from '../../core/candle.js';
import type { Role, Theme } from '../theme/theme.js';
import type { Marker } from '../store/view-store.js';
import { type Line, fit, padText, seg } from './line.js';
import asciichart from 'asciichart';
import { price } from '../format.js';
import { timeTicks } from './chart-panels.js';

export interface Overlay {
  name: string;
  /** Aligned with the candles given to the chart. */
  values: Float64Array;
}

const OV_ROLES: Role[] = ['ov1', 'ov2', 'ov3', 'ov4'];

/** Series drawn over price: the strategy's declared overlays, or every series whose median lies in the price range. */
export function pickOverlays(series: Record<string, Float64Array>, candles: CandleSeries, declared?: readonly string[]): Overlay[] {
  const names = Object.keys(series);
  if (declared && declared.length > 0) return declared.filter((n) => series[n]).map((n) => ({ name: n, values: series[n]! }));
  if (candles.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < candles.length; i++) {
    if (candles.low[i]! < lo) lo = candles.low[i]!;
    if (candles.high[i]! > hi) hi = candles.high[i]!;
  }
  const out: Overlay[] = [];
  for (const n of names) {
    const v = series[n]!;
    const finite: number[] = [];
    for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) finite.push(v[i]!);
    if (finite.length === 0) continue;
    finite.sort((a, b) => a - b);
    const med = finite[finite.length >> 1]!;
    if (med >= lo && med <= hi) out.push({ name: n, values: v });
  }
  return out.slice(0, OV_ROLES.length);
}

export interface ChartInput {
  candles: CandleSeries;
  overlays: Overlay[];
  markers: Marker[];
  timeframeMs: number;
  width: number;
  height: number;
  theme: Theme;
  /**
   * Advance the window in jumps of PAGE_STEP candles instead of one column per candle, so every other new candle
   * changes one column (and the scale only when it breaks the range) rather than shifting every cell.
   */
  paged?: boolean;
  /** Index in `candles` of the candle under the cursor, drawn as a highlighted column. */
  cursor?: number | null;
  /** A line of closes instead of candles (overlays, markers and the cursor stay). */
  line?: boolean;
}

/** Where the chart put its columns, so panels under it line up: candle `start + x` is at column `leftPad + x`. */
export interface ChartLayout {
  start: number;
  n: number;
  leftPad: number;
  cols: number;
  axis: number;
}

/**
 * How many of the latest candles a paged chart shows: the left edge moves in steps of PAGE_STEP candles, so the chart
 * shifts (rewriting most of its cells) only every other candle and leaves at most one column empty at the right.
 * A step of one fills every column but doubles the shift's bytes (measured 1.99 KB/s against the 2 KB/s budget at
 * 1 candle/s in 120x40); an eighth of the width, as before, left up to an eighth of the chart empty.
 */
export const PAGE_STEP = 2;
export function pagedCount(lastTime: number, timeframeMs: number, cols: number, available: number): number {
  const step = Math.min(PAGE_STEP, cols);
  const last = Math.round(lastTime / timeframeMs);
  const start = Math.floor((last - cols + step) / step) * step;
  return Math.max(1, Math.min(available, cols, last - start + 1));
}

/** Width of the price axis for this range. */
function axisWidth(lo: number, hi: number): number {
  return Math.max(price(lo).length, price(hi).length) + 2;
}

export function renderCandleChart(inp: ChartInput, layout?: { out?: ChartLayout }): Line[] {
  const { candles: s, overlays, theme, width, height } = inp;
  const g = theme.g;
  const rows = Math.max(1, height - 2);
  if (s.length === 0) return [];
  // first pass over the widest possible window for the axis width, then fit the candles to what is left
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < s.length; i++) {
    lo = Math.min(lo, s.low[i]!);
    hi = Math.max(hi, s.high[i]!);
  }
  const axis = axisWidth(lo, hi);
  const cols = Math.max(1, width - axis);
  const n = inp.paged ? pagedCount(s.time[s.length - 1]!, inp.timeframeMs, cols, s.length) : Math.min(cols, s.length);
  const start = s.length - n;
  // right-aligned when there is less history than room; paged charts grow to the right
  const leftPad = inp.paged && n < s.length ? 0 : cols - n;
  const rightPad = cols - n - leftPad;
  lo = Infinity;
  hi = -Infinity;
  for (let i = start; i < s.length; i++) {
    lo = Math.min(lo, s.low[i]!);
    hi = Math.max(hi, s.high[i]!);
  }
  for (const o of overlays)
    for (let i = start; i < s.length; i++) {
      const v = o.values[i]!;
      // overlays widen the scale only a little: far-off values are clipped rather than squashing the candles
      if (Number.isFinite(v) && v > lo - (hi - lo) * 0.25 && v < hi + (hi - lo) * 0.25) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  if (hi === lo) {
    hi += Math.abs(hi) * 0.001 || 1;
    lo -= Math.abs(lo) * 0.001 || 1;
  }
  const span = hi - lo;
  const rowOf = (p: number): number => Math.min(rows - 1, Math.max(0, Math.floor(((hi - p) / span) * rows)));

  const chars: string[][] = Array.from({ length: rows }, () => new Array<string>(n).fill(' '));
  const roles: (Role | undefined)[][] = Array.from({ length: rows }, () => new Array<Role | undefined>(n).fill(undefined));
  if (inp.line) {
    // asciichart's strokes from each close to the next: ─ level, ╭╯ up, ╮╰ down, │ between
    const [h, v, upIn, upOut, downIn, downOut] = theme.unicode ? ['─', '│', '╯', '╭', '╮', '╰'] : ['-', '|', '/', '/', '\\', '\\'];
    for (let x = 0; x < n; x++) {
      const i = start + x;
      const b = rowOf(s.close[i]!);
      const a = i > 0 ? rowOf(s.close[i - 1]!) : b;
      const role: Role = s.close[i]! >= (i > 0 ? s.close[i - 1]! : s.open[i]!) ? 'up' : 'down';
      const put = (y: number, ch: string): void => {
        chars[y]![x] = ch;
        roles[y]![x] = role;
      };
      if (a === b) put(b, h!);
      else {
        put(a, b < a ? upIn! : downIn!);
        put(b, b < a ? upOut! : downOut!);
        for (let y = Math.min(a, b) + 1; y < Math.max(a, b); y++) put(y, v!);
      }
    }
  } else
    for (let x = 0; x < n; x++) {
      const i = start + x;
      const o = s.open[i]!;
      const c = s.close[i]!;
      const up = c >= o;
      const role: Role = up ? 'up' : 'down';
      const wt = rowOf(s.high[i]!);
      const wb = rowOf(s.low[i]!);
      const bt = rowOf(Math.max(o, c));
      const bb = rowOf(Math.min(o, c));
      for (let y = wt; y <= wb; y++) {
        chars[y]![x] = y >= bt && y <= bb ? (up ? g.bodyUp : g.bodyDown) : g.wick;
        roles[y]![x] = role;
      }
    }
  // the cursor: an accent column through the candle it reads
  const cx = inp.cursor !== null && inp.cursor !== undefined ? inp.cursor - start : -1;
  if (cx >= 0 && cx < n)
    for (let y = 0; y < rows; y++) {
      if (chars[y]![cx] === ' ') chars[y]![cx] = theme.unicode ? '┊' : ':';
      roles[y]![cx] = 'accent';
    }
  overlays.forEach((o, k) => {
    for (let x = 0; x < n; x++) {
      const v = o.values[start + x]!;
      if (!Number.isFinite(v) || v < lo || v > hi) continue;
      const y = rowOf(v);
      if (x !== cx && (chars[y]![x] === ' ' || chars[y]![x] === g.wick)) {
        chars[y]![x] = g.overlay[k % g.overlay.length]!;
        roles[y]![x] = OV_ROLES[k % OV_ROLES.length];
      }
    }
  });

  // price axis: top, bottom, every 4th row, and the last close highlighted
  const last = s.close[s.length - 1]!;
  const lastRow = rowOf(last);
  const labels = new Array<string | null>(rows).fill(null);
  for (let y = 0; y < rows; y += 4) labels[y] = price(hi - (y / rows) * span);
  labels[rows - 1] = price(lo);
  if (lastRow > 0) labels[lastRow - 1] = null;
  if (lastRow < rows - 1) labels[lastRow + 1] = null;
  labels[lastRow] = price(last);

  const out: Line[] = [];
  for (let y = 0; y < rows; y++) {
    const line: Line = [];
    if (leftPad > 0) line.push(seg(' '.repeat(leftPad)));
    let run = '';
    let runRole: Role | undefined;
    for (let x = 0; x < n; x++) {
      const r = roles[y]![x];
      if (r !== runRole && run) {
        line.push(seg(run, runRole));
        run = '';
      }
      runRole = r;
      run += chars[y]![x];
    }
    if (run) line.push(seg(run, runRole));
    if (rightPad > 0) line.push(seg(' '.repeat(rightPad)));
    const label = labels[y];
    if (y === lastRow) line.push(seg(padText(` ${label}`, axis), 'accent', { inverse: true }));
    else line.push(seg(padText(label ? ` ${label}` : ` ${g.wick}`, axis), 'muted'));
    out.push(fit(line, width));
  }
  out.push(fit(markerRow(inp, start, n, leftPad), width));
  out.push(fit(timeTicks(s.time.subarray(start, start + n), leftPad, cols, theme), width));
  if (layout) layout.out = { start, n, leftPad, cols, axis };
  return out;
}

function markerRow(inp: ChartInput, start: number, n: number, leftPad: number): Line {
  const { candles: s, markers, timeframeMs, theme } = inp;
  const cells = new Array<{ ch: string; role: Role } | null>(n).fill(null);
  const t0 = s.time[start]!;
  const tEnd = s.time[s.length - 1]! + timeframeMs;
  for (const m of markers) {
    if (m.time < t0 || m.time >= tEnd) continue;
    // the candle containing the fill: last candle whose open time <= fill time
    let a = start;
    let b = s.length - 1;
    while (a < b) {
      const mid = (a + b + 1) >> 1;
      if (s.time[mid]! <= m.time) a = mid;
      else b = mid - 1;
    }
    cells[a - start] = m.side === 'buy' ? { ch: theme.g.buy, role: 'up' } : { ch: theme.g.sell, role: 'down' };
  }
  const line: Line = [];
  if (leftPad > 0) line.push(seg(' '.repeat(leftPad)));
  for (const c of cells) line.push(c ? seg(c.ch, c.role, { bold: true }) : seg(' '));
  return line;
}

/** A plain line chart via asciichart (the backtest window's equity), labels padded to a fixed axis width. */
export function renderLineChart(values: ArrayLike<number>, width: number, height: number, theme: Theme): Line[] {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite.push(values[i]!);
  if (finite.length < 2 || height < 2) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of finite) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const labelW = Math.max(price(lo).length, price(hi).length) + 1;
  const n = Math.max(2, width - labelW - 2);
  const data = finite.slice(-n);
  const text = asciichart.plot(data, {
    height: Math.max(1, height - 1),
    offset: 2,
    symbols: theme.g.line,
    format: (x: number) => padText(price(x), labelW, 'right'),
  });
  return text
    .split('\n')
    .slice(0, height)
    .map((l) => fit([seg(l)], width));
}
