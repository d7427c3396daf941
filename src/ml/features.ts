// Causal features for the ML models: each series at candle i is computed from candles 0..i (and external
// series values published at or before candle i's close) only, NaN during warm-up. Plain Float64Array loops
// plus the project's indicator kernels, so computing every feature over the whole history costs microseconds
// per candle and paper trading can recompute them on each new candle and still match the backtest exactly.
//
// A model records FEATURE_VERSION and its feature list; a model whose spec differs from what this code
// computes refuses to load (checkFeatureSpec).
import type { CandleSeries } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { ta } from '../strategy/indicators.js';

/** Bump when any feature's definition changes: models trained on the old definition then refuse to load. */
export const FEATURE_VERSION = 1;

/** Price features and what each one is. `ext:NAME` features read an imported external series. */
export const PRICE_FEATURES = {
  ret1: 'log return over 1 candle',
  ret4: 'log return over 4 candles',
  ret24: 'log return over 24 candles',
  vol24: 'standard deviation of 1-candle log returns over 24 candles',
  volz: 'volume z-score: log volume against its 48-candle mean and deviation',
  rsi14: 'RSI(14) / 100 - 0.5',
  macdh: 'MACD(12,26,9) histogram / close',
  atrp: 'ATR(14) / close',
  bbb: 'Bollinger(20, 2) %b - 0.5',
} as const;

export type PriceFeature = keyof typeof PRICE_FEATURES;
export const PRICE_FEATURE_LIST = Object.keys(PRICE_FEATURES) as PriceFeature[];

/** Default inputs of every model: five price features (windows of 120 × 5 for the sequence models). */
export const DEFAULT_FEATURES: readonly string[] = ['ret1', 'ret4', 'vol24', 'volz', 'rsi14'];

/** An external series aligned to nothing yet: (publication time, value), ascending by time. */
export interface ExternalSeries {
  name: string;
  /** Time from which each value is known (UTC ms), ascending. */
  availableFrom: Float64Array;
  value: Float64Array;
}

export function isExternalFeature(f: string): boolean {
  return f.startsWith('ext:');
}

/** Checks a feature list: known names, no repeats. Returns it unchanged. */
export function parseFeatureList(list: readonly string[], where = '--features'): string[] {
  if (list.length === 0) throw new UserError('give at least one feature', where);
  const seen = new Set<string>();
  for (const f of list) {
    if (seen.has(f)) throw new UserError(`feature "${f}" is listed twice`, where);
    seen.add(f);
    if (isExternalFeature(f)) {
      if (!/^ext:[a-z0-9][a-z0-9_-]*$/i.test(f)) throw new UserError(`"${f}" is not an external series feature like ext:fear_greed`, where);
      continue;
    }
    if (!(f in PRICE_FEATURES)) {
      throw new UserError(`unknown feature "${f}"; price features: ${PRICE_FEATURE_LIST.join(', ')}; external series: ext:NAME`, where);
    }
  }
  return [...list];
}

/** Log returns over `h` candles: ln(close[i] / close[i-h]). */
function logReturn(close: Float64Array, n: number, h: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  for (let i = h; i < n; i++) out[i] = Math.log(close[i]! / close[i - h]!);
  return out;
}

/** Rolling population standard deviation of `x` over `period` values ending at i (NaN if any is NaN). */
function rollingStd(x: Float64Array, period: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    let sum = 0;
    let ok = true;
    for (let j = i - period + 1; j <= i; j++) {
      const v = x[j]!;
      if (Number.isNaN(v)) {
        ok = false;
        break;
      }
      sum += v;
    }
    if (!ok) continue;
    const mean = sum / period;
    let ss = 0;
    for (let j = i - period + 1; j <= i; j++) ss += (x[j]! - mean) ** 2;
    out[i] = Math.sqrt(ss / period);
  }
  return out;
}

function volumeZ(volume: Float64Array, n: number, period: number): Float64Array {
  const lv = new Float64Array(n);
  for (let i = 0; i < n; i++) lv[i] = Math.log1p(volume[i]!);
  const out = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += lv[j]!;
    const mean = sum / period;
    let ss = 0;
    for (let j = i - period + 1; j <= i; j++) ss += (lv[j]! - mean) ** 2;
    const sd = Math.sqrt(ss / period);
    out[i] = sd > 0 ? (lv[i]! - mean) / sd : 0;
  }
  return out;
}

