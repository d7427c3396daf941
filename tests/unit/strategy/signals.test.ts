import { describe, expect, it } from 'vitest';
import maCross from '../../../strategies/ma-cross.js';
import { ta } from '../../../src/strategy/indicators.js';
import { runDecisions } from '../../../src/strategy/lookahead.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { compareWithTolerance, crossing } from '../../../src/strategy/signals.js';
import { loadCsvSeries } from '../../support/candles.js';

const f = (...v: number[]) => Float64Array.from(v);

describe('crossing', () => {
  it('is up only when a goes from strictly below b to strictly above it, down for the opposite', () => {
    const a = f(1, 3, 1, 2, 2, 3);
    const b = f(2, 2, 2, 2, 2, 2);
    expect([0, 1, 2, 3, 4, 5].map((i) => crossing(a, b, i))).toEqual([null, 'up', 'down', null, null, null]);
  });
  it('never crosses through NaN (warm-up)', () => {
    expect(crossing(f(NaN, 3), f(2, 2), 1)).toBeNull();
    expect(crossing(f(1, 3), f(NaN, 2), 1)).toBeNull();
  });
});

describe('ties are decided with a tolerance relative to price, not by rounding noise', () => {
  it('treats a constructed floating-point tie as a touch (no cross)', () => {
    // 0.1 + 0.2 is 0.30000000000000004: mathematically both series are 0.3 on candle 1, so nothing crossed.
    const a = f(0.2, 0.1 + 0.2);
    const b = f(0.3, 0.3);
    expect(a[1]! > b[1]!).toBe(true);
    expect(crossing(a, b, 1)).toBeNull();
    expect(compareWithTolerance(0.1 + 0.2, 0.3)).toBe(0);
    // A real difference, even a tenth of a cent at 50,000, still counts (the tolerance there is 5e-5).
    expect(crossing(f(49_999, 50_000.001), f(50_000, 50_000), 1)).toBe('up');
    expect(crossing(f(49_999, 50_000.00001), f(50_000, 50_000), 1)).toBeNull();
    expect(compareWithTolerance(NaN, 1)).toBeNaN();
  });

  it('ma-cross SMA 5/20 and 10/30 equals an exact integer-arithmetic reference on real ETH and SOL candles', () => {
    for (const [file, decimals] of [['binance_ETHUSDT_1h.csv', 2], ['binance_SOLUSDT_1h.csv', 4]] as const) {
      const candles = loadCsvSeries(file);
      const scale = 10 ** decimals;
      const units = Float64Array.from(candles.close, (c) => Math.round(c * scale));
      for (const v of units) expect(Number.isSafeInteger(v)).toBe(true);
      for (const [fast, slow] of [[5, 20], [10, 30]] as const) {
        // Exact: compare sum(fast)/fast with sum(slow)/slow as sumF·slow vs sumS·fast, all integers below 2^53.
        const sign = new Int8Array(candles.length);
        let exactTies = 0;
        let noisyTies = 0;
        const floatFast = ta.sma(candles.close, fast);
        const floatSlow = ta.sma(candles.close, slow);
        for (let i = slow - 1; i < candles.length; i++) {
          let sf = 0;
          let ss = 0;
          for (let j = i - slow + 1; j <= i; j++) {
            ss += units[j]!;
            if (j > i - fast) sf += units[j]!;
          }
          const d = sf * slow - ss * fast;
          sign[i] = d > 0 ? 1 : d < 0 ? -1 : 0;
          if (d === 0) {
            exactTies++;
            if (floatFast[i] !== floatSlow[i]) noisyTies++;
          }
        }
        const expected: string[] = [];
        let pos: 'long' | null = null;
        for (let i = slow; i < candles.length; i++) {
          const up = sign[i - 1] === -1 && sign[i] === 1;
          const down = sign[i - 1] === 1 && sign[i] === -1;
          if (pos === null && up) {
            expected.push(`${i} enter-long`);
            pos = 'long';
          } else if (pos === 'long' && down) {
            expected.push(`${i} exit`);
            pos = null;
          }
        }
        const actual = runDecisions(maCross, resolveParams(maCross, { fast, slow }), candles).flatMap((d, i) => (d ? [`${i} ${d.action}`] : []));
        expect(actual, `${file} SMA ${fast}/${slow}`).toEqual(expected);
        // The case the rule exists for does occur: exact ties the floating-point averages disagree on.
        if (fast === 5) expect(noisyTies, `${file}: ${exactTies} exact ties`).toBeGreaterThan(0);
      }
    }
  });
});
