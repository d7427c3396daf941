// Ichimoku and the stochastic oscillator, proven three ways: against a naive re-computation written here from
// the textbook definitions (plain arrays, Math.max/min over slices), against technicalindicators' own
// IchimokuCloud and Stochastic, and on a hand-worked example. Plus alignment and causality.
import { describe, expect, it } from 'vitest';
import { seriesPrefix } from '../../../src/core/candle.js';
import { ICHIMOKU_CLASSIC, indicatorsLibrary as lib, ta } from '../../../src/strategy/indicators.js';
import { loadCsvSeries } from '../../support/candles.js';

const btc = loadCsvSeries('binance_BTCUSDT_1h.csv', 20_000);
const H = Array.from(btc.high);
const L = Array.from(btc.low);
const C = Array.from(btc.close);

/** Textbook midpoint over the window ending at i, from plain arrays. */
function naiveMid(i: number, period: number): number {
  if (i < period - 1) return NaN;
  return (Math.max(...H.slice(i - period + 1, i + 1)) + Math.min(...L.slice(i - period + 1, i + 1))) / 2;
}

function expectSame(actual: Float64Array, expected: (i: number) => number, tolerance = 0): void {
  for (let i = 0; i < actual.length; i++) {
    const e = expected(i);
    if (Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else if (tolerance === 0) expect(actual[i], `index ${i}`).toBe(e);
    else expect(Math.abs(actual[i]! - e), `index ${i}`).toBeLessThanOrEqual(tolerance);
  }
}

describe('ichimoku', () => {
  const ich = ta.ichimoku(btc.high, btc.low);

  it('equals the textbook lines computed naively, on 20k real candles', () => {
    expectSame(ich.conversion, (i) => naiveMid(i, 9));
    expectSame(ich.base, (i) => naiveMid(i, 26));
    expectSame(ich.spanA, (i) => (naiveMid(i, 9) + naiveMid(i, 26)) / 2);
    expectSame(ich.spanB, (i) => naiveMid(i, 52));
  });

  it('draws the cloud at i from the spans computed displacement candles earlier', () => {
    expectSame(ich.cloudA, (i) => (i < 26 ? NaN : ich.spanA[i - 26]!));
    expectSame(ich.cloudB, (i) => (i < 26 ? NaN : ich.spanB[i - 26]!));
    expect(ich.cloudA[25 + 25]).toBeNaN();
    expect(ich.cloudA[25 + 26]).not.toBeNaN();
    expect(ich.cloudB[51 + 25]).toBeNaN();
    expect(ich.cloudB[51 + 26]).not.toBeNaN();
  });

  it("equals technicalindicators' IchimokuCloud wherever the library has values", () => {
    const ref = lib.ichimoku(btc.high, btc.low, ICHIMOKU_CLASSIC);
    let compared = 0;
    for (const key of ['conversion', 'base', 'spanA', 'spanB', 'cloudA', 'cloudB'] as const) {
      for (let i = 0; i < btc.length; i++) {
        if (Number.isNaN(ref[key][i]!)) continue;
        expect(ich[key][i], `${key}[${i}]`).toBeCloseTo(ref[key][i]!, 9);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(6 * (btc.length - 100));
  });

  it('matches a hand-worked example (periods 2/3/4, displacement 2)', () => {
    const high = Float64Array.from([10, 12, 11, 15, 14, 13]);
    const low = Float64Array.from([8, 9, 7, 10, 12, 11]);
    const r = ta.ichimoku(high, low, { conversion: 2, base: 3, span: 4, displacement: 2 });
    // conversion at 1: (12+8)/2=10; at 2: (12+7)/2=9.5; at 3: (15+7)/2=11; at 4: (15+10)/2=12.5; at 5: (14+11)/2=12.5
    expect(Array.from(r.conversion)).toEqual([NaN, 10, 9.5, 11, 12.5, 12.5]);
    // base at 2: (12+7)/2=9.5; at 3: (15+7)/2=11; at 4: (15+7)/2=11; at 5: (15+10)/2=12.5
    expect(Array.from(r.base)).toEqual([NaN, NaN, 9.5, 11, 11, 12.5]);
    expect(Array.from(r.spanA)).toEqual([NaN, NaN, 9.5, 11, 11.75, 12.5]);
    // spanB at 3: (15+7)/2=11; at 4: (15+7)/2=11; at 5: (15+7)/2=11
    expect(Array.from(r.spanB)).toEqual([NaN, NaN, NaN, 11, 11, 11]);
    expect(Array.from(r.cloudA)).toEqual([NaN, NaN, NaN, NaN, 9.5, 11]);
    expect(Array.from(r.cloudB)).toEqual([NaN, NaN, NaN, NaN, NaN, 11]);
  });

  it('is causal: every line on a prefix equals the full run', () => {
    const cut = seriesPrefix(btc, 5000);
    const part = ta.ichimoku(cut.high, cut.low);
    for (const key of ['conversion', 'base', 'spanA', 'spanB', 'cloudA', 'cloudB'] as const) {
      expect(Array.from(part[key])).toEqual(Array.from(ich[key].subarray(0, 5000)));
    }
  });

  it('rejects bad periods', () => {
    expect(() => ta.ichimoku(btc.high, btc.low, { ...ICHIMOKU_CLASSIC, base: 0 })).toThrow(/ichimoku base: period must be an integer >= 1/);
    expect(() => ta.ichimoku(btc.high, btc.low, { ...ICHIMOKU_CLASSIC, displacement: -1 })).toThrow(/displacement/);
  });
});

describe('stochastic', () => {
  const st = ta.stochastic(btc.high, btc.low, btc.close, 14, 3);

  function naiveK(i: number): number {
    if (i < 13) return NaN;
    const hh = Math.max(...H.slice(i - 13, i + 1));
    const ll = Math.min(...L.slice(i - 13, i + 1));
    return hh === ll ? 50 : (100 * (C[i]! - ll)) / (hh - ll);
  }

  it('%K and %D equal the textbook definitions computed naively, on 20k real candles', () => {
    expectSame(st.k, naiveK, 1e-9);
    expectSame(st.d, (i) => (i < 15 ? NaN : (naiveK(i) + naiveK(i - 1) + naiveK(i - 2)) / 3), 1e-9);
  });

  it("equals technicalindicators' Stochastic (which rounds to 2 decimals) at every candle", () => {
    const ref = lib.stochastic(btc.high, btc.low, btc.close, 14, 3);
    let compared = 0;
    for (let i = 0; i < btc.length; i++) {
      expect(Number.isNaN(st.k[i]!)).toBe(Number.isNaN(ref.k[i]!));
      if (Number.isNaN(ref.k[i]!)) continue;
      expect(Math.abs(st.k[i]! - ref.k[i]!), `k[${i}]`).toBeLessThanOrEqual(0.005 + 1e-9);
      if (!Number.isNaN(ref.d[i]!)) expect(Math.abs(st.d[i]! - ref.d[i]!), `d[${i}]`).toBeLessThanOrEqual(0.01);
      compared++;
    }
    expect(compared).toBe(btc.length - 13);
  });

  it('matches a hand-worked example, and says 50 (not 0) on a flat range', () => {
    const high = Float64Array.from([10, 12, 11, 10, 10, 10, 10]);
    const low = Float64Array.from([8, 9, 7, 10, 10, 10, 10]);
    const close = Float64Array.from([9, 11, 8, 10, 10, 10, 10]);
    const r = ta.stochastic(high, low, close, 3, 2);
    // k at 2: range 12..7, close 8 → 20; at 3: 12..7, close 10 → 60; at 4: 11..7, 10 → 75; at 5: 10..10 → 50 (flat)
    expect(Array.from(r.k)).toEqual([NaN, NaN, 20, 60, 75, 50, 50]);
    expect(Array.from(r.d)).toEqual([NaN, NaN, NaN, 40, 67.5, 62.5, 50]);
  });

  it('is causal: %K and %D on a prefix equal the full run', () => {
    const cut = seriesPrefix(btc, 3000);
    const part = ta.stochastic(cut.high, cut.low, cut.close, 14, 3);
    expect(Array.from(part.k)).toEqual(Array.from(st.k.subarray(0, 3000)));
    expect(Array.from(part.d)).toEqual(Array.from(st.d.subarray(0, 3000)));
  });
});
