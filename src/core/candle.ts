// Candles. A candle is keyed by its open time (UTC ms). Hot paths use the columnar CandleSeries.
import type { Timeframe } from './time.js';

export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Columnar candles: one Float64Array per field, all of `length` (capacity may be larger). */
export interface CandleSeries {
  length: number;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** What identifies one stream of candles in the cache. */
export interface MarketKey {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
}

export function marketKeyString(k: MarketKey): string {
  return `${k.exchange}:${k.symbol}:${k.timeframe}`;
}

export function emptySeries(capacity = 0): CandleSeries {
  return {
    length: 0,
    time: new Float64Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
  };
}

export function seriesFromCandles(candles: readonly Candle[]): CandleSeries {
  const s = emptySeries(candles.length);
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    s.time[i] = c.time;
    s.open[i] = c.open;
    s.high[i] = c.high;
    s.low[i] = c.low;
    s.close[i] = c.close;
    s.volume[i] = c.volume;
  }
  s.length = candles.length;
  return s;
}

export function candleAt(s: CandleSeries, i: number): Candle {
  return { time: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! };
}

/** A view of the first `n` candles (shares memory; no copy). */
export function seriesPrefix(s: CandleSeries, n: number): CandleSeries {
  return {
    length: n,
    time: s.time.subarray(0, n),
    open: s.open.subarray(0, n),
    high: s.high.subarray(0, n),
    low: s.low.subarray(0, n),
    close: s.close.subarray(0, n),
    volume: s.volume.subarray(0, n),
  };
}

/** A view of candles [start, end) (shares memory; no copy). */
export function seriesSlice(s: CandleSeries, start: number, end: number): CandleSeries {
  return {
    length: end - start,
    time: s.time.subarray(start, end),
    open: s.open.subarray(start, end),
    high: s.high.subarray(start, end),
    low: s.low.subarray(start, end),
    close: s.close.subarray(start, end),
    volume: s.volume.subarray(start, end),
  };
}

/** Index of the first candle with time >= t (binary search; series is ascending). */
export function lowerBound(s: CandleSeries, t: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A growable series for feeds that append one candle at a time (doubling capacity). */
export class SeriesBuffer {
  series: CandleSeries;
  constructor(capacity = 1024) {
    this.series = emptySeries(capacity);
  }
  get length(): number {
    return this.series.length;
  }
  push(c: Candle): void {
    if (this.series.length === this.series.time.length) this.grow(Math.max(16, this.series.length * 2));
    const s = this.series;
    const i = s.length;
    s.time[i] = c.time;
    s.open[i] = c.open;
    s.high[i] = c.high;
    s.low[i] = c.low;
    s.close[i] = c.close;
    s.volume[i] = c.volume;
    s.length = i + 1;
  }
  /**
   * Takes `src` as the buffer's candles without copying them (an empty buffer only): views of its first
   * `src.length` candles. The buffer never writes to them: their capacity is their length, so the next push or
   * append copies into arrays of its own. The caller must not change them afterwards.
   */
  adopt(src: CandleSeries): void {
    if (this.series.length > 0) throw new Error('SeriesBuffer.adopt: the buffer already holds candles');
    this.series = seriesPrefix(src, src.length);
  }
  /** Appends candles [start, end) of `src` in bulk (typed-array copies, no per-candle objects). */
  append(src: CandleSeries, start = 0, end = src.length): void {
    const n = end - start;
    if (n <= 0) return;
    const need = this.series.length + n;
    if (need > this.series.time.length) this.grow(Math.max(need, this.series.time.length * 2));
    const s = this.series;
    const at = s.length;
    s.time.set(src.time.subarray(start, end), at);
    s.open.set(src.open.subarray(start, end), at);
    s.high.set(src.high.subarray(start, end), at);
    s.low.set(src.low.subarray(start, end), at);
    s.close.set(src.close.subarray(start, end), at);
    s.volume.set(src.volume.subarray(start, end), at);
    s.length = need;
  }

  private grow(capacity: number): void {
    const old = this.series;
    const next = emptySeries(capacity);
    next.time.set(old.time.subarray(0, old.length));
    next.open.set(old.open.subarray(0, old.length));
    next.high.set(old.high.subarray(0, old.length));
    next.low.set(old.low.subarray(0, old.length));
    next.close.set(old.close.subarray(0, old.length));
    next.volume.set(old.volume.subarray(0, old.length));
    next.length = old.length;
    this.series = next;
  }
}
