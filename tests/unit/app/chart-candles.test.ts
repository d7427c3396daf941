// A chart during a replay shows only what has happened by replay time: on a 1d chart while 1h candles replay,
// the day's candle is forming — built from the hours already replayed — not the cached final day.
import { describe, expect, it } from 'vitest';
import { candleOpenAt, chartCandlesAt } from '../../../src/app/chart-candles.js';
import { MemoryCandleStore } from '../../../src/adapters/store/memory/candle-store.js';
import { seriesFromCandles, type MarketKey } from '../../../src/core/candle.js';

const H = 3_600_000;
const D = 24 * H;
const day0 = Date.UTC(2024, 0, 1);
const hourly: MarketKey = { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1h' };
const daily: MarketKey = { ...hourly, timeframe: '1d' };

function store(): MemoryCandleStore {
  const s = new MemoryCandleStore();
  // Three days of hours: hour k opens at 100 + k, high +2, low −3, close +1, volume 1.
  s.write(hourly, seriesFromCandles(Array.from({ length: 72 }, (_, k) => ({ time: day0 + k * H, open: 100 + k, high: 102 + k, low: 97 + k, close: 101 + k, volume: 1 }))));
  // The cached days, as the exchange gives them (final values).
  s.write(daily, seriesFromCandles([0, 1, 2].map((d) => ({ time: day0 + d * D, open: 100 + 24 * d, high: 125 + 24 * d, low: 97 + 24 * d, close: 124 + 24 * d, volume: 24 }))));
  return s;
}

describe('chart candles at replay time', () => {
  it('a 1d chart at 10:00 of day 2 shows day 1 closed and day 2 forming from its ten replayed hours', () => {
    const clock = day0 + D + 10 * H; // the 1h candle 09:00 of day 2 has closed
    const c = chartCandlesAt(store(), daily, 10, clock);
    expect(Array.from(c.time)).toEqual([day0, day0 + D]);
    // Day 1 as cached (closed at day0 + D ≤ clock).
    expect([c.open[0], c.high[0], c.low[0], c.close[0], c.volume[0]]).toEqual([100, 125, 97, 124, 24]);
    // Day 2 forming: hours 24..33 → open 124, high 102+33, low 97+24, close 101+33, volume 10 (not the cached 148 close).
    expect([c.open[1], c.high[1], c.low[1], c.close[1], c.volume[1]]).toEqual([124, 135, 121, 134, 10]);
  });

  it('at a day boundary the day is complete and nothing forms; the chart’s own timeframe shows closed candles only', () => {
    const clock = day0 + 2 * D;
    const c = chartCandlesAt(store(), daily, 10, clock);
    expect(Array.from(c.time)).toEqual([day0, day0 + D]);
    expect(c.close[1]).toBe(148);
    const h = chartCandlesAt(store(), hourly, 5, day0 + 10 * H);
    expect(Array.from(h.time)).toEqual([5, 6, 7, 8, 9].map((k) => day0 + k * H));
  });

  it('keeps `limit` candles including the forming one; weekly candles open on Monday', () => {
    const c = chartCandlesAt(store(), daily, 1, day0 + D + 3 * H);
    expect(Array.from(c.time)).toEqual([day0 + D]);
    expect(c.close[0]).toBe(101 + 26);
    // 2024-01-03 is a Wednesday: its week opened on Monday 2024-01-01.
    expect(candleOpenAt(Date.UTC(2024, 0, 3, 12), '1w')).toBe(Date.UTC(2024, 0, 1));
  });
});
