// The checks every candle passes before it enters the cache, whether it comes from a CSV file or an
// exchange page: finite numbers, positive prices, low <= min(open, close), high >= max(open, close),
// volume >= 0 and an open time aligned to the timeframe. One function so both paths agree.
import { isAligned, type Timeframe } from '../core/time.js';

export const CANDLE_FIELDS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
export type CandleField = (typeof CANDLE_FIELDS)[number];

export interface CandleProblem {
  field: CandleField;
  value: string;
  reason: string;
}

/** Returns the first problem of one candle, or null when it is valid. Allocates only on failure. */
export function checkCandle(
  time: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
  timeframe: Timeframe,
): CandleProblem | null {
  if (!Number.isFinite(time)) return { field: 'timestamp', value: String(time), reason: 'is not a timestamp' };
  if (!isAligned(time, timeframe)) {
    return { field: 'timestamp', value: String(time), reason: `(${new Date(time).toISOString()}) is not aligned to the ${timeframe} timeframe` };
  }
  if (!positive(open)) return priceProblem('open', open);
  if (!positive(high)) return priceProblem('high', high);
  if (!positive(low)) return priceProblem('low', low);
  if (!positive(close)) return priceProblem('close', close);
  if (!(Number.isFinite(volume) && volume >= 0)) return { field: 'volume', value: String(volume), reason: 'must be a finite number >= 0' };
  if (low > Math.min(open, close)) {
    return { field: 'low', value: String(low), reason: `is above min(open, close) = ${Math.min(open, close)}` };
  }
  if (high < Math.max(open, close)) {
    return { field: 'high', value: String(high), reason: `is below max(open, close) = ${Math.max(open, close)}` };
  }
  return null;
}

function positive(x: number): boolean {
  return Number.isFinite(x) && x > 0;
}

function priceProblem(field: CandleField, value: number): CandleProblem {
  return { field, value: String(value), reason: 'must be a finite number above 0' };
}
