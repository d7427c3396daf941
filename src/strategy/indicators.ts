// The one wrapper over technicalindicators. Every function returns Float64Array(s) of the input's length,
// aligned with the candles: index i holds the value computed from inputs 0..i, NaN during warm-up.
// Library output (which drops the warm-up) is never shifted by hand outside this module.
//
// Two implementations of the same interface:
// - `indicatorsLibrary`: technicalindicators itself, right-aligned into Float64Arrays. Slow (174–1775 ns per
//   element measured here) but the reference: tests/unit/strategy/indicators.test.ts proves the kernels
//   below equal it on real candles.
// - `ta`: hand-written Float64Array kernels for the hot indicators (SMA, EMA, WMA, RSI, MACD, ATR, Bollinger),
//   O(n) or O(n·period) with no allocation besides the output arrays. Each one replays the library's exact
//   arithmetic (same seeding, same running sums, same operation order), so its output is bit-identical to the
//   library's, except RSI, which the library rounds to 2 decimals and we do not. ADX stays on the library.
//
// Warm-up (first non-NaN index) per indicator, identical to the library's:
//   sma/ema/wma/bollinger: period-1 · rsi: period · atr: period (true range needs a previous close)
//   macd line: slow-1 · macd signal and histogram: slow+signal-2 · adx: 2·period-1.
//   stochastic k: period-1, d: period+signal-2 · ichimoku conversion: conversion-1, base and spanA:
//   max(conversion, base)-1, spanB: span-1, cloudA/cloudB: those plus displacement.
import { ADX, ATR, BollingerBands, EMA, IchimokuCloud, MACD, RSI, SMA, Stochastic, WMA } from 'technicalindicators';

export interface MacdSeries {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

export interface BandsSeries {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

export interface StochasticSeries {
  /** %K = 100 × (close − lowest low) ÷ (highest high − lowest low) over `period` candles; 50 when that range is 0. */
  k: Float64Array;
  /** %D = SMA(%K, signal). */
  d: Float64Array;
}

/**
 * Ichimoku Kinko Hyo, causal: every value at i uses candles 0..i only. The classic chart draws the spans
 * `displacement` candles ahead; here `spanA`/`spanB` are the leading spans as computed at i (the cloud that
 * will stand at i + displacement) and `cloudA`/`cloudB` the cloud standing at i (the spans computed at
 * i − displacement). The lagging span (close drawn displacement candles back) is close[i] against
 * close[i − displacement], which needs no series.
 */
export interface IchimokuSeries {
  /** Tenkan-sen: midpoint of the highest high and lowest low over `conversion` candles. */
  conversion: Float64Array;
  /** Kijun-sen: the same midpoint over `base` candles. */
  base: Float64Array;
  /** Senkou span A as computed at i: (conversion + base) ÷ 2. */
  spanA: Float64Array;
  /** Senkou span B as computed at i: midpoint over `span` candles. */
  spanB: Float64Array;
  /** The cloud at i: spanA[i − displacement], spanB[i − displacement]. */
  cloudA: Float64Array;
  cloudB: Float64Array;
}

export interface IchimokuPeriods {
  conversion: number;
  base: number;
  span: number;
  displacement: number;
}

export const ICHIMOKU_CLASSIC: IchimokuPeriods = { conversion: 9, base: 26, span: 52, displacement: 26 };

export interface Indicators {
  sma(values: Float64Array, period: number): Float64Array;
  ema(values: Float64Array, period: number): Float64Array;
  wma(values: Float64Array, period: number): Float64Array;
  rsi(values: Float64Array, period: number): Float64Array;
  macd(values: Float64Array, fast: number, slow: number, signal: number): MacdSeries;
  atr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array;
  adx(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array;
  bollinger(values: Float64Array, period: number, stdDev: number): BandsSeries;
  stochastic(high: Float64Array, low: Float64Array, close: Float64Array, period: number, signal: number): StochasticSeries;
  ichimoku(high: Float64Array, low: Float64Array, periods?: IchimokuPeriods): IchimokuSeries;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function checkPeriod(period: number, name: string): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`${name}: period must be an integer >= 1, got ${period}`);
}

function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}

/** An output array whose first `firstValid` entries are NaN; the kernel writes the rest (cheaper than filling all). */
function withWarmup(n: number, firstValid: number): Float64Array {
  return new Float64Array(n).fill(NaN, 0, Math.min(n, firstValid));
}

/** Index of the first finite value, or values.length if none. */
export function firstFinite(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) return i;
  return values.length;
}

