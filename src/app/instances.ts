// Strategy instances of a running engine: adding one (warm-up from the feed's history, or the stored
// buffer after a restart), and bringing back the stored account on start — instances, cash, positions,
// working orders, trades — or, on a first start, the instances the config lists.
import { seriesPrefix, seriesSlice, type CandleSeries, type MarketKey } from '../core/candle.js';
import type { Actor } from '../core/events.js';
import { isTimeframe } from '../core/time.js';
import type { Config, InstanceConfig } from '../config/schema.js';
import type { SqliteCandleStore } from '../adapters/store/sqlite/candle-cache.js';
import type { PaperStore, StoredState } from '../adapters/store/sqlite/paper-store.js';
import { instanceId as makeInstanceId, type Kernel } from '../engine/kernel.js';
import type { MarketFeed } from '../engine/ports.js';
import type { StrategyRunner } from '../engine/strategy-runner.js';
import type { RiskState } from '../engine/risk/types.js';
import { prepareStrategy, type Params, type Strategy } from '../strategy/contract.js';
import { prepareEnv } from '../ml/env.js';
import type { Db } from '../adapters/store/sqlite/db.js';
import { getStrategy } from '../strategy/registry.js';
import { resolveParams } from '../strategy/params.js';
import type { Logger } from './logger.js';

export interface InstanceDeps {
  kernel: Kernel;
  store: PaperStore;
  candleStore: SqliteCandleStore;
  feed: MarketFeed & { resumeAfter?(k: MarketKey, t: number): void };
  logger: Logger;
  now: () => number;
  /** Whether a market must already be in the candle cache to be traded (replaying the cache). */
  needsCachedCandles: boolean;
  /** Where ML strategies find their models and external series. */
  db: Db;
  dataDir: string;
}

export interface Instances {
  add(
    strategy: Strategy,
    params: Params,
    key: MarketKey,
    running: boolean,
    by: Actor,
    opts?: { restoredFrom?: { bufferStart: number | null; cursorTime: number | null }; id?: string; risk?: InstanceConfig['risk']; storedRisk?: boolean },
  ): Promise<StrategyRunner>;
  /**
   * Restarts an instance in place with other params, risk overrides (null: none) or strategy code (hot reload):
   * same id, the candles it had (more from the cache when the new params need a longer warm-up), its position,
   * waiting orders and trades. Prepares (an ML model loads) first; `commit` then swaps and stores, inside one step.
   */
  replace(id: string, change: { strategy?: Strategy; params?: Params; risk?: InstanceConfig['risk'] | null }): Promise<{ commit(by: Actor): StrategyRunner }>;
  /** Deletes an instance (the caller checked it holds nothing); its row stays, marked deleted, for its history. */
  remove(id: string, by: Actor): void;
  /** The risk overrides an instance runs with (config's or edited), or undefined. */
  riskOf(id: string): InstanceConfig['risk'] | undefined;
}

export function createInstances(d: InstanceDeps): Instances {
  const { kernel, store, candleStore, feed } = d;
  const risks = new Map<string, InstanceConfig['risk'] | undefined>();
  /** Risk overrides set from a view are stored with the instance; the config's are not (the config is their home). */
  const editedRisk = new Set<string>();
  function uniqueId(base: string): string {
    let id = base;
    for (let n = 2; kernel.instances.has(id); n++) id = `${base}#${n}`;
    return id;
  }
  return {
    async add(strategy, params, key, running, by, opts = {}) {
      const { restoredFrom } = opts;
      // ML strategies load their model here, once per instance (the same step backtest takes).
      strategy = await prepareStrategy(strategy, params, prepareEnv(d.db, d.dataDir, key.timeframe, (m) => d.logger.info({ strategy: strategy.name }, m)));
      const runnerId = opts.id ?? uniqueId(makeInstanceId(strategy.name, key));
      const runner = kernel.addInstance({ id: runnerId, strategy, params, key, running }, by);
      kernel.risk.setInstanceRisk?.(runnerId, opts.risk);
      risks.set(runnerId, opts.risk);
      if (opts.storedRisk) editedRisk.add(runnerId);
      let bufferStart: number | null;
      if (restoredFrom?.cursorTime != null && restoredFrom.bufferStart != null) {
        runner.preload(candleStore.read(key, restoredFrom.bufferStart, restoredFrom.cursorTime));
        runner.skipTo(restoredFrom.cursorTime + 1);
        feed.resumeAfter?.(key, restoredFrom.cursorTime);
        bufferStart = restoredFrom.bufferStart;
      } else {
        // Exactly the warm-up `tradetui backtest --from` gives, so a replay from T trades like a backtest from T.
        const history = await feed.history(key, Math.max(strategy.warmup(params), 1));
        runner.preload(history);
        runner.skipTo(Infinity);
        bufferStart = history.length > 0 ? history.time[0]! : null;
      }
      const cursorTime = restoredFrom?.cursorTime ?? (bufferStart !== null ? runner.candles.time[runner.candles.length - 1]! : null);
      store.saveInstance({ id: runnerId, strategy: strategy.name, exchange: key.exchange, symbol: key.symbol, timeframe: key.timeframe, params, running, bufferStart, cursorTime, risk: opts.storedRisk ? (opts.risk ?? null) : null }, d.now());
      feed.watch(key);
      return runner;
    },
    async replace(id, change) {
      const before = kernel.instances.get(id);
      if (!before) throw new Error(`no instance ${id}`);
      const params = change.params ?? before.params;
      const raw = change.strategy ?? before.strategy;
      // New params or new code: an ML strategy prepares its model again, as on add.
      const strategy = change.strategy || change.params ? await prepareStrategy(raw, params, prepareEnv(d.db, d.dataDir, before.key.timeframe, (m) => d.logger.info({ strategy: raw.name }, m))) : before.strategy;
      // new code for the same params is a hot reload: the reload's own alert says it, not one per instance
      return { commit: (by) => swap(id, strategy, params, change.risk, by, change.strategy !== undefined) };
    },
    remove(id, by) {
      store.markInstanceDeleted(id, d.now());
      kernel.removeInstance(id, by);
      risks.delete(id);
      editedRisk.delete(id);
    },
    riskOf: (id) => risks.get(id),
  };

  function swap(id: string, strategy: Strategy, params: Params, riskChange: InstanceConfig['risk'] | null | undefined, by: Actor, reload: boolean): StrategyRunner {
    const old = kernel.instances.get(id);
    if (!old) throw new Error(`instance ${id} was deleted meanwhile`);
    // The candles the old runner knew, copied (the old buffer goes with it), and earlier cached ones when the new
    // params need a longer warm-up than it holds.
    const known = copySeries(seriesPrefix(old.candles, old.candles.length));
    const need = Math.max(strategy.warmup(params), 1) - known.length;
    const earlier = need > 0 && known.length > 0 ? candleStore.read(old.key, -Infinity, known.time[0]! - 1) : null;
    const cursorTime = old.cursor >= 0 ? old.candles.time[old.cursor]! : null;
    const risk = riskChange === undefined ? risks.get(id) : (riskChange ?? undefined);
    const runner = kernel.replaceInstance({ id, strategy, params, key: old.key, running: old.running, tradeFrom: old.tradeFrom }, by, reload);
    if (earlier && earlier.length > 0) runner.preload(copySeries(seriesSlice(earlier, Math.max(0, earlier.length - need), earlier.length)));
    runner.preload(known);
    if (cursorTime !== null) runner.skipTo(cursorTime + 1);
    if (riskChange !== undefined) {
      kernel.risk.setInstanceRisk?.(id, risk);
      risks.set(id, risk);
      editedRisk.add(id);
    }
    const bufferStart = runner.candles.length > 0 ? runner.candles.time[0]! : null;
    store.saveInstance(
      { id, strategy: strategy.name, exchange: old.key.exchange, symbol: old.key.symbol, timeframe: old.key.timeframe, params, running: old.running, bufferStart, cursorTime, risk: editedRisk.has(id) ? (risk ?? {}) : null },
      d.now(),
    );
    return runner;
  }
}

