/**
 * high-risk — aggressive fast EMA crossover with momentum confirmation, double size, tight stop and target.
 *
 * Logic at closed candle i:
 * - enter long when EMA(fast) crosses above EMA(slow) (fast[i-1] < slow[i-1], fast[i] > slow[i]) and
 *   RSI(rsiPeriod)[i] > 50; stop at close × (1 - stopLossPct), take-profit at close × (1 + takeProfitPct),
 *   size × 2;
 * - exit a long on the bearish cross or when RSI >= rsiExit;
 * - with short = true, the mirror image: enter short on the bearish cross with RSI < 50, exit on the bullish
 *   cross or RSI <= 100 - rsiExit.
 * Risk hints (read by the risk layer, which still clips them): sizeMultiplier 2, stopLossPct 1%, takeProfitPct 2%.
 *
 * Parameters: fast (int, 5, 2..20), slow (int, 13, 3..60; above fast), rsiPeriod (int, 7, 2..30),
 * rsiExit (float, 80, 55..95), stopLossPct (float, 0.01, 0.002..0.1), takeProfitPct (float, 0.02, 0.002..0.3),
 * short (bool, false). Warm-up: slow EMA defined at i-1 and RSI at i.
 */
import { defineStrategy } from '../src/strategy/contract.js';
import { crossing } from '../src/strategy/signals.js';
import { explains, num, pct } from '../src/strategy/format.js';

type HighRiskParams = {
  fast: number;
  slow: number;
  rsiPeriod: number;
  rsiExit: number;
  stopLossPct: number;
  takeProfitPct: number;
  short: boolean;
};

const SIZE_MULTIPLIER = 2;

export default defineStrategy<HighRiskParams>({
  name: 'high-risk',
  description: 'Aggressive: fast EMA cross with RSI momentum, double size, 1% stop, 2% target.',
  timeframe: '15m',
  params: [
    { name: 'fast', type: 'int', default: 5, min: 2, max: 20, step: 1, description: 'fast EMA period' },
    { name: 'slow', type: 'int', default: 13, min: 3, max: 60, step: 1, description: 'slow EMA period; above fast' },
    { name: 'rsiPeriod', type: 'int', default: 7, min: 2, max: 30, step: 1, description: 'RSI period for momentum' },
    { name: 'rsiExit', type: 'float', default: 80, min: 55, max: 95, step: 1, description: 'exit a long at this RSI (a short at 100 minus it)' },
    { name: 'stopLossPct', type: 'float', default: 0.01, min: 0.002, max: 0.1, step: 0.001, description: 'stop distance from the entry close (fraction)' },
    { name: 'takeProfitPct', type: 'float', default: 0.02, min: 0.002, max: 0.3, step: 0.001, description: 'take-profit distance from the entry close (fraction)' },
    { name: 'short', type: 'bool', default: false, description: 'also trade the bearish cross short' },
  ],
  risk: { sizeMultiplier: SIZE_MULTIPLIER, stopLossPct: 0.01, takeProfitPct: 0.02 },
  validate: (p) => (p.fast < p.slow ? null : `fast (${p.fast}) must be below slow (${p.slow})`),
  warmup: (p) => Math.max(p.slow, p.rsiPeriod),
  compute(candles, p, ta) {
    const c = candles.close;
    return { fast: ta.ema(c, p.fast), slow: ta.ema(c, p.slow), rsi: ta.rsi(c, p.rsiPeriod) };
  },
  decide(i, input, position) {
    const { candles, ind, params } = input;
    if (i < 1) return null;
    const f1 = ind.fast![i]!;
    const s1 = ind.slow![i]!;
    const r = ind.rsi![i]!;
    const cross = crossing(ind.fast!, ind.slow!, i);
    const up = cross === 'up';
    const down = cross === 'down';
    if (position === 'long') {
      if (down) return { action: 'exit', reason: (explains(input) ? `EMA(${params.fast}) ${num(f1)} crossed below EMA(${params.slow}) ${num(s1)}` : '') };
      if (r >= params.rsiExit) return { action: 'exit', reason: (explains(input) ? `RSI(${params.rsiPeriod}) ${num(r)} reached ${params.rsiExit}` : '') };
      return null;
    }
    if (position === 'short') {
      if (up) return { action: 'exit', reason: (explains(input) ? `EMA(${params.fast}) ${num(f1)} crossed above EMA(${params.slow}) ${num(s1)}` : '') };
      if (r <= 100 - params.rsiExit) return { action: 'exit', reason: (explains(input) ? `RSI(${params.rsiPeriod}) ${num(r)} fell to ${100 - params.rsiExit}` : '') };
      return null;
    }
    const c = candles.close[i]!;
    if (up && r > 50) {
      const stop = c * (1 - params.stopLossPct);
      const takeProfit = c * (1 + params.takeProfitPct);
      return {
        action: 'enter-long',
        reason: explains(input)
          ? `EMA(${params.fast}) ${num(f1)} crossed above EMA(${params.slow}) ${num(s1)} with RSI(${params.rsiPeriod}) ${num(r)} > 50; stop ${num(stop)} (-${pct(params.stopLossPct)}), target ${num(takeProfit)} (+${pct(params.takeProfitPct)})`
          : '',
        stop,
        takeProfit,
        sizeMultiplier: SIZE_MULTIPLIER,
      };
    }
    if (params.short && down && r < 50) {
      const stop = c * (1 + params.stopLossPct);
      const takeProfit = c * (1 - params.takeProfitPct);
      return {
        action: 'enter-short',
        reason: explains(input)
          ? `EMA(${params.fast}) ${num(f1)} crossed below EMA(${params.slow}) ${num(s1)} with RSI(${params.rsiPeriod}) ${num(r)} < 50; stop ${num(stop)} (+${pct(params.stopLossPct)}), target ${num(takeProfit)} (-${pct(params.takeProfitPct)})`
          : '',
        stop,
        takeProfit,
        sizeMultiplier: SIZE_MULTIPLIER,
      };
    }
    return null;
  },
  overlays: ['fast', 'slow'],
});