/**
 * Applies an indicator to a series that itself has a NaN warm-up (e.g. an SMA of ATR%), starting at its first
 * finite value, and returns the result aligned with the original series. Causal: where the warm-up ends depends
 * only on the prefix.
 */
export function fromFirstFinite(values: Float64Array, f: (v: Float64Array) => Float64Array): Float64Array {
  const start = firstFinite(values);
  const out = nanArray(values.length);
  if (start < values.length) out.set(f(values.subarray(start)), start);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Kernels. Each comment names the library behaviour it replays.

/** Simple moving average. Library: running sum `sum = sum - oldest + current`, first value at period-1. */
function smaKernel(values: Float64Array, period: number): Float64Array {
  checkPeriod(period, 'sma');
  const n = values.length;
  const out = withWarmup(n, period - 1);
  if (n < period) return out;
  let sum = 0;
  for (let i = 0; i < period; i++) sum = sum + values[i]!;
  out[period - 1] = sum / period;
  for (let i = period; i < n; i++) {
    sum = sum - values[i - period]! + values[i]!;
    out[i] = sum / period;
  }
  return out;
}

/**
 * Exponential moving average into `out` starting at `start`: seeded with the SMA of values[start..start+period-1]
 * (library: its SMA generator), then `prev = (x - prev) * k + prev`.
 */
function emaInto(values: Float64Array, period: number, k: number, start: number, out: Float64Array): void {
  const n = values.length;
  const seedAt = start + period - 1;
  if (seedAt >= n) return;
  let sum = 0;
  for (let i = start; i <= seedAt; i++) sum = sum + values[i]!;
  let prev = sum / period;
  out[seedAt] = prev;
  for (let i = seedAt + 1; i < n; i++) {
    prev = (values[i]! - prev) * k + prev;
    out[i] = prev;
  }
}

function emaKernel(values: Float64Array, period: number): Float64Array {
  checkPeriod(period, 'ema');
  const out = withWarmup(values.length, period - 1);
  emaInto(values, period, 2 / (period + 1), 0, out);
  return out;
}

/** Weighted moving average. Library: `result += x_j * j / denominator` over the window, oldest first (j = 1..period). */
function wmaKernel(values: Float64Array, period: number): Float64Array {
  checkPeriod(period, 'wma');
  const n = values.length;
  const out = withWarmup(n, period - 1);
  const denominator = (period * (period + 1)) / 2;
  for (let i = period - 1; i < n; i++) {
    let result = 0;
    const base = i - period + 1;
    for (let j = 1; j <= period; j++) result = result + (values[base + j - 1]! * j) / denominator;
    out[i] = result;
  }
  return out;
}

/**
 * Wilder RSI. Library: average gain/loss seeded with the plain mean of the first `period` changes (at index
 * period), then `avg = (avg * (period - 1) + x) / period`; RSI = 100 - 100 / (1 + RS), 100 when the average
 * loss is 0, 0 when the average gain is 0. The library then rounds to 2 decimals; we keep full precision.
 */
function rsiKernel(values: Float64Array, period: number): Float64Array {
  checkPeriod(period, 'rsi');
  const n = values.length;
  const out = withWarmup(n, period);
  if (n <= period) return out;
  let gainSum = 0;
  let lossSum = 0;
  for (let i = 1; i <= period; i++) {
    const d = values[i]! - values[i - 1]!;
    if (d > 0) gainSum = gainSum + d;
    else if (d < 0) lossSum = lossSum - d;
  }
  let avgGain = gainSum / period;
  let avgLoss = lossSum / period;
  out[period] = rsiOf(avgGain, avgLoss);
  const pm1 = period - 1;
  for (let i = period + 1; i < n; i++) {
    const d = values[i]! - values[i - 1]!;
    const gain = d > 0 ? d : 0;
    const loss = d < 0 ? -d : 0;
    avgGain = (avgGain * pm1 + gain) / period;
    avgLoss = (avgLoss * pm1 + loss) / period;
    out[i] = rsiOf(avgGain, avgLoss);
  }
  return out;
}

function rsiOf(avgGain: number, avgLoss: number): number {
  if (avgLoss === 0) return 100;
  if (avgGain === 0) return 0;
  return 100 - 100 / (1 + avgGain / avgLoss);
}

/**
 * MACD with EMA oscillator and EMA signal (library options SimpleMAOscillator/SimpleMASignal = false).
 * Library seeding: fast and slow EMAs are each seeded with their own SMA from candle 0 (so the fast EMA is
 * already running when the MACD line starts at slow-1 — TA-Lib instead starts the fast EMA later, which is why
 * the two differ for the first ~200 candles); the signal EMA is seeded with the SMA of the first `signal`
 * MACD values, so signal and histogram start at slow+signal-2.
 */
function macdKernel(values: Float64Array, fast: number, slow: number, signal: number): MacdSeries {
  checkPeriod(fast, 'macd fast');
  checkPeriod(slow, 'macd slow');
  checkPeriod(signal, 'macd signal');
  if (fast >= slow) throw new RangeError(`macd: fast period (${fast}) must be below slow period (${slow})`);
  const n = values.length;
  const macd = withWarmup(n, slow - 1);
  const sig = withWarmup(n, slow + signal - 2);
  const histogram = withWarmup(n, slow + signal - 2);
  if (n < slow) return { macd, signal: sig, histogram };
  // Fast EMA, computed inline so no temporary array is needed.
  const kf = 2 / (fast + 1);
  const ks = 2 / (slow + 1);
  let fsum = 0;
  for (let i = 0; i < fast; i++) fsum = fsum + values[i]!;
  let f = fsum / fast;
  for (let i = fast; i < slow; i++) f = (values[i]! - f) * kf + f;
  let ssum = 0;
  for (let i = 0; i < slow; i++) ssum = ssum + values[i]!;
  let s = ssum / slow;
  macd[slow - 1] = f - s;
  for (let i = slow; i < n; i++) {
    const x = values[i]!;
    f = (x - f) * kf + f;
    s = (x - s) * ks + s;
    macd[i] = f - s;
  }
  emaInto(macd, signal, 2 / (signal + 1), slow - 1, sig);
  for (let i = slow + signal - 2; i < n; i++) histogram[i] = macd[i]! - sig[i]!;
  return { macd, signal: sig, histogram };
}

/**
 * Average true range. Library: true range from the second candle on (max of high-low and both gaps to the
 * previous close), smoothed by Wilder's average (SMA seed, then `prev = (tr - prev) * (1/period) + prev`),
 * so the first ATR is at index `period`.
 */
function atrKernel(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  checkPeriod(period, 'atr');
  const n = close.length;
  if (high.length !== n || low.length !== n) throw new RangeError('atr: high, low and close must have the same length');
  const out = withWarmup(n, period);
  if (n <= period) return out;
  let sum = 0;
  for (let i = 1; i <= period; i++) sum = sum + trueRange(high[i]!, low[i]!, close[i - 1]!);
  let prev = sum / period;
  out[period] = prev;
  const k = 1 / period;
  for (let i = period + 1; i < n; i++) {
    prev = (trueRange(high[i]!, low[i]!, close[i - 1]!) - prev) * k + prev;
    out[i] = prev;
  }
  return out;
}

function trueRange(h: number, l: number, prevClose: number): number {
  return Math.max(h - l, Math.abs(h - prevClose), Math.abs(l - prevClose));
}

/**
 * Bollinger bands (population standard deviation). Library: middle = running-sum SMA; deviation = sqrt of the
 * mean of (x - middle)^2 over the window, summed oldest first. The deviation loop is O(period) per candle,
 * which keeps the result bit-identical (a running sum of squares would not be) and still costs only a few ns.
 */
function bollingerKernel(values: Float64Array, period: number, stdDev: number): BandsSeries {
  checkPeriod(period, 'bollinger');
  const n = values.length;
  const middle = smaKernel(values, period);
  const upper = withWarmup(n, period - 1);
  const lower = withWarmup(n, period - 1);
  for (let i = period - 1; i < n; i++) {
    const mean = middle[i]!;
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) {
      const d = values[j]! - mean;
      sum = sum + d * d;
    }
    const sd = Math.sqrt(sum / period);
    upper[i] = mean + sd * stdDev;
    lower[i] = mean - sd * stdDev;
  }
  return { upper, middle, lower };
}

