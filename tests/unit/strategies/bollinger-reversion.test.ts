import { describe, expect, it } from 'vitest';
import bollinger from '../../../strategies/bollinger-reversion.js';
import { ta } from '../../../src/strategy/indicators.js';
import { num } from '../../../src/strategy/format.js';
import { candles20k, entries, expectWellBehaved, run } from './harness.js';

const candles = candles20k();
const c = candles.close;

describe('bollinger-reversion on 20k real BTC/USDT 1h candles', () => {
  const r = run(bollinger, candles);

  it('is well behaved (warm-up, alternation, reasons, plausible trade count)', () => {
    expectWellBehaved(bollinger, candles, r);
  });

  it('buys closes below the lower band with RSI below 35, and exits at the middle band', () => {
    const bands = ta.bollinger(c, 20, 2);
    expect(Array.from(r.ind.lower!)).toEqual(Array.from(bands.lower));
    for (const { i, decision } of entries(r)) {
      expect(c[i]!).toBeLessThan(bands.lower[i]!);
      expect(r.ind.rsi![i]!).toBeLessThan(35);
      expect(decision.reason).toContain(`below the lower band ${num(bands.lower[i]!)}`);
    }
    for (const { i, decision } of entries(r, 'exit')) {
      expect(c[i]!).toBeGreaterThanOrEqual(bands.middle[i]!);
      expect(decision.reason).toBe(`close ${num(c[i]!)} reached the middle band ${num(bands.middle[i]!)}`);
    }
  });

  it('without RSI confirmation enters on every close below the band while flat', () => {
    const loose = run(bollinger, candles, { rsiConfirm: false });
    expectWellBehaved(bollinger, candles, loose);
    expect(entries(loose).length).toBeGreaterThan(entries(r).length);
    const entryAt = new Set(entries(loose).map((s) => s.i));
    const wrong: number[] = [];
    for (let i = 19; i < c.length; i++) {
      if (loose.positionAt[i] === 0 && entryAt.has(i) !== c[i]! < loose.ind.lower![i]!) wrong.push(i);
    }
    expect(wrong).toEqual([]);
  });

  it('with exitAt=upper holds until the upper band', () => {
    const up = run(bollinger, candles, { exitAt: 'upper' });
    expect(entries(up, 'exit').length).toBeGreaterThan(0);
    for (const { i } of entries(up, 'exit')) expect(c[i]!).toBeGreaterThanOrEqual(up.ind.upper![i]!);
  });
});
