// Protective exits evaluated on each closed candle's high/low: stop-loss, take-profit, trailing stop,
// break-even. Rules: a gap through a level fills at the open; when stop and target are both inside one
// candle the stop is assumed to have come first (the conservative reading of a bar).
import type { Candle } from '../core/candle.js';
import type { ExitReason, Position } from '../core/trading.js';

export interface ExitHit {
  /** Price the exit fills at before slippage. */
  price: number;
  reason: ExitReason;
}

/** The stop level in force: the tighter of the fixed stop and the trailing stop. */
export function effectiveStop(p: Position): { level: number; reason: ExitReason } | null {
  const { stop, trailingPct, trailingDistance } = p.protection;
  const long = p.side === 'long';
  let level = stop ?? NaN;
  let reason: ExitReason = p.protection.stopAtBreakEven ? 'break_even' : 'stop_loss';
  let trail = NaN;
  if (trailingPct !== undefined) trail = long ? p.bestPrice * (1 - trailingPct) : p.bestPrice * (1 + trailingPct);
  else if (trailingDistance !== undefined) trail = long ? p.bestPrice - trailingDistance : p.bestPrice + trailingDistance;
  if (!Number.isNaN(trail) && (Number.isNaN(level) || (long ? trail > level : trail < level))) {
    level = trail;
    reason = 'trailing_stop';
  }
  return Number.isNaN(level) ? null : { level, reason };
}

/** Whether this candle hits the position's stop or target. Uses levels as they stood before the candle. */
export function checkExit(p: Position, c: Candle): ExitHit | null {
  const long = p.side === 'long';
  const stop = effectiveStop(p);
  const tp = p.protection.takeProfit;
  if (stop) {
    if (long ? c.open <= stop.level : c.open >= stop.level) return { price: c.open, reason: stop.reason };
    if (long ? c.low <= stop.level : c.high >= stop.level) return { price: stop.level, reason: stop.reason };
  }
  if (tp !== undefined) {
    if (long ? c.open >= tp : c.open <= tp) return { price: c.open, reason: 'take_profit' };
    if (long ? c.high >= tp : c.low <= tp) return { price: tp, reason: 'take_profit' };
  }
  return null;
}

/** After a candle the position survived: advance the best price and apply the break-even move. */
export function updateAfterCandle(p: Position, c: Candle): void {
  p.candlesHeld++;
  const long = p.side === 'long';
  if (long ? c.high > p.bestPrice : c.low < p.bestPrice) p.bestPrice = long ? c.high : c.low;
  const be = p.protection.breakEvenPct;
  if (be !== undefined) {
    const moved = long ? p.bestPrice >= p.entryPrice * (1 + be) : p.bestPrice <= p.entryPrice * (1 - be);
    const stop = p.protection.stop;
    const looser = stop === undefined || (long ? stop < p.entryPrice : stop > p.entryPrice);
    if (moved && looser) {
      p.protection.stop = p.entryPrice;
      p.protection.stopAtBreakEven = true;
    }
  }
}
