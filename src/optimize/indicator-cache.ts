// Indicator series shared between trials, computed once per worker: every trial with fast=20 reuses SMA(20)
// instead of recomputing it. The engine copies candles into its own buffer, so an input is recognised by
// content (compared once per trial against the trial's candle window), never by identity; a series is reused
// only for the same input, the same arguments and the same window, so results stay bit-identical to an
// uncached run. Memory is bounded (least recently used series are dropped).
import type { CandleSeries } from '../core/candle.js';
import { ICHIMOKU_CLASSIC, type Indicators } from '../strategy/indicators.js';

const FIELDS = ['close', 'open', 'high', 'low', 'volume'] as const;

export interface IndicatorCache {
  ta: Indicators;
  /** The candle window of the next trial, and its first index within the shared candles. */
  setWindow(window: CandleSeries, begin: number): void;
  stats(): { hits: number; misses: number };
}

export function createIndicatorCache(base: Indicators, maxBytes = 128 * 1024 * 1024): IndicatorCache {
  const lru = new Map<string, unknown>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  let window: CandleSeries | null = null;
  let begin = 0;
  let tags = new WeakMap<Float64Array, string | null>();

  function sizeOf(v: unknown): number {
    if (v instanceof Float64Array) return v.byteLength;
    return Object.values(v as Record<string, unknown>).reduce<number>((n, a) => n + (a instanceof Float64Array ? a.byteLength : 0), 0);
  }

  /** "close@120:44000" when `values` equals the window's close, else null (not cacheable). */
  function tagOf(values: Float64Array): string | null {
    const known = tags.get(values);
    if (known !== undefined) return known;
    let tag: string | null = null;
    if (window) {
      for (const f of FIELDS) {
        const src = window[f];
        if (src.length !== values.length) continue;
        let same = true;
        for (let i = 0; i < values.length; i++) {
          if (!Object.is(src[i], values[i])) {
            same = false;
            break;
          }
        }
        if (same) {
          tag = `${f}@${begin}:${begin + window.length}`;
          break;
        }
      }
    }
    tags.set(values, tag);
    return tag;
  }

  function cached<T>(key: string | null, compute: () => T): T {
    if (key === null) return compute();
    const hit = lru.get(key);
    if (hit !== undefined) {
      hits++;
      lru.delete(key);
      lru.set(key, hit);
      return hit as T;
    }
    misses++;
    const v = compute();
    lru.set(key, v);
    bytes += sizeOf(v);
    for (const [k, old] of lru) {
      if (bytes <= maxBytes || k === key) break;
      lru.delete(k);
      bytes -= sizeOf(old);
    }
    return v;
  }

  const key1 = (name: string, values: Float64Array, args: number[]): string | null => {
    const t = tagOf(values);
    return t === null ? null : `${name}(${args.join(',')})${t}`;
  };
  const key3 = (name: string, h: Float64Array, l: Float64Array, c: Float64Array, args: number[]): string | null => {
    const a = tagOf(h);
    const b = tagOf(l);
    const d = tagOf(c);
    return a === null || b === null || d === null ? null : `${name}(${args.join(',')})${a}|${b}|${d}`;
  };

  const ta: Indicators = {
    sma: (v, p) => cached(key1('sma', v, [p]), () => base.sma(v, p)),
    ema: (v, p) => cached(key1('ema', v, [p]), () => base.ema(v, p)),
    wma: (v, p) => cached(key1('wma', v, [p]), () => base.wma(v, p)),
    rsi: (v, p) => cached(key1('rsi', v, [p]), () => base.rsi(v, p)),
    macd: (v, f, s, g) => cached(key1('macd', v, [f, s, g]), () => base.macd(v, f, s, g)),
    atr: (h, l, c, p) => cached(key3('atr', h, l, c, [p]), () => base.atr(h, l, c, p)),
    adx: (h, l, c, p) => cached(key3('adx', h, l, c, [p]), () => base.adx(h, l, c, p)),
    bollinger: (v, p, k) => cached(key1('bollinger', v, [p, k]), () => base.bollinger(v, p, k)),
    stochastic: (h, l, c, p, s) => cached(key3('stochastic', h, l, c, [p, s]), () => base.stochastic(h, l, c, p, s)),
    ichimoku: (h, l, periods = ICHIMOKU_CLASSIC) => {
      const a = tagOf(h);
      const b = tagOf(l);
      const key = a === null || b === null ? null : `ichimoku(${periods.conversion},${periods.base},${periods.span},${periods.displacement})${a}|${b}`;
      return cached(key, () => base.ichimoku(h, l, periods));
    },
  };

  return {
    ta,
    setWindow(w, b) {
      window = w;
      begin = b;
      tags = new WeakMap();
    },
    stats: () => ({ hits, misses }),
  };
}
