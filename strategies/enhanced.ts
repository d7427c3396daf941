/**
 * enhanced — conservative RSI + EMA + MACD confluence with an ATR stop.
 *
 * Three votes at closed candle i:
 * - trend: close[i] > EMA(emaPeriod)[i];
 * - momentum: MACD histogram[i] > 0 (MACD line above its signal);
 * - strength: rsiMin <= RSI[i] <= rsiMax (rising but not overbought).
 * Enter long only when all three agree at i and did not all agree at i-1 (the onset of confluence), with a
 * protective stop at close - stopAtr × ATR(atrPeriod). Exit when RSI reaches rsiExit, or when at least two of
 * the bearish votes hold: close < EMA, histogram < 0, RSI < 50. A short position (opened elsewhere) is closed
 * on the long entry signal.
 *
 * Parameters: emaPeriod (int, 50, 10..300), rsiPeriod (int, 14, 2..50), rsiMin (float, 50, 30..60),
 * rsiMax (float, 70, 55..90), rsiExit (float, 78, 60..95), macdFast (int, 12), macdSlow (int, 26),
 * macdSignal (int, 9), atrPeriod (int, 14, 2..100), stopAtr (float, 2, 0.5..6).
 * Warm-up: every series must be defined at i-1.
 */
import { defineStrategy } from '../src/strategy/contract.js';
import { explains, num } from '../src/strategy/format.js';

type EnhancedParams = {
  emaPeriod: number;
  rsiPeriod: number;
  rsiMin: number;
  rsiMax: number;
  rsiExit: number;
  macdFast: number;
  macdSlow: number;
  macdSignal: number;
  atrPeriod: number;
  stopAtr: number;
};

function agree(i: number, close: Float64Array, ema: Float64Array, hist: Float64Array, rsi: Float64Array, p: EnhancedParams): boolean {
  const r = rsi[i]!;
  return close[i]! > ema[i]! && hist[i]! > 0 && r >= p.rsiMin && r <= p.rsiMax;
}

export default defineStrategy<EnhancedParams>({
  name: 'enhanced',
  description: 'Conservative confluence: trend (EMA), momentum (MACD) and strength (RSI) must all agree; ATR stop.',
  timeframe: '4h',
  params: [
    { name: 'emaPeriod', type: 'int', default: 50, min: 10, max: 300, step: 1, description: 'trend EMA period' },
    { name: 'rsiPeriod', type: 'int', default: 14, min: 2, max: 50, step: 1, description: 'RSI period' },
    { name: 'rsiMin', type: 'float', default: 50, min: 30, max: 60, step: 1, description: 'lowest RSI that counts as strength' },
    { name: 'rsiMax', type: 'float', default: 70, min: 55, max: 90, step: 1, description: 'highest RSI to enter at (not overbought)' },
    { name: 'rsiExit', type: 'float', default: 78, min: 60, max: 95, step: 1, description: 'exit when RSI reaches this' },
    { name: 'macdFast', type: 'int', default: 12, min: 2, max: 50, step: 1, description: 'MACD fast EMA period' },
    { name: 'macdSlow', type: 'int', default: 26, min: 5, max: 100, step: 1, description: 'MACD slow EMA period; above macdFast' },
    { name: 'macdSignal', type: 'int', default: 9, min: 2, max: 50, step: 1, description: 'MACD signal EMA period' },
    { name: 'atrPeriod', type: 'int', default: 14, min: 2, max: 100, step: 1, description: 'ATR period for the stop' },
    { name: 'stopAtr', type: 'float', default: 2, min: 0.5, max: 6, step: 0.25, description: 'stop distance below the entry close, in ATRs' },
  ],
  validate(p) {
    if (p.macdFast >= p.macdSlow) return `macdFast (${p.macdFast}) must be below macdSlow (${p.macdSlow})`;
    if (p.rsiMin >= p.rsiMax) return `rsiMin (${p.rsiMin}) must be below rsiMax (${p.rsiMax})`;
    if (p.rsiMax >= p.rsiExit) return `rsiMax (${p.rsiMax}) must be below rsiExit (${p.rsiExit})`;
    return null;
  },
  warmup: (p) => Math.max(p.emaPeriod, p.rsiPeriod + 1, p.macdSlow + p.macdSignal - 1, p.atrPeriod),
  compute(candles, p, ta) {
    const c = candles.close;
    const m = ta.macd(c, p.macdFast, p.macdSlow, p.macdSignal);
    return {
      ema: ta.ema(c, p.emaPeriod),
      rsi: ta.rsi(c, p.rsiPeriod),
      macd: m.macd,
      signal: m.signal,
      histogram: m.histogram,
      atr: ta.atr(candles.high, candles.low, c, p.atrPeriod),
    };
  },
  decide(i, input, position) {
    const { candles, ind, params } = input;
    if (i < 1) return null;
    const close = candles.close;
    const ema = ind.ema!;
    const hist = ind.histogram!;
    const rsi = ind.rsi!;
    const c = close[i]!;
    const e = ema[i]!;
    const h = hist[i]!;
    const r = rsi[i]!;
    if (position === 'long') {
      if (r >= params.rsiExit) return { action: 'exit', reason: (explains(input) ? `RSI(${params.rsiPeriod}) ${num(r)} reached ${params.rsiExit} (overbought)` : '') };
      const bearish = (c < e ? 1 : 0) + (h < 0 ? 1 : 0) + (r < 50 ? 1 : 0);
      if (bearish < 2) return null;
      return {
        action: 'exit',
        reason: (explains(input) ? `${bearish} of 3 turned bearish: close ${num(c)} ${c < e ? '<' : '>='} EMA(${params.emaPeriod}) ${num(e)}, MACD histogram ${num(h)}, RSI ${num(r)}` : ''),
      };
    }
    if (!agree(i, close, ema, hist, rsi, params) || agree(i - 1, close, ema, hist, rsi, params)) return null;
    // Needs the ATR too: during its warm-up no stop could be proposed, so no entry.
    const atr = ind.atr![i]!;
    if (!(atr > 0)) return null;
    const reason = explains(input)
      ? `confluence: close ${num(c)} > EMA(${params.emaPeriod}) ${num(e)}, MACD histogram ${num(h)} > 0, ` +
        `RSI(${params.rsiPeriod}) ${num(r)} in ${params.rsiMin}..${params.rsiMax}`
      : '';
    if (position === 'short') return { action: 'exit', reason };
    const stop = c - params.stopAtr * atr;
    return { action: 'enter-long', reason: explains(input) ? `${reason}; stop ${num(stop)} (${params.stopAtr}× ATR ${num(atr)})` : '', stop };
  },
  overlays: ['ema'],
});