/** A copy in fresh arrays (a runner adopts its first preload in place). */
function copySeries(s: CandleSeries): CandleSeries {
  return { length: s.length, time: s.time.slice(0, s.length), open: s.open.slice(0, s.length), high: s.high.slice(0, s.length), low: s.low.slice(0, s.length), close: s.close.slice(0, s.length), volume: s.volume.slice(0, s.length) };
}

/**
 * Brings the engine to where it stood: the stored instances and account after a restart, else the
 * configured instances on `exchange`. Working orders go back to the broker through the kernel.
 */
export async function restoreOrConfigure(
  d: InstanceDeps & { instances: Instances; strategies: Strategy[]; config: Config; exchange: string },
  stored: StoredState,
): Promise<void> {
  const { kernel, config, strategies, logger } = d;
  // An account whose instances were all deleted is restored too: the config's instances are for a first start only.
  if (stored.instances.length > 0 || stored.deletedInstances > 0) {
    for (const si of stored.instances) {
      const strategy = strategies.find((s) => s.name === si.strategy);
      if (!strategy || !isTimeframe(si.timeframe)) {
        logger.error({ instance: si.id }, `stored instance uses unknown strategy or timeframe; skipped`);
        continue;
      }
      // Risk overrides live in the config (the config's instance of the same market applies), unless a view edited
      // them: those are stored with the instance and win.
      const fromConfig = config.paper.instances.find((c) => c.strategy === si.strategy && c.symbol === si.symbol && c.timeframe === si.timeframe);
      const key = { exchange: si.exchange, symbol: si.symbol, timeframe: si.timeframe };
      const edited = si.risk != null;
      await d.instances.add(strategy, si.params, key, si.running, 'system', { restoredFrom: si, id: si.id, risk: edited ? (si.risk as InstanceConfig['risk']) : fromConfig?.risk, storedRisk: edited });
    }
    kernel.restore({
      cash: stored.account.cash,
      feesPaid: stored.account.feesPaid,
      realisedPnl: stored.account.realisedPnl,
      positions: stored.positions,
      pendingOrders: stored.pendingOrders,
      trades: stored.trades,
      state: stored.account.state === 'stopped' ? 'running' : stored.account.state,
      dayStart: d.store.dailyEquity(1)[0],
    });
    // Cooldowns, guards, their histories, the day's start and the drawdown peak (issue #9): after instances exist.
    const riskState = d.store.loadRiskState();
    if (riskState) kernel.risk.restoreState?.(riskState as RiskState);
    return;
  }
  for (const [n, inst] of config.paper.instances.entries()) {
    const where = `paper.instances.${n}`;
    const strategy = getStrategy(inst.strategy, strategies, `${where}.strategy`);
    const params = resolveParams(strategy, inst.params, `${where}.params`);
    const key: MarketKey = { exchange: d.exchange, symbol: inst.symbol, timeframe: inst.timeframe as MarketKey['timeframe'] };
    await d.instances.add(strategy, params, key, inst.autostart, 'config', { risk: inst.risk });
  }
}
