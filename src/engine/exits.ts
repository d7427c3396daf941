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
  const level = stopLevel(p);
  return Number.isNaN(level) ? null : { level, reason: stopReason(p, level) };
}

/** The trailing stop's level now, NaN without one. */
function trailLevel(p: Position): number {
  const { trailingPct, trailingDistance } = p.protection;
  const long = p.side === 'long';
  if (trailingPct !== undefined) return long ? p.bestPrice * (1 - trailingPct) : p.bestPrice * (1 + trailingPct);
  if (trailingDistance !== undefined) return long ? p.bestPrice - trailingDistance : p.bestPrice + trailingDistance;
  return NaN;
}

/**
 * The level effectiveStop() gives, NaN when there is none; checked on every candle a position is open, so it
 * makes no object (its reason is asked for only when the stop is hit).
 */
function stopLevel(p: Position): number {
  const trail = trailLevel(p);
  const stop = p.protection.stop ?? NaN;
  const trailTighter = !Number.isNaN(trail) && (Number.isNaN(stop) || (p.side === 'long' ? trail > stop : trail < stop));
  return trailTighter ? trail : stop;
}

/** Why the stop at `level` (stopLevel's answer) stands: the fixed stop when it is that one, else the trailing stop. */
function stopReason(p: Position, level: number): ExitReason {
  if (level !== p.protection.stop) return 'trailing_stop';
  return p.protection.stopAtBreakEven ? 'break_even' : 'stop_loss';
}

/** Whether this candle hits the position's stop or target. Uses levels as they stood before the candle. */
export function checkExit(p: Position, c: Candle): ExitHit | null {
  const long = p.side === 'long';
  const stop = stopLevel(p);
  const tp = p.protection.takeProfit;
  if (!Number.isNaN(stop)) {
    if (long ? c.open <= stop : c.open >= stop) return { price: c.open, reason: stopReason(p, stop) };
    if (long ? c.low <= stop : c.high >= stop) return { price: stop, reason: stopReason(p, stop) };
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
