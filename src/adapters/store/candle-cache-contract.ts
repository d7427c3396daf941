// What every candle cache (SQLite, memory) promises beyond the engine's CandleStore port, and the invariants both
// enforce on writes, so the two implementations share one definition and one behaviour suite.
import { marketKeyString, type CandleSeries, type MarketKey } from '../../core/candle.js';
import { UserError } from '../../core/errors.js';
import { isAligned, iso } from '../../core/time.js';
import type { CandleStore } from '../../engine/ports.js';

/** One file or download recorded as a source of a market's candles. */
export interface CandleSource extends MarketKey {
  source: string;
  importedAt: number;
  rows: number;
}

/** A CandleStore that also records where candles came from and can group writes in one transaction. */
export interface CandleCache extends CandleStore {
  /** Open time of the first cached candle, or null. */
  first(key: MarketKey): number | null;
  /** Runs `fn` in one transaction; nested calls join the outer one. If `fn` throws nothing is written. */
  transaction<T>(fn: () => T): T;
  /** Records (or refreshes) an imported file or other source of a market's candles. */
  recordSource(key: MarketKey, source: string, rows: number, at?: number): void;
  sources(key?: MarketKey): CandleSource[];
}

/**
 * Checks that a batch to write is strictly ascending and aligned. Callers validate values; this guards the
 * cache's own invariants, so a violation names the candle.
 */
export function checkWriteOrder(key: MarketKey, c: CandleSeries): void {
  for (let i = 0; i < c.length; i++) {
    const t = c.time[i]!;
    if (!Number.isFinite(t) || !isAligned(t, key.timeframe)) {
      throw new UserError(`candle time ${Number.isFinite(t) ? iso(t) : String(t)} is not aligned to ${key.timeframe}`, marketKeyString(key));
    }
    if (i > 0 && t <= c.time[i - 1]!) {
      throw new UserError(`candles must be strictly ascending: ${iso(t)} follows ${iso(c.time[i - 1]!)}`, marketKeyString(key));
    }
  }
}

export function conflictError(key: MarketKey, time: number, cached: ArrayLike<number>, incoming: ArrayLike<number>): UserError {
  const fmt = (v: ArrayLike<number>) => `open ${v[0]} high ${v[1]} low ${v[2]} close ${v[3]} volume ${v[4]}`;
  return new UserError(
    `candle ${iso(time)} is already cached with different values (cached: ${fmt(cached)}; new: ${fmt(incoming)}); nothing was written`,
    marketKeyString(key),
  );
}
