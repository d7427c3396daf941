// The candles a chart may show during a replay: only what has happened by the replay time. Candles of the
// chart's market that closed by then, and — when the replay clock is inside one of its candles (a 1d chart
// while 1h candles replay) — the forming candle, built from the lower-timeframe candles of the same symbol
// that closed by then (open of the first, highest high, lowest low, close of the last, summed volume), never
// the cached final candle whose close lies hours ahead.
import { emptySeries, seriesFromCandles, seriesSlice, type Candle, type CandleSeries, type MarketKey } from '../core/candle.js';
import { DAY_MS, TIMEFRAME_LIST, timeframeMs, type Timeframe } from '../core/time.js';

export interface ChartCandleSource {
  read(key: MarketKey, from?: number, to?: number): CandleSeries;
  first(key: MarketKey): number | null;
}

/** Open time of the `tf` candle that contains `time` (weekly candles open on Monday 00:00 UTC). */
export function candleOpenAt(time: number, tf: Timeframe): number {
  const ms = timeframeMs(tf);
  const offset = tf === '1w' ? 4 * DAY_MS : 0;
  return Math.floor((time - offset) / ms) * ms + offset;
}

/**
 * The last `limit` candles of `key` as of replay time `clock`: every candle closed by then, plus the forming
 * one aggregated from `lower` (candles of the same symbol on a timeframe that divides key's, closed by then).
 * `lower` is tried from the coarsest timeframe down, so a day forms from 1h candles when those are cached.
 */
export function chartCandlesAt(store: ChartCandleSource, key: MarketKey, limit: number, clock: number, lower: readonly Timeframe[] = TIMEFRAME_LIST): CandleSeries {
  const tf = timeframeMs(key.timeframe);
  const span = (limit + 64) * 2 * tf;
  // Candles whose close (open + tf) is at or before the clock: open ≤ clock − tf.
  const closed = store.read(key, clock - span, clock - tf);
  const start = candleOpenAt(clock, key.timeframe);
  const forming = start < clock ? formingCandle(store, key, start, clock, lower) : null;
  if (!forming) return seriesSlice(closed, Math.max(0, closed.length - limit), closed.length);
  const keep = seriesSlice(closed, Math.max(0, closed.length - (limit - 1)), closed.length);
  const rows: Candle[] = [];
  for (let i = 0; i < keep.length; i++) rows.push({ time: keep.time[i]!, open: keep.open[i]!, high: keep.high[i]!, low: keep.low[i]!, close: keep.close[i]!, volume: keep.volume[i]! });
  rows.push(forming);
  return limit > 0 ? seriesFromCandles(rows) : emptySeries(0);
}

function formingCandle(store: ChartCandleSource, key: MarketKey, start: number, clock: number, lower: readonly Timeframe[]): Candle | null {
  const tf = timeframeMs(key.timeframe);
  const candidates = lower.filter((t) => timeframeMs(t) < tf && tf % timeframeMs(t) === 0).sort((a, b) => timeframeMs(b) - timeframeMs(a));
  for (const sub of candidates) {
    const subKey = { ...key, timeframe: sub };
    if (store.first(subKey) === null) continue;
    const s = store.read(subKey, start, clock - timeframeMs(sub));
    if (s.length === 0) continue;
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (let i = 0; i < s.length; i++) {
      high = Math.max(high, s.high[i]!);
      low = Math.min(low, s.low[i]!);
      volume += s.volume[i]!;
    }
    return { time: start, open: s.open[0]!, high, low, close: s.close[s.length - 1]!, volume };
  }
  return null;
}
