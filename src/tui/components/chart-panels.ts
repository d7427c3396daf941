// What the chart draws besides the price: candles merged for a zoomed-out view, the indicator sub-panels under the
// price (volume, RSI, MACD), the time ticks along the axis, and the cursor's read-out of one candle.
import type { CandleSeries } from '../../core/candle.js';
import { ta } from '../../strategy/indicators.js';
import type { Role, Theme } from '../theme/theme.js';
import { type Line, fit, padText, seg } from './line.js';
import { price, qty } from '../format.js';

/** Candles per column at each zoom level, most detailed first; `<` and `>` step through them. */
export const ZOOM_LEVELS = [1, 2, 4, 8, 16] as const;

/**
 * Candles merged `k` to a column (open of the first, high/low over all, close of the last, volume summed), groups
 * aligned to multiples of k candles in time so a new candle changes only the last column. `lastIndex[j]` is the
 * original index of each group's last candle (where the group's indicator values are read).
 */
export function mergeCandles(s: CandleSeries, k: number, timeframeMs: number): { series: CandleSeries; lastIndex: Int32Array } {
  if (k <= 1 || s.length === 0) return { series: s, lastIndex: Int32Array.from({ length: s.length }, (_, i) => i) };
  const span = k * timeframeMs;
  const groups: number[] = [];
  let prev = NaN;
  for (let i = 0; i < s.length; i++) {
    const g = Math.floor(s.time[i]! / span);
    if (g !== prev) groups.push(i);
    prev = g;
  }
  const n = groups.length;
  const out: CandleSeries = {
    length: n,
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  } as CandleSeries;
  const lastIndex = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const a = groups[j]!;
    const b = j + 1 < n ? groups[j + 1]! : s.length;
    let hi = -Infinity;
    let lo = Infinity;
    let vol = 0;
    for (let i = a; i < b; i++) {
      hi = Math.max(hi, s.high[i]!);
      lo = Math.min(lo, s.low[i]!);
      vol += s.volume[i]!;
    }
    out.time[j] = Math.floor(s.time[a]! / span) * span;
    out.open[j] = s.open[a]!;
    out.high[j] = hi;
    out.low[j] = lo;
    out.close[j] = s.close[b - 1]!;
    out.volume[j] = vol;
    lastIndex[j] = b - 1;
  }
  return { series: out, lastIndex };
}

export type PanelId = 'volume' | 'rsi' | 'macd';
/** What `v` cycles through. */
export const PANEL_SETS: readonly (readonly PanelId[])[] = [[], ['volume'], ['volume', 'rsi'], ['volume', 'rsi', 'macd']];

export interface PanelData {
  rsi: Float64Array;
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

/** RSI(14) and MACD(12, 26, 9) of the closes (the same kernels the strategies use). */
export function panelData(close: Float64Array): PanelData {
  const m = ta.macd(close, 12, 26, 9);
  return { rsi: ta.rsi(close, 14), macd: m.macd, signal: m.signal, histogram: m.histogram };
}

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII_BARS = ['.', '.', ':', ':', '|', '|', '#', '#'];

/**
 * One sub-panel, `rows` high (its first row is its label), the same columns as the price chart: `values[x]` for
 * each visible column x (NaN = nothing), drawn as bars from `base` (volume, MACD histogram) or as a line (RSI).
 */
export function renderPanel(
  label: string,
  values: ArrayLike<number>,
  opts: { rows: number; leftPad: number; cols: number; axis: number; width: number; theme: Theme; kind: 'bars' | 'line'; lo?: number; hi?: number; guides?: number[]; roleOf?: (v: number) => Role | undefined; cursor?: number | null },
): Line[] {
  const { rows, leftPad, cols, axis, width, theme } = opts;
  const n = values.length;
  let lo = opts.lo ?? Infinity;
  let hi = opts.hi ?? -Infinity;
  if (opts.lo === undefined || opts.hi === undefined)
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (opts.lo === undefined) lo = Math.min(lo, v, opts.kind === 'bars' ? 0 : v);
      if (opts.hi === undefined) hi = Math.max(hi, v, opts.kind === 'bars' ? 0 : v);
    }
  const out: Line[] = [fit([seg(label, 'muted')], width)];
  const body = Math.max(1, rows - 1);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    for (let y = 0; y < body; y++) out.push(fit([], width));
    return out;
  }
  if (hi === lo) hi = lo + 1;
  const levels = body * 8;
  const bars = theme.unicode ? BARS : ASCII_BARS;
  // eighths of a row filled from the base (zero, or the bottom when the range is all positive)
  const base = lo < 0 && hi > 0 ? 0 : lo >= 0 ? lo : hi;
  const level = (v: number): number => Math.round(((v - lo) / (hi - lo)) * levels);
  const baseLevel = level(base);
  for (let y = 0; y < body; y++) {
    const rowLo = (body - 1 - y) * 8;
    const line: Line = [];
    if (leftPad > 0) line.push(seg(' '.repeat(leftPad)));
    for (let x = 0; x < n; x++) {
      const v = values[x]!;
      let ch = ' ';
      if (Number.isFinite(v)) {
        const lv = level(v);
        if (opts.kind === 'line') {
          if (Math.min(levels - 1, Math.floor(lv)) >= rowLo && Math.min(levels - 1, Math.floor(lv)) < rowLo + 8) ch = theme.unicode ? '•' : '*';
        } else {
          const top = Math.max(lv, baseLevel);
          const bottom = Math.min(lv, baseLevel);
          const filled = Math.min(rowLo + 8, top) - Math.max(rowLo, bottom);
          if (filled > 0) ch = filled >= 8 || bottom > rowLo ? (theme.unicode ? '█' : '#') : bars[Math.max(0, filled - 1)]!;
        }
      }
      if (ch === ' ' && opts.guides?.some((g) => Math.floor(((g - lo) / (hi - lo)) * body - 1e-9) === body - 1 - y)) ch = theme.unicode ? '·' : '.';
      const cursorHere = opts.cursor === x;
      line.push(seg(cursorHere && ch === ' ' ? (theme.unicode ? '┊' : ':') : ch, cursorHere ? 'accent' : ch === '·' || ch === '.' ? 'muted' : opts.roleOf?.(v)));
    }
    if (cols - n - leftPad > 0) line.push(seg(' '.repeat(cols - n - leftPad)));
    const tick = y === 0 ? hi : y === body - 1 ? lo : null;
    line.push(seg(padText(tick === null ? '' : ` ${compact(tick)}`, axis), 'muted'));
    out.push(fit(line, width));
  }
  return out;
}

