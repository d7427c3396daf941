// A strategy that replays a script of decisions by candle index, for hand-computed engine tests.
import { defineStrategy, type Strategy } from '../../src/strategy/contract.js';
import type { Decision } from '../../src/core/trading.js';
import { seriesFromCandles, type Candle, type CandleSeries } from '../../src/core/candle.js';

export function scripted(script: Record<number, Decision['action'] | Decision>, name = 'scripted'): Strategy {
  return defineStrategy({
    name,
    description: 'test script',
    timeframe: '1h',
    params: [],
    warmup: () => 1,
    compute: () => ({}),
    decide(i) {
      const d = script[i];
      if (!d) return null;
      return typeof d === 'string' ? { action: d, reason: `script ${i}` } : d;
    },
  });
}

/** Hourly candles from [open, high, low, close] tuples, starting 2024-01-01T00:00Z. */
export function hourly(rows: Array<[number, number, number, number]>): CandleSeries {
  const t0 = Date.UTC(2024, 0, 1);
  const candles: Candle[] = rows.map(([open, high, low, close], i) => ({ time: t0 + i * 3_600_000, open, high, low, close, volume: 1 }));
  return seriesFromCandles(candles);
}
