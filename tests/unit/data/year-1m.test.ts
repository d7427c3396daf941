import { describe, expect, it } from 'vitest';
import { YEAR_1M, yearOf1m } from '../../../bench/year-1m.js';
import { checkCandle } from '../../../src/data/validate.js';

describe('bench yearOf1m', () => {
  const year = yearOf1m();

  it('is exactly 525,600 consecutive 1m candles with valid OHLCV', () => {
    expect(year.length).toBe(YEAR_1M);
    let bad = 0;
    for (let i = 0; i < year.length; i++) {
      if (i > 0 && year.time[i] !== year.time[i - 1]! + 60_000) bad++;
      if (checkCandle(year.time[i]!, year.open[i]!, year.high[i]!, year.low[i]!, year.close[i]!, year.volume[i]!, '1m')) bad++;
    }
    expect(bad).toBe(0);
  });

  it('starts with the real BTC/USDT June 2025 minutes and continues from their last close', () => {
    expect(new Date(year.time[0]!).toISOString()).toBe('2025-06-01T17:23:00.000Z');
    expect(year.open[0]).toBe(105100.69);
    const realLast = 43207;
    expect(new Date(year.time[realLast]!).toISOString()).toBe('2025-07-01T17:30:00.000Z');
    expect(year.open[realLast + 1]).toBe(year.close[realLast]);
  });

  it('is the same for the same seed and differs for another', () => {
    const again = yearOf1m(42);
    const other = yearOf1m(7);
    expect(again.close[YEAR_1M - 1]).toBe(year.close[YEAR_1M - 1]);
    expect(other.close[YEAR_1M - 1]).not.toBe(year.close[YEAR_1M - 1]);
  });
});
