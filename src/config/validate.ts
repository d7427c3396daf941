// The checks a config passes beyond its schema, shared by `tradetui config check` and the program itself so
// the two never disagree: strategies exist, params are valid for them, replayFrom is a date that is not in
// the future and has candles after it, and a replayed market is cached. Each failure is a UserError naming
// the key path (exit 2).
import type { MarketKey } from '../core/candle.js';
import { marketKeyString } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { iso, parseDate } from '../core/time.js';
import type { Strategy } from '../strategy/contract.js';
import { getStrategy } from '../strategy/registry.js';
import { resolveParams } from '../strategy/params.js';
import type { Config } from './schema.js';

export interface ValidateOptions {
  /** Built-in and user strategies, as the program loads them. */
  strategies: readonly Strategy[];
  /**
   * The last cached candle time of a market, or null when it is not cached. Omitted: the cache is not
   * checked (a feed that brings its own candles).
   */
  lastCached?: (key: MarketKey) => number | null;
  /** Exchange the replay's candles are keyed by. */
  replayExchange?: string;
  now?: number;
}

/** Throws the first problem as a UserError naming its key path. */
export function validateConfig(config: Config, opts: ValidateOptions): void {
  const now = opts.now ?? Date.now();
  let from: number | undefined;
  if (config.paper.replayFrom !== null) {
    from = parseDate(config.paper.replayFrom, 'paper.replayFrom');
    if (from > now) throw new UserError(`${iso(from)} is in the future; a replay starts from cached candles`, 'paper.replayFrom');
  }
  const replaying = config.paper.feed === 'replay';
  for (const [n, inst] of config.paper.instances.entries()) {
    const where = `paper.instances.${n}`;
    const strategy = getStrategy(inst.strategy, opts.strategies, `${where}.strategy`);
    resolveParams(strategy, inst.params, `${where}.params`);
    if (!replaying || !opts.lastCached) continue;
    const key: MarketKey = { exchange: opts.replayExchange ?? 'binance', symbol: inst.symbol, timeframe: inst.timeframe as MarketKey['timeframe'] };
    const last = opts.lastCached(key);
    if (last === null) throw new UserError(`no cached candles for ${marketKeyString(key)}; import or download them first (tradetui data --help)`, `${where}.symbol`);
    if (from !== undefined && from > last) {
      throw new UserError(`no cached candles for ${marketKeyString(key)} after ${iso(from)} (the cache ends at ${iso(last)})`, 'paper.replayFrom');
    }
  }
}