/** Last value published at or before each candle's close (candle open + timeframe); NaN before the first. */
export function joinExternal(candles: CandleSeries, timeframeMs: number, ext: ExternalSeries): Float64Array {
  const n = candles.length;
  const out = new Float64Array(n).fill(NaN);
  let k = -1;
  for (let i = 0; i < n; i++) {
    const close = candles.time[i]! + timeframeMs;
    while (k + 1 < ext.availableFrom.length && ext.availableFrom[k + 1]! <= close) k++;
    if (k >= 0) out[i] = ext.value[k]!;
  }
  return out;
}

export interface FeatureContext {
  /** Candle duration in ms (to know when a candle closes, for external series). */
  timeframeMs: number;
  /** External series by name, for ext:NAME features. */
  external?: ReadonlyMap<string, ExternalSeries>;
}

/**
 * Every requested feature over all candles, one Float64Array each (length candles.length), in the order
 * asked. Causal: the value at i depends on candles 0..i only.
 */
export function computeFeatures(candles: CandleSeries, features: readonly string[], ctx: FeatureContext): Float64Array[] {
  const n = candles.length;
  const close = candles.close.subarray(0, n);
  const cache = new Map<string, Float64Array>();
  const r1 = (): Float64Array => {
    let v = cache.get('ret1');
    if (!v) cache.set('ret1', (v = logReturn(close, n, 1)));
    return v;
  };
  return features.map((f) => {
    switch (f) {
      case 'ret1':
        return r1();
      case 'ret4':
        return logReturn(close, n, 4);
      case 'ret24':
        return logReturn(close, n, 24);
      case 'vol24':
        return rollingStd(r1(), 24);
      case 'volz':
        return volumeZ(candles.volume, n, 48);
      case 'rsi14': {
        const r = ta.rsi(close, 14);
        for (let i = 0; i < n; i++) r[i] = r[i]! / 100 - 0.5;
        return r;
      }
      case 'macdh': {
        const h = ta.macd(close, 12, 26, 9).histogram;
        for (let i = 0; i < n; i++) h[i] = h[i]! / close[i]!;
        return h;
      }
      case 'atrp': {
        const a = ta.atr(candles.high.subarray(0, n), candles.low.subarray(0, n), close, 14);
        for (let i = 0; i < n; i++) a[i] = a[i]! / close[i]!;
        return a;
      }
      case 'bbb': {
        const b = ta.bollinger(close, 20, 2);
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const w = b.upper[i]! - b.lower[i]!;
          out[i] = w > 0 ? (close[i]! - b.lower[i]!) / w - 0.5 : Number.isNaN(w) ? NaN : 0;
        }
        return out;
      }
      default: {
        if (!isExternalFeature(f)) throw new UserError(`unknown feature "${f}"`, 'features');
        const name = f.slice(4);
        const ext = ctx.external?.get(name);
        if (!ext) throw new UserError(`feature ${f} needs the external series "${name}": import it with "tradetui data import-series FILE --name ${name}"`, 'features');
        return joinExternal(candles, ctx.timeframeMs, ext);
      }
    }
  });
}

/** Candles before the first index where every price feature is defined (MACD histogram is the slowest). */
export function featureWarmup(features: readonly string[]): number {
  let w = 0;
  for (const f of features) {
    const need = f === 'ret1' ? 1 : f === 'ret4' ? 4 : f === 'ret24' ? 24 : f === 'vol24' ? 25 : f === 'volz' ? 48 : f === 'rsi14' ? 14 : f === 'macdh' ? 34 : f === 'atrp' ? 14 : f === 'bbb' ? 20 : 0;
    w = Math.max(w, need);
  }
  return w;
}

/** What a model records about its inputs; compared on load. */
export interface FeatureSpec {
  version: number;
  features: string[];
  lookback: number;
}

/** null when `spec` is what this code computes, else a message naming the difference. */
export function featureSpecMismatch(spec: FeatureSpec): string | null {
  if (spec.version !== FEATURE_VERSION) {
    return `the model was trained on feature version ${spec.version}, this tradetui computes version ${FEATURE_VERSION}; retrain it with "tradetui ml train"`;
  }
  const unknown = spec.features.filter((f) => !isExternalFeature(f) && !(f in PRICE_FEATURES));
  if (unknown.length > 0) return `the model uses feature(s) ${unknown.join(', ')} that this tradetui does not compute (known: ${PRICE_FEATURE_LIST.join(', ')})`;
  return null;
}
