import { describe, expect, it } from 'vitest';
import adaptiveEma from '../../../strategies/adaptive-ema.js';
import { ta } from '../../../src/strategy/indicators.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { num } from '../../../src/strategy/format.js';
import { candles20k, entries, expectWellBehaved, run } from './harness.js';

const candles = candles20k();

describe('adaptive-ema on 20k real BTC/USDT 1h candles', () => {
  const r = run(adaptiveEma, candles);
  const ind = r.ind;
  const pairs: [number, number][] = [
    [8, 21],
    [15, 38],
    [21, 55],
  ];

  it('is well behaved (warm-up, alternation, reasons, plausible trade count)', () => {
    expectWellBehaved(adaptiveEma, candles, r);
    expect(adaptiveEma.warmup(r.params)).toBe(14 + 200 - 1);
  });

  it('classifies each candle by ATR% against its own 200-candle mean, and all three regimes occur', () => {
    const atr = ta.atr(candles.high, candles.low, candles.close, 14);
    const seen = [0, 0, 0];
    const wrong: string[] = [];
    for (let i = 0; i < candles.length; i++) {
      const regime = ind.regime![i]!;
      if (i < 213) {
        if (!Number.isNaN(regime)) wrong.push(`regime ${regime} during warm-up at ${i}`);
        continue;
      }
      let sum = 0;
      for (let j = i - 199; j <= i; j++) sum += atr[j]! / candles.close[j]!;
      const ratio = atr[i]! / candles.close[i]! / (sum / 200);
      if (Math.abs(ind.ratio![i]! - ratio) > 1e-9) wrong.push(`ratio at ${i}: ${ind.ratio![i]} vs ${ratio}`);
      const expected = ratio < 0.8 ? 0 : ratio > 1.25 ? 2 : 1;
      // Ratios within rounding of a threshold may fall either way; elsewhere the regime is exact.
      if (Math.abs(ratio - 0.8) > 1e-9 && Math.abs(ratio - 1.25) > 1e-9 && regime !== expected) wrong.push(`regime at ${i}: ${regime} vs ${expected}`);
      seen[regime]!++;
    }
    expect(wrong).toEqual([]);
    expect(seen.every((count) => count > 1000)).toBe(true);
  });

  it('uses the EMA pair of the regime in force: short periods when calm, long when volatile', () => {
    for (let k = 0; k < 3; k++) {
      expect(Array.from(ind[`fast${k}`]!)).toEqual(Array.from(ta.ema(candles.close, pairs[k]![0])));
      expect(Array.from(ind[`slow${k}`]!)).toEqual(Array.from(ta.ema(candles.close, pairs[k]![1])));
    }
    for (const { i, decision } of entries(r)) {
      const k = ind.regime![i]!;
      const f = ind[`fast${k}`]!;
      const s = ind[`slow${k}`]!;
      expect(f[i - 1]! < s[i - 1]! && f[i]! > s[i]!).toBe(true);
      expect(decision.reason).toContain(`${['calm', 'normal', 'volatile'][k]} regime`);
      expect(decision.reason).toContain(`EMA(${pairs[k]![0]}) ${num(f[i]!)} crossed above EMA(${pairs[k]![1]}) ${num(s[i]!)}`);
    }
    for (const { i } of entries(r, 'exit')) {
      const k = ind.regime![i]!;
      expect(ind[`fast${k}`]![i]!).toBeLessThan(ind[`slow${k}`]![i]!);
    }
    const regimesOfEntries = new Set(entries(r).map((s) => ind.regime![s.i]!));
    expect(regimesOfEntries.size).toBe(3);
  });

  it('the chart series follow the selected pair', () => {
    for (const i of [500, 5000, 19_999]) {
      const k = ind.regime![i]!;
      expect(ind.fast![i]).toBe(ind[`fast${k}`]![i]);
      expect(ind.slow![i]).toBe(ind[`slow${k}`]![i]);
    }
  });

  it('rejects inconsistent parameters', () => {
    expect(() => resolveParams(adaptiveEma, { fastCalm: 30 })).toThrow(/fastCalm \(30\) must be below slowCalm/);
    expect(() => resolveParams(adaptiveEma, { calmRatio: 1, volatileRatio: 1 })).toThrow(/calmRatio/);
    expect(() => resolveParams(adaptiveEma, { fastVolatile: 5 })).toThrow(/calm periods must not exceed volatile periods/);
  });
});
