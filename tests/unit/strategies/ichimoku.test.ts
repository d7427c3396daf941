import { describe, expect, it } from 'vitest';
import ichimoku from '../../../strategies/ichimoku.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { ta } from '../../../src/strategy/indicators.js';
import { candles20k, entries, expectWellBehaved, run } from './harness.js';

const candles = candles20k();

describe('ichimoku on 20k real BTC/USDT 1h candles', () => {
  const r = run(ichimoku, candles);
  const c = candles.close;
  const ich = ta.ichimoku(candles.high, candles.low);
  const long = (i: number) =>
    c[i]! > Math.max(ich.cloudA[i]!, ich.cloudB[i]!) && ich.conversion[i]! > ich.base[i]! && ich.spanA[i]! > ich.spanB[i]! && c[i]! > c[i - 26]!;

  it('is well behaved (warm-up, alternation, reasons, plausible trade count)', () => {
    expectWellBehaved(ichimoku, candles, r);
  });

  it('computes its lines with ta.ichimoku (classic 9/26/52/26)', () => {
    expect(Array.from(r.ind.tenkan!)).toEqual(Array.from(ich.conversion));
    expect(Array.from(r.ind.kijun!)).toEqual(Array.from(ich.base));
    expect(Array.from(r.ind.cloudB!)).toEqual(Array.from(ich.cloudB));
  });

  it('enters long at the onset of all four classic conditions, every onset taken while flat, stop at the kijun', () => {
    const entryAt = new Set(entries(r).map((s) => s.i));
    expect(entryAt.size).toBeGreaterThan(20);
    for (const { i, decision } of entries(r)) {
      expect(long(i), `entry at ${i}`).toBe(true);
      expect(long(i - 1)).toBe(false);
      if (ich.base[i]! < c[i]!) expect(decision.stop).toBe(ich.base[i]);
      expect(decision.reason).toMatch(/above the cloud .* tenkan .* > kijun .* cloud ahead bullish, chikou above price/);
    }
    for (let i = ichimoku.warmup(r.params); i < c.length; i++) {
      if (r.positionAt[i] === 0 && long(i) && !long(i - 1)) expect(entryAt.has(i), `onset at ${i}`).toBe(true);
    }
  });

  it('exits when tenkan falls below kijun or the close falls into the cloud', () => {
    const exits = entries(r, 'exit');
    expect(exits.length).toBeGreaterThan(20);
    for (const { i } of exits) {
      expect(ich.conversion[i]! < ich.base[i]! || c[i]! <= Math.max(ich.cloudA[i]!, ich.cloudB[i]!), `exit at ${i}`).toBe(true);
    }
  });

  it('takes mirrored shorts only when asked', () => {
    expect(entries(r, 'enter-short')).toHaveLength(0);
    const s = run(ichimoku, candles, { short: true });
    const shorts = entries(s, 'enter-short');
    expect(shorts.length).toBeGreaterThan(10);
    for (const { i } of shorts) {
      expect(c[i]! < Math.min(ich.cloudA[i]!, ich.cloudB[i]!) && ich.conversion[i]! < ich.base[i]! && ich.spanA[i]! < ich.spanB[i]!).toBe(true);
    }
  });

  it('rejects periods out of order', () => {
    expect(() => resolveParams(ichimoku, { conversion: 30, base: 26 })).toThrow(/conversion \(30\) must be below base \(26\)/);
    expect(() => resolveParams(ichimoku, { base: 60, span: 52 })).toThrow(/base \(60\) must be below span \(52\)/);
  });
});
