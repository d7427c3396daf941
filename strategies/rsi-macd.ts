/**
 * rsi-macd — MACD momentum entries filtered by RSI.
 *
 * Logic at closed candle i (long only):
 * - enter long when the MACD histogram crosses above zero (hist[i-1] <= 0 < hist[i], i.e. the MACD line crosses
 *   above its signal) while RSI[i] < rsiEntryMax — momentum turning up, but not already overbought;
 * - exit when RSI[i] >= rsiExit (overbought: take the move) or the histogram crosses below zero
 *   (hist[i-1] >= 0 > hist[i]).
 * A short position (opened elsewhere) is closed on the long entry signal.
 *
 * Parameters: rsiPeriod (int, 14, 2..50), rsiEntryMax (float, 65, 40..90), rsiExit (float, 75, 50..95; above
 * rsiEntryMax), macdFast (int, 12, 2..50), macdSlow (int, 26, 5..100; above macdFast), macdSignal (int, 9, 2..50).
 * Warm-up: the histogram is first defined at macdSlow+macdSignal-2 and the cross reads i-1; RSI at rsiPeriod.
 */
import { defineStrategy } from '../src/strategy/contract.js';
import { explains, num } from '../src/strategy/format.js';

type RsiMacdParams = {
  rsiPeriod: number;
  rsiEntryMax: number;
  rsiExit: number;
  macdFast: number;
  macdSlow: number;
  macdSignal: number;
};

export default defineStrategy<RsiMacdParams>({
  name: 'rsi-macd',
  description: 'MACD histogram crossing above zero with RSI not overbought; out when RSI is overbought or MACD turns down.',
  timeframe: '1h',
  params: [
    { name: 'rsiPeriod', type: 'int', default: 14, min: 2, max: 50, step: 1, description: 'RSI period (candles)' },
    { name: 'rsiEntryMax', type: 'float', default: 65, min: 40, max: 90, step: 1, description: 'enter only while RSI is below this' },
    { name: 'rsiExit', type: 'float', default: 75, min: 50, max: 95, step: 1, description: 'exit when RSI reaches this (overbought)' },
    { name: 'macdFast', type: 'int', default: 12, min: 2, max: 50, step: 1, description: 'MACD fast EMA period' },
    { name: 'macdSlow', type: 'int', default: 26, min: 5, max: 100, step: 1, description: 'MACD slow EMA period; above macdFast' },
    { name: 'macdSignal', type: 'int', default: 9, min: 2, max: 50, step: 1, description: 'MACD signal EMA period' },
  ],
  validate(p) {
    if (p.macdFast >= p.macdSlow) return `macdFast (${p.macdFast}) must be below macdSlow (${p.macdSlow})`;
    if (p.rsiEntryMax >= p.rsiExit) return `rsiEntryMax (${p.rsiEntryMax}) must be below rsiExit (${p.rsiExit})`;
    return null;
  },
  warmup: (p) => Math.max(p.macdSlow + p.macdSignal - 1, p.rsiPeriod),
  compute(candles, p, ta) {
    const m = ta.macd(candles.close, p.macdFast, p.macdSlow, p.macdSignal);
    return { rsi: ta.rsi(candles.close, p.rsiPeriod), macd: m.macd, signal: m.signal, histogram: m.histogram };
  },
  decide(i, input, position) {
    const { ind, params } = input;
    if (i < 1) return null;
    const hist = ind.histogram!;
    const h0 = hist[i - 1]!;
    const h1 = hist[i]!;
    const rsi = ind.rsi![i]!;
    const crossUp = h0 <= 0 && h1 > 0;
    if (position === 'long') {
      if (rsi >= params.rsiExit) return { action: 'exit', reason: (explains(input) ? `RSI(${params.rsiPeriod}) ${num(rsi)} reached ${params.rsiExit} (overbought)` : '') };
      if (h0 >= 0 && h1 < 0) {
        return { action: 'exit', reason: (explains(input) ? `MACD histogram crossed below 0 (${num(h0)} → ${num(h1)}); RSI ${num(rsi)}` : '') };
      }
      return null;
    }
    if (!crossUp || !(rsi < params.rsiEntryMax)) return null;
    const reason = explains(input)
      ? `MACD histogram crossed above 0 (${num(h0)} → ${num(h1)}; MACD ${num(ind.macd![i]!)} > signal ${num(ind.signal![i]!)})` +
        ` with RSI(${params.rsiPeriod}) ${num(rsi)} < ${params.rsiEntryMax}`
      : '';
    return position === 'short' ? { action: 'exit', reason } : { action: 'enter-long', reason };
  },
});
