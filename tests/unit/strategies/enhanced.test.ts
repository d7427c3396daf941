import { describe, expect, it } from 'vitest';
import enhanced from '../../../strategies/enhanced.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { num } from '../../../src/strategy/format.js';
import { candles20k, entries, expectWellBehaved, run } from './harness.js';

const candles = candles20k();

describe('enhanced on 20k real BTC/USDT 1h candles', () => {
  const r = run(enhanced, candles);
  const { ema, rsi, histogram: h, atr } = r.ind as Record<string, Float64Array>;
  const c = candles.close;
  const agree = (i: number) => c[i]! > ema![i]! && h![i]! > 0 && rsi![i]! >= 50 && rsi![i]! <= 70;

  it('is well behaved (warm-up, alternation, reasons, plausible trade count)', () => {
    expectWellBehaved(enhanced, candles, r);
  });

  it('enters only at the onset of confluence: trend, momentum and strength all agree at i, not at i-1', () => {
    for (const { i } of entries(r)) {
      expect(agree(i)).toBe(true);
      expect(agree(i - 1)).toBe(false);
    }
    // And every onset while flat is taken.
    const entryAt = new Set(entries(r).map((s) => s.i));
    for (let i = enhanced.warmup(r.params); i < c.length; i++) {
      if (r.positionAt[i] === 0 && agree(i) && !agree(i - 1)) expect(entryAt.has(i), `onset at ${i}`).toBe(true);
    }
  });

  it('proposes an ATR stop below the entry close', () => {
    for (const { i, decision } of entries(r)) {
      expect(decision.stop).toBeCloseTo(c[i]! - 2 * atr![i]!, 9);
      expect(decision.stop!).toBeLessThan(c[i]!);
      expect(decision.reason).toContain(`stop ${num(decision.stop!)} (2× ATR ${num(atr![i]!)})`);
    }
    const wide = run(enhanced, candles, { stopAtr: 4 });
    const e = entries(wide)[0]!;
    expect(e.decision.stop).toBeCloseTo(c[e.i]! - 4 * atr![e.i]!, 9);
  });

  it('exits when RSI is overbought or two of three votes turn bearish', () => {
    for (const { i } of entries(r, 'exit')) {
      const bearish = (c[i]! < ema![i]! ? 1 : 0) + (h![i]! < 0 ? 1 : 0) + (rsi![i]! < 50 ? 1 : 0);
      expect(rsi![i]! >= 78 || bearish >= 2, `exit at ${i}`).toBe(true);
    }
  });

  it('rejects inconsistent RSI bands', () => {
    expect(() => resolveParams(enhanced, { rsiMin: 60, rsiMax: 58 })).toThrow(/rsiMin \(60\) must be below rsiMax \(58\)/);
    expect(() => resolveParams(enhanced, { rsiMax: 80, rsiExit: 78 })).toThrow(/rsiMax/);
  });
});