/** 1.2k, 3.4M: an axis label that fits a price axis's width. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  return v.toFixed(a >= 1 ? 1 : 3);
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEPS = [MIN, 5 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];

/** The calendar bucket a time falls in for a tick step (months and years by the calendar, the rest by UTC ms). */
function bucket(t: number, step: number): number {
  const d = new Date(t);
  if (step >= 365 * DAY) return d.getUTCFullYear();
  if (step >= 91 * DAY) return d.getUTCFullYear() * 4 + Math.floor(d.getUTCMonth() / 3);
  if (step >= 30 * DAY) return d.getUTCFullYear() * 12 + d.getUTCMonth();
  if (step === 7 * DAY) return Math.floor((t - 4 * DAY) / step); // weeks from Monday
  return Math.floor(t / step);
}

/**
 * The time axis under the chart: a label at each round time (hours, days, weeks, months, years) that has room,
 * starting at the column of the first candle in that period. Labels carry the year when the window crosses one
 * (replays span years), and a day label replaces the time at midnight.
 */
export function timeTicks(times: ArrayLike<number>, leftPad: number, cols: number, theme: Theme): Line {
  const n = times.length;
  if (n === 0) return [seg(' '.repeat(cols))];
  const t0 = times[0]!;
  const t1 = times[n - 1]!;
  const years = new Date(t0).getUTCFullYear() !== new Date(t1).getUTCFullYear();
  const per = n > 1 ? (t1 - t0) / (n - 1) : MIN;
  // the finest step whose labels (about 11 cells with the year) are at least that far apart
  const room = years ? 12 : 8;
  const step = STEPS.find((s) => s >= per && (s / per) >= room) ?? 365 * DAY;
  const label = (t: number): string => {
    const iso = new Date(t).toISOString();
    if (step >= 365 * DAY) return iso.slice(0, 4);
    if (step >= 30 * DAY) return iso.slice(0, 7);
    const midnight = t % DAY === 0;
    if (step >= DAY || midnight) return years ? iso.slice(0, 10) : iso.slice(5, 10);
    return iso.slice(11, 16);
  };
  const cells = new Array<string>(cols).fill(' ');
  let free = 0;
  for (let x = 0; x < n; x++) {
    if (x > 0 && bucket(times[x]!, step) === bucket(times[x - 1]!, step)) continue;
    if (x === 0 && n > 1 && bucket(t0, step) === bucket(times[1]!, step) && t0 % step !== 0 && step < 30 * DAY) continue;
    const col = leftPad + x;
    const text = `${theme.unicode ? '╵' : '\''}${label(times[x]!)}`;
    if (col < free || col + text.length > cols) continue;
    for (let i = 0; i < text.length; i++) cells[col + i] = text[i]!;
    free = col + text.length + 1;
  }
  return [seg(cells.join(''), 'muted')];
}

/** The cursor's read-out: the candle's time and OHLCV (first line), each overlay's and panel's value at it (second). */
export function readout(s: CandleSeries, i: number, timeframeMs: number, values: Array<{ name: string; value: number; role?: Role }>): [Line, Line] {
  const t = new Date(s.time[i]!).toISOString();
  const when = timeframeMs >= DAY ? t.slice(0, 10) : `${t.slice(0, 10)} ${t.slice(11, 16)}`;
  const up = s.close[i]! >= s.open[i]!;
  const line: Line = [
    seg(`${when} `, undefined, { bold: true }),
    seg(`O ${price(s.open[i])} H ${price(s.high[i])} L ${price(s.low[i])} `),
    seg(`C ${price(s.close[i])}`, up ? 'up' : 'down', { bold: true }),
    seg(` V ${qty(s.volume[i]!)}`, 'muted'),
  ];
  const second: Line = [];
  for (const v of values) second.push(seg(`${second.length > 0 ? '  ' : ''}${v.name} ${Number.isFinite(v.value) ? price(v.value) : '-'}`, v.role));
  return [line, second];
}
