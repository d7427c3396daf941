import { describe, expect, it } from 'vitest';
import rsiMacd from '../../../strategies/rsi-macd.js';
import { ta } from '../../../src/strategy/indicators.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { num } from '../../../src/strategy/format.js';
import { candles20k, entries, expectWellBehaved, run } from './harness.js';

const candles = candles20k();

describe('rsi-macd on 20k real BTC/USDT 1h candles', () => {
  const r = run(rsiMacd, candles);
  const { histogram: h, rsi } = r.ind as { histogram: Float64Array; rsi: Float64Array };

  it('is well behaved (warm-up, alternation, reasons, plausible trade count)', () => {
    expectWellBehaved(rsiMacd, candles, r);
  });

  it('computes MACD(12,26,9) and RSI(14) with the shared kernels', () => {
    const m = ta.macd(candles.close, 12, 26, 9);
    expect(Array.from(h)).toEqual(Array.from(m.histogram));
    expect(Array.from(rsi)).toEqual(Array.from(ta.rsi(candles.close, 14)));
    expect(rsiMacd.warmup(r.params)).toBe(34);
  });

  it('enters on every histogram cross above 0 with RSI below 65 while flat, and only then', () => {
    const entryAt = new Set(entries(r).map((s) => s.i));
    let signals = 0;
    const wrong: number[] = [];
    for (let i = 1; i < candles.length; i++) {
      const signal = h[i - 1]! <= 0 && h[i]! > 0 && rsi[i]! < 65 && r.positionAt[i] === 0;
      if (signal) signals++;
      if (signal !== entryAt.has(i)) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(signals).toBe(entryAt.size);
  });

  it('exits on RSI >= 75 or a histogram cross below 0, saying which', () => {
    const exits = entries(r, 'exit');
    let byRsi = 0;
    let byMacd = 0;
    for (const { i, decision } of exits) {
      if (rsi[i]! >= 75) {
        byRsi++;
        expect(decision.reason).toBe(`RSI(14) ${num(rsi[i]!)} reached 75 (overbought)`);
      } else {
        byMacd++;
        expect(h[i - 1]! >= 0 && h[i]! < 0).toBe(true);
        expect(decision.reason).toMatch(/^MACD histogram crossed below 0/);
      }
    }
    expect(byRsi).toBeGreaterThan(0);
    expect(byMacd).toBeGreaterThan(0);
  });

  it('a tighter RSI filter gives fewer entries', () => {
    const strict = run(rsiMacd, candles, { rsiEntryMax: 45 });
    expect(entries(strict).length).toBeLessThan(entries(r).length);
    for (const { i } of entries(strict)) expect(strict.ind.rsi![i]!).toBeLessThan(45);
  });

  it('rejects inconsistent parameters', () => {
    expect(() => resolveParams(rsiMacd, { macdFast: 26, macdSlow: 12 })).toThrow(/macdFast \(26\) must be below macdSlow \(12\)/);
    expect(() => resolveParams(rsiMacd, { rsiEntryMax: 80, rsiExit: 70 })).toThrow(/rsiEntryMax/);
  });
});
