/**
 * ma-cross — the textbook moving-average crossover.
 *
 * Logic: a fast and a slow moving average (SMA, EMA or WMA) of the close. At closed candle i:
 * - bullish cross: fast[i-1] < slow[i-1] and fast[i] > slow[i] → enter long when flat, exit when short;
 * - bearish cross: fast[i-1] > slow[i-1] and fast[i] < slow[i] → exit when long; enter short when flat only
 *   if `short` is true (spot accounts also need account.allowShort).
 * Strict inequalities on both candles: a touch (fast == slow) is not a cross. Equality is judged with a tolerance
 * relative to price (TIE_TOLERANCE in src/strategy/signals.ts), so an exact tie is never decided by rounding noise.
 *
 * Parameters: fast (int, 10, 2..200), slow (int, 30, 3..400; must exceed fast), type (sma|ema|wma, sma),
 * short (bool, false). Warm-up: `slow` candles (the slow MA is first defined at slow-1 and the cross reads i-1).
 */
import { defineStrategy } from '../src/strategy/contract.js';
import { crossing } from '../src/strategy/signals.js';
import { explains, num } from '../src/strategy/format.js';

type MaType = 'sma' | 'ema' | 'wma';
type MaCrossParams = { fast: number; slow: number; type: string; short: boolean };

export default defineStrategy<MaCrossParams>({
  name: 'ma-cross',
  description: 'Moving-average crossover: long when the fast MA crosses above the slow MA, out on the cross back down.',
  timeframe: '1h',
  params: [
    { name: 'fast', type: 'int', default: 10, min: 2, max: 200, step: 1, description: 'fast moving-average period (candles)' },
    { name: 'slow', type: 'int', default: 30, min: 3, max: 400, step: 1, description: 'slow moving-average period (candles); above fast' },
    { name: 'type', type: 'enum', default: 'sma', values: ['sma', 'ema', 'wma'], description: 'moving-average kind' },
    { name: 'short', type: 'bool', default: false, description: 'enter short on the bearish cross when flat' },
  ],
  validate: (p) => (p.fast < p.slow ? null : `fast (${p.fast}) must be below slow (${p.slow})`),
  warmup: (p) => p.slow,
  compute(candles, p, ta) {
    const kind = p.type as MaType;
    return { fast: ta[kind](candles.close, p.fast), slow: ta[kind](candles.close, p.slow) };
  },
  decide(i, input, position) {
    const { ind, params } = input;
    const cross = crossing(ind.fast!, ind.slow!, i);
    if (!cross) return null;
    const up = cross === 'up';
    const down = !up;
    const f1 = ind.fast![i]!;
    const s1 = ind.slow![i]!;
    const action = position === 'long' ? (down ? 'exit' : null) : position === 'short' ? (up ? 'exit' : null) : up ? 'enter-long' : params.short ? 'enter-short' : null;
    if (action === null) return null;
    const kind = params.type.toUpperCase();
    const what = explains(input) ? `fast ${kind}(${params.fast}) ${num(f1)} crossed ${up ? 'above' : 'below'} slow ${kind}(${params.slow}) ${num(s1)}` : '';
    return { action, reason: what };
  },
  overlays: ['fast', 'slow'],
});
