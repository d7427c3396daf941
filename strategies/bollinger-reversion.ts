/**
 * bollinger-reversion — mean reversion from the lower Bollinger band.
 *
 * Logic at closed candle i (long only):
 * - enter long when close[i] < lower band[i] (price stretched below its mean by stdDev standard deviations),
 *   and, when rsiConfirm is on, RSI(rsiPeriod)[i] < rsiMax (oversold confirmation);
 * - exit when close[i] reaches the middle band (exitAt = middle) or the upper band (exitAt = upper).
 * A short position (opened elsewhere) is closed on the long entry signal.
 *
 * Parameters: period (int, 20, 5..100), stdDev (float, 2, 1..4), rsiConfirm (bool, true), rsiPeriod (int, 14,
 * 2..50), rsiMax (float, 35, 10..50), exitAt (middle|upper, middle).
 * Warm-up: bands at period-1, RSI at rsiPeriod (only when rsiConfirm).
 */
import { defineStrategy } from '../src/strategy/contract.js';
import { explains, num } from '../src/strategy/format.js';

type BollingerParams = { period: number; stdDev: number; rsiConfirm: boolean; rsiPeriod: number; rsiMax: number; exitAt: string };

export default defineStrategy<BollingerParams>({
  name: 'bollinger-reversion',
  description: 'Buys a close below the lower Bollinger band (RSI-confirmed), sells back at the middle or upper band.',
  timeframe: '1h',
  params: [
    { name: 'period', type: 'int', default: 20, min: 5, max: 100, step: 1, description: 'Bollinger period (candles)' },
    { name: 'stdDev', type: 'float', default: 2, min: 1, max: 4, step: 0.1, description: 'band width in standard deviations' },
    { name: 'rsiConfirm', type: 'bool', default: true, description: 'also require RSI below rsiMax to enter' },
    { name: 'rsiPeriod', type: 'int', default: 14, min: 2, max: 50, step: 1, description: 'RSI period' },
    { name: 'rsiMax', type: 'float', default: 35, min: 10, max: 50, step: 1, description: 'enter only while RSI is below this' },
    { name: 'exitAt', type: 'enum', default: 'middle', values: ['middle', 'upper'], description: 'band that takes the profit' },
  ],
  warmup: (p) => Math.max(p.period - 1, p.rsiConfirm ? p.rsiPeriod : 0),
  compute(candles, p, ta) {
    const b = ta.bollinger(candles.close, p.period, p.stdDev);
    return { upper: b.upper, middle: b.middle, lower: b.lower, rsi: ta.rsi(candles.close, p.rsiPeriod) };
  },
  decide(i, input, position) {
    const { candles, ind, params } = input;
    const c = candles.close[i]!;
    if (position === 'long') {
      const target = params.exitAt === 'upper' ? ind.upper![i]! : ind.middle![i]!;
      if (!(c >= target)) return null;
      return { action: 'exit', reason: (explains(input) ? `close ${num(c)} reached the ${params.exitAt} band ${num(target)}` : '') };
    }
    const lower = ind.lower![i]!;
    if (!(c < lower)) return null;
    const r = ind.rsi![i]!;
    if (params.rsiConfirm && !(r < params.rsiMax)) return null;
    const reason = explains(input)
      ? `close ${num(c)} below the lower band ${num(lower)} (middle ${num(ind.middle![i]!)})` +
        (params.rsiConfirm ? ` with RSI(${params.rsiPeriod}) ${num(r)} < ${params.rsiMax}` : '')
      : '';
    return position === 'short' ? { action: 'exit', reason } : { action: 'enter-long', reason };
  },
  overlays: ['upper', 'middle', 'lower'],
});