// ---------------------------------------------------------------------------------------------------------
// The library, aligned. Library results drop the warm-up, so its k-th output belongs to candle n - m + k.

function rightAligned(n: number, lib: readonly number[]): Float64Array {
  const out = nanArray(n);
  const offset = n - lib.length;
  for (let k = 0; k < lib.length; k++) out[offset + k] = lib[k] ?? NaN;
  return out;
}

function pick<T>(n: number, rows: readonly T[], f: (row: T) => number | undefined): Float64Array {
  const out = nanArray(n);
  const offset = n - rows.length;
  for (let k = 0; k < rows.length; k++) out[offset + k] = f(rows[k]!) ?? NaN;
  return out;
}

const arr = (v: Float64Array): number[] => Array.from(v);

/**
 * Highest high and lowest low over the `period` candles ending at each i (NaN before period-1), by monotonic
 * deques: O(n) whatever the period (the lookahead check recomputes it hundreds of times).
 */
function rollingExtremes(high: Float64Array, low: Float64Array, period: number): { hh: Float64Array; ll: Float64Array } {
  const n = high.length;
  const hh = withWarmup(n, period - 1);
  const ll = withWarmup(n, period - 1);
  const maxQ = new Int32Array(n);
  const minQ = new Int32Array(n);
  let maxHead = 0;
  let maxTail = 0;
  let minHead = 0;
  let minTail = 0;
  for (let i = 0; i < n; i++) {
    while (maxTail > maxHead && high[maxQ[maxTail - 1]!]! <= high[i]!) maxTail--;
    maxQ[maxTail++] = i;
    while (minTail > minHead && low[minQ[minTail - 1]!]! >= low[i]!) minTail--;
    minQ[minTail++] = i;
    if (maxQ[maxHead]! <= i - period) maxHead++;
    if (minQ[minHead]! <= i - period) minHead++;
    if (i >= period - 1) {
      hh[i] = high[maxQ[maxHead]!]!;
      ll[i] = low[minQ[minHead]!]!;
    }
  }
  return { hh, ll };
}

