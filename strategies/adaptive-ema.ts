/**
 * adaptive-ema — EMA crossover whose periods follow the volatility regime.
 *
 * Logic: volatility is ATR% = ATR(atrPeriod) / close; its regime is ATR% divided by its own SMA over
 * regimePeriod candles (ratio). ratio < calmRatio → calm, ratio > volatileRatio → volatile, else normal.
 * Calm markets trend cleanly, so short EMAs react early (fastCalm/slowCalm); volatile markets whipsaw, so long
 * EMAs filter noise (fastVolatile/slowVolatile); normal uses the rounded midpoints. All six EMAs are computed
 * once over the whole run (compute is causal: every series at i uses candles 0..i only), and decide(i) picks
 * the pair of the regime at i:
 * - enter long when that pair crosses up: fast[i-1] < slow[i-1] and fast[i] > slow[i];
 * - exit when that pair has fast[i] < slow[i] (including right after a regime change to a pair that is down).
 * A short position (opened elsewhere) is closed on the long entry signal.
 *
 * Parameters: atrPeriod (int, 14, 2..100), regimePeriod (int, 200, 20..2000), calmRatio (float, 0.8, 0.2..1),
 * volatileRatio (float, 1.25, 1..4), fastCalm (int, 8), slowCalm (int, 21), fastVolatile (int, 21),
 * slowVolatile (int, 55). Warm-up: max(atrPeriod + regimePeriod - 1, longest slow EMA).
 * Series: fast/slow (the pair in force, for the chart), regime (0 calm, 1 normal, 2 volatile), ratio, atrPct.
 */
import { defineStrategy } from '../src/strategy/contract.js';
import { crossing } from '../src/strategy/signals.js';
import { explains, num, pct } from '../src/strategy/format.js';
import { fromFirstFinite } from '../src/strategy/indicators.js';

type AdaptiveParams = {
  atrPeriod: number;
  regimePeriod: number;
  calmRatio: number;
  volatileRatio: number;
  fastCalm: number;
  slowCalm: number;
  fastVolatile: number;
  slowVolatile: number;
};

const REGIMES = ['calm', 'normal', 'volatile'] as const;

function periods(p: AdaptiveParams): { fast: [number, number, number]; slow: [number, number, number] } {
  return {
    fast: [p.fastCalm, Math.round((p.fastCalm + p.fastVolatile) / 2), p.fastVolatile],
    slow: [p.slowCalm, Math.round((p.slowCalm + p.slowVolatile) / 2), p.slowVolatile],
  };
}

/** The reason text; built only when a decision is returned. */
function describe(i: number, r: number, ind: Record<string, Float64Array>, p: AdaptiveParams, f: number, s: number, verb: string): string {
  const { fast, slow } = periods(p);
  const regime = `${REGIMES[r]} regime (ATR% ${pct(ind.atrPct![i]!)} = ${num(ind.ratio![i]!)}× its ${p.regimePeriod}-candle mean)`;
  return `${regime}: EMA(${fast[r]}) ${num(f)} ${verb} EMA(${slow[r]}) ${num(s)}`;
}

