// Indicator kernels vs technicalindicators: ns per element on the given closes. Called by the benchmark runner
// (npm run bench); compare ratios from one run, not absolute times (noisy machines).
import { performance } from 'node:perf_hooks';
import { indicatorsLibrary, ta, type Indicators } from '../src/strategy/indicators.js';

export interface IndicatorBenchRow {
  name: string;
  /** Hand-written kernel (the `ta` the strategies use), best of `repeats` runs. */
  kernelNsPerElement: number;
  /** technicalindicators through its aligned wrapper (includes the conversion to arrays), one run. */
  libraryNsPerElement: number;
  speedup: number;
}

export interface IndicatorBenchResult {
  elements: number;
  rows: IndicatorBenchRow[];
}

type Case = [name: string, run: (t: Indicators) => unknown];

/**
 * Times each indicator over `closes` (high/low default to closes ±0.1% when not given).
 * `library: false` skips the slow library runs (Bollinger alone takes ~1 s on 525k values).
 */
export function benchIndicators(
  closes: Float64Array,
  opts: { high?: Float64Array; low?: Float64Array; repeats?: number; library?: boolean } = {},
): IndicatorBenchResult {
  const n = closes.length;
  const high = opts.high ?? closes.map((c) => c * 1.001);
  const low = opts.low ?? closes.map((c) => c * 0.999);
  const repeats = opts.repeats ?? 10;
  const cases: Case[] = [
    ['sma(20)', (t) => t.sma(closes, 20)],
    ['ema(20)', (t) => t.ema(closes, 20)],
    ['wma(20)', (t) => t.wma(closes, 20)],
    ['rsi(14)', (t) => t.rsi(closes, 14)],
    ['macd(12,26,9)', (t) => t.macd(closes, 12, 26, 9)],
    ['atr(14)', (t) => t.atr(high, low, closes, 14)],
    ['bollinger(20,2)', (t) => t.bollinger(closes, 20, 2)],
  ];
  const rows: IndicatorBenchRow[] = [];
  for (const [name, run] of cases) {
    let best = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      run(ta);
      best = Math.min(best, performance.now() - t0);
    }
    let lib = NaN;
    if (opts.library !== false) {
      const t0 = performance.now();
      run(indicatorsLibrary);
      lib = performance.now() - t0;
    }
    const kernelNs = (best * 1e6) / n;
    const libNs = (lib * 1e6) / n;
    rows.push({ name, kernelNsPerElement: kernelNs, libraryNsPerElement: libNs, speedup: libNs / kernelNs });
  }
  return { elements: n, rows };
}