/** Midpoint of the highest high and lowest low over the `period` candles ending at i (NaN before period-1). */
function midpointKernel(high: Float64Array, low: Float64Array, period: number): Float64Array {
  const { hh, ll } = rollingExtremes(high, low, period);
  for (let i = period - 1; i < hh.length; i++) hh[i] = (hh[i]! + ll[i]!) / 2;
  return hh;
}

/** Slow-free stochastic oscillator; the library rounds to 2 decimals and says 0 on a flat range, we say 50. */
function stochasticKernel(high: Float64Array, low: Float64Array, close: Float64Array, period: number, signal: number): StochasticSeries {
  checkPeriod(period, 'stochastic');
  checkPeriod(signal, 'stochastic signal');
  const n = close.length;
  const { hh, ll } = rollingExtremes(high, low, period);
  const k = withWarmup(n, period - 1);
  for (let i = period - 1; i < n; i++) {
    // A flat window has no position within its range: neutral, not "at the low" (which would read oversold).
    k[i] = hh[i]! > ll[i]! ? ((close[i]! - ll[i]!) / (hh[i]! - ll[i]!)) * 100 : 50;
  }
  return { k, d: fromFirstFinite(k, (v) => smaKernel(v, signal)) };
}

function ichimokuKernel(high: Float64Array, low: Float64Array, periods: IchimokuPeriods = ICHIMOKU_CLASSIC): IchimokuSeries {
  const { conversion: cp, base: bp, span: sp, displacement: dp } = periods;
  checkPeriod(cp, 'ichimoku conversion');
  checkPeriod(bp, 'ichimoku base');
  checkPeriod(sp, 'ichimoku span');
  if (!Number.isInteger(dp) || dp < 0) throw new RangeError(`ichimoku: displacement must be an integer >= 0, got ${dp}`);
  const n = high.length;
  const conversion = midpointKernel(high, low, cp);
  const base = midpointKernel(high, low, bp);
  const spanA = new Float64Array(n);
  for (let i = 0; i < n; i++) spanA[i] = (conversion[i]! + base[i]!) / 2;
  const spanB = midpointKernel(high, low, sp);
  const cloudA = nanArray(n);
  const cloudB = nanArray(n);
  if (n > dp) {
    cloudA.set(spanA.subarray(0, n - dp), dp);
    cloudB.set(spanB.subarray(0, n - dp), dp);
  }
  return { conversion, base, spanA, spanB, cloudA, cloudB };
}

