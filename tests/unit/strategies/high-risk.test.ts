import { describe, expect, it } from 'vitest';
import highRisk from '../../../strategies/high-risk.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { ta } from '../../../src/strategy/indicators.js';
import { candles20k, entries, expectWellBehaved, run } from './harness.js';

const candles = candles20k();
const c = candles.close;

describe('high-risk on 20k real BTC/USDT 1h candles', () => {
  const r = run(highRisk, candles);
  const { fast, slow, rsi } = r.ind as Record<string, Float64Array>;

  it('carries aggressive risk hints', () => {
    expect(highRisk.risk).toEqual({ sizeMultiplier: 2, stopLossPct: 0.01, takeProfitPct: 0.02 });
  });

  it('is well behaved (warm-up, alternation, reasons, plausible trade count)', () => {
    expectWellBehaved(highRisk, candles, r);
  });

  it('enters long on a fast EMA(5)/EMA(13) cross with RSI(7) > 50, double size, 1% stop, 2% target', () => {
    expect(Array.from(fast!)).toEqual(Array.from(ta.ema(c, 5)));
    expect(entries(r).length).toBeGreaterThan(300);
    for (const { i, decision } of entries(r)) {
      expect(fast![i - 1]! < slow![i - 1]! && fast![i]! > slow![i]!).toBe(true);
      expect(rsi![i]!).toBeGreaterThan(50);
      expect(decision.sizeMultiplier).toBe(2);
      expect(decision.stop).toBeCloseTo(c[i]! * 0.99, 9);
      expect(decision.takeProfit).toBeCloseTo(c[i]! * 1.02, 9);
    }
    for (const { i } of entries(r, 'exit')) {
      expect((fast![i - 1]! > slow![i - 1]! && fast![i]! < slow![i]!) || rsi![i]! >= 80).toBe(true);
    }
  });

  it('with short=true goes short on the mirrored signal with the stop above', () => {
    const rs = run(highRisk, candles, { short: true });
    expectWellBehaved(highRisk, candles, rs);
    const shorts = entries(rs, 'enter-short');
    expect(shorts.length).toBeGreaterThan(10);
    for (const { i, decision } of shorts) {
      expect(fast![i]!).toBeLessThan(slow![i]!);
      expect(rsi![i]!).toBeLessThan(50);
      expect(decision.stop).toBeCloseTo(c[i]! * 1.01, 9);
      expect(decision.takeProfit).toBeCloseTo(c[i]! * 0.98, 9);
    }
  });

  it('takes its stop and target distances from the parameters', () => {
    const params = resolveParams(highRisk, { stopLossPct: '0.005', takeProfitPct: '0.03' });
    const ind = highRisk.compute(candles, params, ta);
    const i = entries(r)[0]!.i;
    const d = highRisk.decide(i, { candles, ind, params }, null)!;
    expect(d.stop).toBeCloseTo(c[i]! * 0.995, 9);
    expect(d.takeProfit).toBeCloseTo(c[i]! * 1.03, 9);
  });
});
