// The hand-written kernels (`ta`) against technicalindicators itself (`indicatorsLibrary`) on real candles,
// plus alignment (warm-up length, never shifted) and causality of every series.
import { describe, expect, it } from 'vitest';
import { seriesPrefix } from '../../../src/core/candle.js';
import { firstFinite, fromFirstFinite, indicatorsLibrary as lib, ta } from '../../../src/strategy/indicators.js';
import { loadCsvSeries } from '../../support/candles.js';

const btc = loadCsvSeries('binance_BTCUSDT_1h.csv');
const eth = loadCsvSeries('binance_ETHUSDT_1h.csv', 20_000);

/** Largest relative difference; NaN must line up exactly (same warm-up). Returns Infinity on a NaN mismatch. */
function maxRelDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    const rel = x === y ? 0 : Math.abs(x - y) / Math.max(Math.abs(y), 1e-300);
    if (rel > worst) worst = rel;
  }
  return worst;
}

function countFinite(a: Float64Array): number {
  let n = 0;
  for (const v of a) if (Number.isFinite(v)) n++;
  return n;
}

describe.each([
  ['BTC/USDT 1h (75k candles)', btc],
  ['ETH/USDT 1h (20k candles)', eth],
])('kernels equal technicalindicators on %s', (_label, s) => {
  const c = s.close;

  it.each([2, 10, 20, 50, 200])('sma(%i) within 1e-9 relative', (p) => {
    const mine = ta.sma(c, p);
    expect(maxRelDiff(mine, lib.sma(c, p))).toBeLessThanOrEqual(1e-9);
    expect(countFinite(mine)).toBe(c.length - (p - 1));
  });

  it.each([2, 12, 26, 50, 200])('ema(%i) within 1e-9 relative', (p) => {
    expect(maxRelDiff(ta.ema(c, p), lib.ema(c, p))).toBeLessThanOrEqual(1e-9);
  });

  it.each([5, 20])('wma(%i) within 1e-9 relative', (p) => {
    expect(maxRelDiff(ta.wma(c, p), lib.wma(c, p))).toBeLessThanOrEqual(1e-9);
  });

  it.each([2, 7, 14, 30])('rsi(%i) rounded to 2 decimals equals the library (which rounds)', (p) => {
    const mine = ta.rsi(c, p);
    const theirs = lib.rsi(c, p);
    // Our kernel replays the library's average-gain/loss arithmetic, so the unrounded values are identical and
    // rounding them the library's way (toFixed(2)) gives exactly its output: no ±0.01 boundary cases occur.
    let mismatches = 0;
    let maxAbs = 0;
    for (let i = 0; i < c.length; i++) {
      const x = mine[i]!;
      const y = theirs[i]!;
      if (Number.isNaN(x) || Number.isNaN(y)) {
        expect(Number.isNaN(x)).toBe(Number.isNaN(y));
        continue;
      }
      if (parseFloat(x.toFixed(2)) !== y) mismatches++;
      maxAbs = Math.max(maxAbs, Math.abs(x - y));
    }
    expect(mismatches).toBe(0);
    expect(maxAbs).toBeLessThanOrEqual(0.005 + 1e-9);
    // And we really keep more precision than the library.
    expect([...mine.subarray(p)].some((v) => Math.round(v * 100) / 100 !== v)).toBe(true);
  });

  it.each([
    [12, 26, 9],
    [5, 35, 5],
    [8, 17, 9],
  ])('macd(%i,%i,%i) line, signal and histogram equal the library exactly (same EMA seeding)', (f, sl, sg) => {
    const mine = ta.macd(c, f, sl, sg);
    const theirs = lib.macd(c, f, sl, sg);
    expect(maxRelDiff(mine.macd, theirs.macd)).toBe(0);
    expect(maxRelDiff(mine.signal, theirs.signal)).toBe(0);
    expect(maxRelDiff(mine.histogram, theirs.histogram)).toBe(0);
    expect(firstFinite(mine.macd)).toBe(sl - 1);
    expect(firstFinite(mine.signal)).toBe(sl + sg - 2);
    expect(firstFinite(mine.histogram)).toBe(sl + sg - 2);
  });

  it.each([5, 14, 50])('atr(%i) within 1e-9 relative', (p) => {
    const mine = ta.atr(s.high, s.low, c, p);
    expect(maxRelDiff(mine, lib.atr(s.high, s.low, c, p))).toBeLessThanOrEqual(1e-9);
    expect(firstFinite(mine)).toBe(p);
  });

  it.each([
    [20, 2],
    [10, 1.5],
    [50, 3],
  ])('bollinger(%i, %f) upper/middle/lower within 1e-9 relative', (p, k) => {
    const mine = ta.bollinger(c, p, k);
    const theirs = lib.bollinger(c, p, k);
    expect(maxRelDiff(mine.upper, theirs.upper)).toBeLessThanOrEqual(1e-9);
    expect(maxRelDiff(mine.middle, theirs.middle)).toBeLessThanOrEqual(1e-9);
    expect(maxRelDiff(mine.lower, theirs.lower)).toBeLessThanOrEqual(1e-9);
  });
});

