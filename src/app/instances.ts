// Strategy instances of a running engine: adding one (warm-up from the feed's history, or the stored
// buffer after a restart), and bringing back the stored account on start — instances, cash, positions,
// working orders, trades — or, on a first start, the instances the config lists.
import type { MarketKey } from '../core/candle.js';
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
    opts?: { restoredFrom?: { bufferStart: number | null; cursorTime: number | null }; id?: string; risk?: InstanceConfig['risk'] },
  ): Promise<StrategyRunner>;
}

export function createInstances(d: InstanceDeps): Instances {
  const { kernel, store, candleStore, feed } = d;
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
      store.saveInstance({ id: runnerId, strategy: strategy.name, exchange: key.exchange, symbol: key.symbol, timeframe: key.timeframe, params, running, bufferStart, cursorTime }, d.now());
      feed.watch(key);
      return runner;
    },
  };
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
  if (stored.instances.length > 0) {
    for (const si of stored.instances) {
      const strategy = strategies.find((s) => s.name === si.strategy);
      if (!strategy || !isTimeframe(si.timeframe)) {
        logger.error({ instance: si.id }, `stored instance uses unknown strategy or timeframe; skipped`);
        continue;
      }
      // Risk overrides live in the config, not the database: the config's instance of the same market applies.
      const fromConfig = config.paper.instances.find((c) => c.strategy === si.strategy && c.symbol === si.symbol && c.timeframe === si.timeframe);
      const key = { exchange: si.exchange, symbol: si.symbol, timeframe: si.timeframe };
      await d.instances.add(strategy, si.params, key, si.running, 'system', { restoredFrom: si, id: si.id, risk: fromConfig?.risk });
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