export default defineStrategy<AdaptiveParams>({
  name: 'adaptive-ema',
  description: 'EMA crossover with short periods in calm markets and long ones in volatile markets (ATR% regime).',
  timeframe: '1h',
  params: [
    { name: 'atrPeriod', type: 'int', default: 14, min: 2, max: 100, step: 1, description: 'ATR period for volatility' },
    { name: 'regimePeriod', type: 'int', default: 200, min: 20, max: 2000, step: 10, description: 'candles in the ATR% average the regime compares against' },
    { name: 'calmRatio', type: 'float', default: 0.8, min: 0.2, max: 1, step: 0.05, description: 'ATR% below this multiple of its average is calm' },
    { name: 'volatileRatio', type: 'float', default: 1.25, min: 1, max: 4, step: 0.05, description: 'ATR% above this multiple of its average is volatile' },
    { name: 'fastCalm', type: 'int', default: 8, min: 2, max: 100, step: 1, description: 'fast EMA period in calm regimes' },
    { name: 'slowCalm', type: 'int', default: 21, min: 3, max: 200, step: 1, description: 'slow EMA period in calm regimes' },
    { name: 'fastVolatile', type: 'int', default: 21, min: 2, max: 200, step: 1, description: 'fast EMA period in volatile regimes' },
    { name: 'slowVolatile', type: 'int', default: 55, min: 3, max: 400, step: 1, description: 'slow EMA period in volatile regimes' },
  ],
  validate(p) {
    if (p.fastCalm >= p.slowCalm) return `fastCalm (${p.fastCalm}) must be below slowCalm (${p.slowCalm})`;
    if (p.fastVolatile >= p.slowVolatile) return `fastVolatile (${p.fastVolatile}) must be below slowVolatile (${p.slowVolatile})`;
    if (p.fastCalm > p.fastVolatile || p.slowCalm > p.slowVolatile) return 'calm periods must not exceed volatile periods';
    if (p.calmRatio >= p.volatileRatio) return `calmRatio (${p.calmRatio}) must be below volatileRatio (${p.volatileRatio})`;
    return null;
  },
  warmup: (p) => Math.max(p.atrPeriod + p.regimePeriod - 1, p.slowCalm, p.slowVolatile),
  compute(candles, p, ta) {
    const n = candles.length;
    const close = candles.close;
    const atr = ta.atr(candles.high, candles.low, close, p.atrPeriod);
    const atrPct = new Float64Array(n);
    for (let i = 0; i < n; i++) atrPct[i] = atr[i]! / close[i]!;
    const atrPctAvg = fromFirstFinite(atrPct, (v) => ta.sma(v, p.regimePeriod));
    const { fast: fp, slow: sp } = periods(p);
    const fastR = fp.map((period) => ta.ema(close, period));
    const slowR = sp.map((period) => ta.ema(close, period));
    const ratio = new Float64Array(n);
    const regime = new Float64Array(n);
    const fast = new Float64Array(n);
    const slow = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const q = atrPct[i]! / atrPctAvg[i]!;
      ratio[i] = q;
      const r = q !== q ? NaN : q < p.calmRatio ? 0 : q > p.volatileRatio ? 2 : 1;
      regime[i] = r;
      fast[i] = r !== r ? NaN : fastR[r]![i]!;
      slow[i] = r !== r ? NaN : slowR[r]![i]!;
    }
    return {
      atrPct,
      atrPctAvg,
      ratio,
      regime,
      fast,
      slow,
      fast0: fastR[0]!,
      slow0: slowR[0]!,
      fast1: fastR[1]!,
      slow1: slowR[1]!,
      fast2: fastR[2]!,
      slow2: slowR[2]!,
    };
  },
  decide(i, input, position) {
    const { ind, params } = input;
    if (i < 1) return null;
    const r = ind.regime![i]!;
    if (r !== r) return null;
    const fast = r === 0 ? ind.fast0! : r === 1 ? ind.fast1! : ind.fast2!;
    const slow = r === 0 ? ind.slow0! : r === 1 ? ind.slow1! : ind.slow2!;
    const f1 = fast[i]!;
    const s1 = slow[i]!;
    if (position === 'long') {
      if (!(f1 < s1)) return null;
      return { action: 'exit', reason: (explains(input) ? describe(i, r, ind, params, f1, s1, 'is below') : '') };
    }
    if (crossing(fast, slow, i) !== 'up') return null;
    const reason = (explains(input) ? describe(i, r, ind, params, f1, s1, 'crossed above') : '');
    return position === 'short' ? { action: 'exit', reason } : { action: 'enter-long', reason };
  },
  overlays: ['fast', 'slow'],
});