describe('alignment: index i holds the value from inputs 0..i, NaN during warm-up', () => {
  const s = loadCsvSeries('binance_BTCUSDT_1h.csv', 3000);
  const c = s.close;

  it('first non-NaN index equals each indicator\'s warm-up', () => {
    expect(firstFinite(ta.sma(c, 20))).toBe(19);
    expect(firstFinite(ta.ema(c, 20))).toBe(19);
    expect(firstFinite(ta.wma(c, 20))).toBe(19);
    expect(firstFinite(ta.rsi(c, 14))).toBe(14);
    expect(firstFinite(ta.atr(s.high, s.low, c, 14))).toBe(14);
    expect(firstFinite(ta.adx(s.high, s.low, c, 14))).toBe(27);
    expect(firstFinite(ta.bollinger(c, 20, 2).lower)).toBe(19);
    // The library path is aligned the same way.
    expect(firstFinite(lib.sma(c, 20))).toBe(19);
    expect(firstFinite(lib.rsi(c, 14))).toBe(14);
    expect(firstFinite(lib.atr(s.high, s.low, c, 14))).toBe(14);
  });

  it('values are not shifted: they match a direct computation over the window ending at i', () => {
    const sma = ta.sma(c, 20);
    const bb = ta.bollinger(c, 20, 2);
    const atr = ta.atr(s.high, s.low, c, 3);
    for (const i of [19, 20, 500, 2999]) {
      let sum = 0;
      for (let j = i - 19; j <= i; j++) sum += c[j]!;
      const mean = sum / 20;
      expect(sma[i]).toBeCloseTo(mean, 6);
      let v = 0;
      for (let j = i - 19; j <= i; j++) v += (c[j]! - mean) ** 2;
      expect(bb.upper[i]).toBeCloseTo(mean + 2 * Math.sqrt(v / 20), 6);
    }
    // ATR(3) at index 3 is the plain mean of the true ranges of candles 1, 2 and 3.
    const tr = (k: number) => Math.max(s.high[k]! - s.low[k]!, Math.abs(s.high[k]! - c[k - 1]!), Math.abs(s.low[k]! - c[k - 1]!));
    expect(atr[3]).toBeCloseTo((tr(1) + tr(2) + tr(3)) / 3, 9);
    // RSI(2) at index 2 from the two changes ending at candle 2.
    const d1 = c[1]! - c[0]!;
    const d2 = c[2]! - c[1]!;
    const gain = (Math.max(d1, 0) + Math.max(d2, 0)) / 2;
    const loss = (Math.max(-d1, 0) + Math.max(-d2, 0)) / 2;
    const expected = loss === 0 ? 100 : gain === 0 ? 0 : 100 - 100 / (1 + gain / loss);
    expect(ta.rsi(c, 2)[2]).toBeCloseTo(expected, 9);
  });

  it('every series is causal: computing over a prefix gives the same values as over the whole series', () => {
    const cut = 1234;
    const p = seriesPrefix(s, cut);
    const pairs: [Float64Array, Float64Array][] = [
      [ta.sma(c, 20), ta.sma(p.close, 20)],
      [ta.ema(c, 20), ta.ema(p.close, 20)],
      [ta.wma(c, 20), ta.wma(p.close, 20)],
      [ta.rsi(c, 14), ta.rsi(p.close, 14)],
      [ta.macd(c, 12, 26, 9).histogram, ta.macd(p.close, 12, 26, 9).histogram],
      [ta.atr(s.high, s.low, c, 14), ta.atr(p.high, p.low, p.close, 14)],
      [ta.adx(s.high, s.low, c, 14), ta.adx(p.high, p.low, p.close, 14)],
      [ta.bollinger(c, 20, 2).lower, ta.bollinger(p.close, 20, 2).lower],
    ];
    for (const [full, part] of pairs) {
      expect(part.length).toBe(cut);
      expect(Array.from(part)).toEqual(Array.from(full.subarray(0, cut)));
    }
  });

  it('outputs always have the input length, all NaN when shorter than the warm-up', () => {
    const short = c.subarray(0, 10);
    for (const out of [ta.sma(short, 20), ta.ema(short, 20), ta.rsi(short, 14), ta.macd(short, 12, 26, 9).signal, ta.bollinger(short, 20, 2).upper]) {
      expect(out.length).toBe(10);
      expect(countFinite(out)).toBe(0);
    }
    // ATR(14) needs 15 candles (true range starts at the second one).
    expect(ta.atr(s.high.subarray(0, 14), s.low.subarray(0, 14), c.subarray(0, 14), 14).every(Number.isNaN)).toBe(true);
    expect(countFinite(ta.atr(s.high.subarray(0, 15), s.low.subarray(0, 15), c.subarray(0, 15), 14))).toBe(1);
    expect(ta.sma(new Float64Array(0), 5).length).toBe(0);
  });

  it('rejects periods that are not positive integers, and MACD with fast >= slow', () => {
    expect(() => ta.sma(c, 0)).toThrow(RangeError);
    expect(() => ta.ema(c, 2.5)).toThrow(/integer/);
    expect(() => ta.rsi(c, -1)).toThrow(RangeError);
    expect(() => ta.macd(c, 26, 12, 9)).toThrow(/fast period/);
    expect(() => ta.atr(s.high, s.low.subarray(1), c, 14)).toThrow(/same length/);
  });

  it('fromFirstFinite applies an indicator after a NaN warm-up and keeps alignment', () => {
    const atr = ta.atr(s.high, s.low, c, 14);
    const avg = fromFirstFinite(atr, (v) => ta.sma(v, 10));
    expect(firstFinite(avg)).toBe(14 + 9);
    let sum = 0;
    for (let j = 14; j <= 23; j++) sum += atr[j]!;
    expect(avg[23]).toBeCloseTo(sum / 10, 9);
    expect(fromFirstFinite(new Float64Array([NaN, NaN]), (v) => ta.sma(v, 1)).every(Number.isNaN)).toBe(true);
  });
});
