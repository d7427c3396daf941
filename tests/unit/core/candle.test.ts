import { describe, expect, it } from 'vitest';
import { SeriesBuffer, lowerBound, seriesFromCandles, seriesPrefix } from '../../../src/core/candle.js';

const candle = (i: number) => ({ time: i * 60_000, open: i, high: i + 1, low: i - 1, close: i + 0.5, volume: 1 });

describe('SeriesBuffer', () => {
  it('keeps every pushed candle across capacity growth', () => {
    const b = new SeriesBuffer(2);
    for (let i = 0; i < 100; i++) b.push(candle(i));
    expect(b.length).toBe(100);
    expect(Array.from(b.series.close.subarray(0, 100))).toEqual(Array.from({ length: 100 }, (_, i) => i + 0.5));
    expect(b.series.time[99]).toBe(99 * 60_000);
  });

  it('adopts preloaded candles without a copy and never writes to them: the next candle is appended to a copy', () => {
    const src = seriesFromCandles(Array.from({ length: 8 }, (_, i) => candle(i)));
    const before = Array.from(src.close);
    const b = new SeriesBuffer(2);
    b.adopt(seriesPrefix(src, 5));
    expect(b.length).toBe(5);
    expect(b.series.close.buffer).toBe(src.close.buffer);
    b.push(candle(100));
    expect(b.length).toBe(6);
    expect(b.series.close.buffer).not.toBe(src.close.buffer);
    expect(Array.from(b.series.close.subarray(0, 6))).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 100.5]);
    expect(Array.from(src.close)).toEqual(before);
    expect(() => b.adopt(src)).toThrow(/already holds candles/);
  });
});

describe('series helpers', () => {
  const s = seriesFromCandles(Array.from({ length: 10 }, (_, i) => candle(i)));
  it('finds the first candle at or after a time', () => {
    expect(lowerBound(s, 0)).toBe(0);
    expect(lowerBound(s, 60_000 * 3 + 1)).toBe(4);
    expect(lowerBound(s, 1e12)).toBe(10);
  });
  it('prefix views share memory and have the prefix length', () => {
    const p = seriesPrefix(s, 3);
    expect(p.length).toBe(3);
    expect(p.close.length).toBe(3);
    expect(p.close.buffer).toBe(s.close.buffer);
  });
});