/** technicalindicators itself, aligned with the candles. The reference for the kernels; slow. */
export const indicatorsLibrary: Indicators = {
  sma: (values, period) => rightAligned(values.length, SMA.calculate({ period, values: arr(values) })),
  ema: (values, period) => rightAligned(values.length, EMA.calculate({ period, values: arr(values) })),
  wma: (values, period) => rightAligned(values.length, WMA.calculate({ period, values: arr(values) })),
  rsi: (values, period) => rightAligned(values.length, RSI.calculate({ period, values: arr(values) })),
  macd: (values, fast, slow, signal) => {
    const rows = MACD.calculate({
      values: arr(values),
      fastPeriod: fast,
      slowPeriod: slow,
      signalPeriod: signal,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const n = values.length;
    return {
      macd: pick(n, rows, (r) => r.MACD),
      signal: pick(n, rows, (r) => r.signal),
      histogram: pick(n, rows, (r) => r.histogram),
    };
  },
  atr: (high, low, close, period) =>
    rightAligned(close.length, ATR.calculate({ high: arr(high), low: arr(low), close: arr(close), period })),
  adx: (high, low, close, period) =>
    pick(
      close.length,
      ADX.calculate({ high: arr(high), low: arr(low), close: arr(close), period }),
      (r) => r.adx,
    ),
  bollinger: (values, period, stdDev) => {
    const rows = BollingerBands.calculate({ period, stdDev, values: arr(values) });
    const n = values.length;
    return {
      upper: pick(n, rows, (r) => r.upper),
      middle: pick(n, rows, (r) => r.middle),
      lower: pick(n, rows, (r) => r.lower),
    };
  },
  stochastic: (high, low, close, period, signal) => {
    const rows = Stochastic.calculate({ high: arr(high), low: arr(low), close: arr(close), period, signalPeriod: signal });
    const n = close.length;
    return { k: pick(n, rows, (r) => r.k), d: pick(n, rows, (r) => r.d) };
  },
  ichimoku: (high, low, periods = ICHIMOKU_CLASSIC) => {
    // The library starts every line at max(periods, displacement)-1 and returns the spans undisplaced.
    const rows = IchimokuCloud.calculate({
      high: arr(high),
      low: arr(low),
      conversionPeriod: periods.conversion,
      basePeriod: periods.base,
      spanPeriod: periods.span,
      displacement: periods.displacement,
    });
    const n = high.length;
    const spanA = pick(n, rows, (r) => r.spanA);
    const spanB = pick(n, rows, (r) => r.spanB);
    const shift = (v: Float64Array): Float64Array => {
      const out = nanArray(n);
      if (n > periods.displacement) out.set(v.subarray(0, n - periods.displacement), periods.displacement);
      return out;
    };
    return { conversion: pick(n, rows, (r) => r.conversion), base: pick(n, rows, (r) => r.base), spanA, spanB, cloudA: shift(spanA), cloudB: shift(spanB) };
  },
};

/** The indicators strategies get: fast kernels, library ADX. */
export const ta: Indicators = {
  sma: smaKernel,
  ema: emaKernel,
  wma: wmaKernel,
  rsi: rsiKernel,
  macd: macdKernel,
  atr: atrKernel,
  adx: (high, low, close, period) => {
    checkPeriod(period, 'adx');
    return indicatorsLibrary.adx(high, low, close, period);
  },
  bollinger: bollingerKernel,
  stochastic: stochasticKernel,
  ichimoku: ichimokuKernel,
};
