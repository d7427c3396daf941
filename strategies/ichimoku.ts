/**
 * ichimoku — the classic Ichimoku Kinko Hyo trend system.
 *
 * Lines (all causal, see `ta.ichimoku`): tenkan (conversion, midpoint of `conversion` candles), kijun (base,
 * midpoint of `base` candles), the cloud standing at i (senkou spans computed `displacement` candles ago) and
 * the cloud ahead (senkou spans computed at i, drawn `displacement` candles ahead on a chart).
 * At closed candle i, a long signal is four classic conditions agreeing:
 * - price above the cloud: close[i] > max(cloud A, cloud B) at i;
 * - tenkan above kijun (the TK cross);
 * - the cloud ahead is bullish: span A > span B as computed at i;
 * - the lagging span (chikou) is above price: close[i] > close[i − displacement].
 * Enter long at the onset (all four hold at i, not all at i−1), with the stop at the kijun. Exit when tenkan
 * falls below kijun or the close falls into or below the cloud. `short` mirrors every rule for shorts.
 *
 * Parameters: conversion (int, 9, 2..60), base (int, 26, 3..120; above conversion), span (int, 52, 4..240;
 * above base), displacement (int, 26, 1..120), short (bool, false).
 * Warm-up: span + displacement candles (the standing cloud B is first defined at span − 1 + displacement and
 * the onset reads i − 1).
 */
import { defineStrategy } from '../src/strategy/contract.js';
import { explains, num } from '../src/strategy/format.js';

type IchimokuParams = { conversion: number; base: number; span: number; displacement: number; short: boolean };

/** +1 when all four long conditions hold at i, −1 when all four short ones do, else 0. */
function signal(i: number, close: Float64Array, ind: Record<string, Float64Array>, displacement: number): number {
  const c = close[i]!;
  const tenkan = ind.tenkan![i]!;
  const kijun = ind.kijun![i]!;
  const top = Math.max(ind.cloudA![i]!, ind.cloudB![i]!);
  const bottom = Math.min(ind.cloudA![i]!, ind.cloudB![i]!);
  const aheadA = ind.spanA![i]!;
  const aheadB = ind.spanB![i]!;
  const lagged = close[i - displacement]!;
  if (c > top && tenkan > kijun && aheadA > aheadB && c > lagged) return 1;
  if (c < bottom && tenkan < kijun && aheadA < aheadB && c < lagged) return -1;
  return 0;
}

export default defineStrategy<IchimokuParams>({
  name: 'ichimoku',
  description: 'Ichimoku: long when price is above the cloud, tenkan above kijun, the cloud ahead bullish and chikou above price; stop at the kijun.',
  timeframe: '4h',
  params: [
    { name: 'conversion', type: 'int', default: 9, min: 2, max: 60, step: 1, description: 'tenkan-sen period (candles)' },
    { name: 'base', type: 'int', default: 26, min: 3, max: 120, step: 1, description: 'kijun-sen period (candles); above conversion' },
    { name: 'span', type: 'int', default: 52, min: 4, max: 240, step: 1, description: 'senkou span B period (candles); above base' },
    { name: 'displacement', type: 'int', default: 26, min: 1, max: 120, step: 1, description: 'how far the cloud is drawn ahead and chikou behind (candles)' },
    { name: 'short', type: 'bool', default: false, description: 'take the mirrored short signals when flat' },
  ],
  validate(p) {
    if (p.conversion >= p.base) return `conversion (${p.conversion}) must be below base (${p.base})`;
    if (p.base >= p.span) return `base (${p.base}) must be below span (${p.span})`;
    return null;
  },
  warmup: (p) => p.span + p.displacement,
  compute(candles, p, ta) {
    const ich = ta.ichimoku(candles.high, candles.low, { conversion: p.conversion, base: p.base, span: p.span, displacement: p.displacement });
    return { tenkan: ich.conversion, kijun: ich.base, spanA: ich.spanA, spanB: ich.spanB, cloudA: ich.cloudA, cloudB: ich.cloudB };
  },
  decide(i, input, position) {
    const { candles, ind, params } = input;
    if (i < params.displacement + 1) return null;
    const close = candles.close;
    const c = close[i]!;
    const tenkan = ind.tenkan![i]!;
    const kijun = ind.kijun![i]!;
    const top = Math.max(ind.cloudA![i]!, ind.cloudB![i]!);
    const bottom = Math.min(ind.cloudA![i]!, ind.cloudB![i]!);
    if (position === 'long') {
      if (tenkan < kijun) return { action: 'exit', reason: (explains(input) ? `tenkan ${num(tenkan)} fell below kijun ${num(kijun)}` : '') };
      if (c <= top) return { action: 'exit', reason: (explains(input) ? `close ${num(c)} fell into the cloud (top ${num(top)})` : '') };
      return null;
    }
    if (position === 'short') {
      if (tenkan > kijun) return { action: 'exit', reason: (explains(input) ? `tenkan ${num(tenkan)} rose above kijun ${num(kijun)}` : '') };
      if (c >= bottom) return { action: 'exit', reason: (explains(input) ? `close ${num(c)} rose into the cloud (bottom ${num(bottom)})` : '') };
      return null;
    }
    const now = signal(i, close, ind, params.displacement);
    if (now === 0 || now === signal(i - 1, close, ind, params.displacement)) return null;
    const lagged = close[i - params.displacement]!;
    if (now === 1) {
      const reason = explains(input) ? `close ${num(c)} above the cloud (${num(top)}), tenkan ${num(tenkan)} > kijun ${num(kijun)}, cloud ahead bullish, chikou above price ${num(lagged)}` : '';
      return kijun < c ? { action: 'enter-long', reason: explains(input) ? `${reason}; stop at kijun ${num(kijun)}` : '', stop: kijun } : { action: 'enter-long', reason };
    }
    if (!params.short) return null;
    const reason = explains(input) ? `close ${num(c)} below the cloud (${num(bottom)}), tenkan ${num(tenkan)} < kijun ${num(kijun)}, cloud ahead bearish, chikou below price ${num(lagged)}` : '';
    return kijun > c ? { action: 'enter-short', reason: explains(input) ? `${reason}; stop at kijun ${num(kijun)}` : '', stop: kijun } : { action: 'enter-short', reason };
  },
  overlays: ['tenkan', 'kijun', 'cloudA', 'cloudB'],
});
