// The EngineApi of a running engine: commands (the same checks whoever sends them: TUI, Telegram, CLI),
// the snapshot views draw from, candles and indicator series for charts, trades and daily equity. Reads
// the kernel and the stores; every command that changes state runs as one persisted step.
import { chartCandlesAt } from './chart-candles.js';
import type { CandleSeries, MarketKey } from '../core/candle.js';
import { marketKeyString, seriesSlice } from '../core/candle.js';
import { UserError, errorMessage } from '../core/errors.js';
import type { Alert, Command, CommandResult, ModelSummary } from '../core/events.js';
import { isTimeframe, iso, timeframeMs } from '../core/time.js';
import type { Config, InstanceConfig } from '../config/schema.js';
import { riskOverrideProblems } from '../engine/risk/schema.js';
import type { Db } from '../adapters/store/sqlite/db.js';
import type { SqliteCandleStore } from '../adapters/store/sqlite/candle-cache.js';
import type { PaperStore } from '../adapters/store/sqlite/paper-store.js';
import type { EventBus } from '../engine/bus.js';
import type { Kernel } from '../engine/kernel.js';
import type { StrategyRunner } from '../engine/strategy-runner.js';
import type { EngineApi, EngineSnapshot, FeedStatus, LiveStatus, MarketFeed, SignalRecord } from '../engine/ports.js';
import { backtestAndStore } from '../backtest/record.js';
import type { Strategy } from '../strategy/contract.js';
import { getStrategy } from '../strategy/registry.js';
import { type ParamOverrides, resolveParams, typedParams } from '../strategy/params.js';
import type { Instances } from './instances.js';
import type { Persistence } from './persistence.js';
import { type LogEntry, type Logger, recentLog } from './logger.js';

export type EngineMode = EngineSnapshot['mode'];

/** A feed as the app drives it: replay feeds also have a speed. */
export type AppFeed = MarketFeed & {
  label?: string;
  /** Replay feeds: the replay time (close of the last delivered candle). */
  readonly clock?: number | null;
  speed?: number;
  setSpeed?(n: number): void;
  resumeAfter?(k: MarketKey, t: number): void;
  /** Replay control (replay feeds only). */
  paused?: boolean;
  pause?(): void;
  resumeReplay?(): void;
  step?(n?: number): void;
  jump?(time: number): { ok: boolean; message: string };
};

interface RestartRange {
  first: number;
  last: number;
  markets: Array<{ market: string; first: number; last: number }>;
}

const day = (t: number): string => iso(t).slice(0, 16).replace('T', ' ');

export interface ApiDeps {
  mode: EngineMode;
  exchange: string;
  bus: EventBus;
  db: Db;
  kernel: Kernel;
  store: PaperStore;
  candleStore: SqliteCandleStore;
  feed: AppFeed;
  feedKind: string;
  feedStatus: () => FeedStatus;
  /** Close time of the newest processed candle (the status bar shows it, as alerts carry close times). */
  lastCandleClose?: () => number | null;
  /** Announces a feed status (speed change). */
  setFeedStatus: (s: FeedStatus) => void;
  persistence: Persistence;
  instances: Instances;
  strategies: Strategy[];
  config: Config;
  logger: Logger;
  now: () => number;
  needsCachedCandles: boolean;
  recentAlerts: Alert[];
  recentSignals: SignalRecord[];
  /** Loads changed user strategy files again (absent without a strategies folder). */
  reloadStrategies?: (by: Command['by']) => Promise<CommandResult>;
  /**
   * Restarts the replay from `from` on a new paper account, the current one archived (app/account-archive.ts):
   * present only in a paper engine process that can swap its App (app/engine-host.ts).
   */
  restartReplay?: (from: number, before: { equity: number; replayAt: number | null }) => Promise<CommandResult>;
  /** Live trading's commands and account state (absent in paper). */
  live?: { command(cmd: Command, next: (cmd: Command) => Promise<CommandResult>): Promise<CommandResult>; status(): LiveStatus };
}

export interface AppApi extends EngineApi {
  strategies(): Strategy[];
  symbols(): Array<{ symbol: string; timeframes: string[] }>;
  backtest(instanceId: string): Promise<{ runId: number; metrics: Record<string, number | null>; equity: number[] }>;
  logs(opts?: { limit?: number; after?: number }): LogEntry[];
  /** The add/edit forms' check while typing: a message naming what is wrong with these params, or null. */
  validateParams(strategy: string, params: ParamOverrides): Promise<string | null>;
}

/** An ML instance's model with its newest prediction (the values of its prediction series at the cursor). */
function modelOf(r: StrategyRunner): { model?: ModelSummary } {
  const m = r.strategy.model;
  if (!m) return {};
  const i = r.cursor;
  if (i < 0) return { model: m };
  const ind = r.series().ind;
  const values: Record<string, number> = {};
  for (const name of m.series) {
    const v = ind[name]?.[i];
    if (v === undefined || Number.isNaN(v)) return { model: m };
    values[name] = v;
  }
  return { model: { ...m, latest: { time: r.candles.time[i]!, values } } };
}

export function createApi(d: ApiDeps): AppApi {
  const { kernel, store, candleStore, feed, config, logger } = d;
  let symbolsCache: Array<{ symbol: string; timeframes: string[] }> | null = null;
  /** A command as the engine applies it (the live layer may answer some first). */
  async function apply(cmd: Command): Promise<CommandResult> {
    try {
      if (cmd.type === 'set-speed') {
        if (!feed.setSpeed) return { ok: false, message: 'the live feed has no speed' };
        const speed = Math.min(1000, Math.max(0.25, cmd.candlesPerSecond));
        feed.setSpeed(speed);
        d.setFeedStatus({ type: 'feed', status: 'replay', detail: feed.label ?? `REPLAY ${speed}/s`, lastCandleTime: d.feedStatus().lastCandleTime });
        return { ok: true, message: `replay speed ${speed} candles/s` };
      }
      if (cmd.type === 'replay') {
        if (cmd.action === 'restart') return await restart(cmd.to);
        if (!feed.pause || !feed.resumeReplay || !feed.step || !feed.jump) return { ok: false, message: 'replay control applies to a replay feed only' };
        let r: CommandResult;
        if (cmd.action === 'pause') {
          feed.pause();
          r = { ok: true, message: 'replay paused (entries and stops wait for the next candle)' };
        } else if (cmd.action === 'resume') {
          feed.resumeReplay();
          r = { ok: true, message: `replay playing at ${feed.speed ?? '?'} candles/s` };
        } else if (cmd.action === 'step') {
          feed.step(1);
          r = { ok: true, message: 'replay: one candle, then paused' };
        } else {
          if (cmd.to === undefined) return { ok: false, message: 'jump needs a time' };
          r = feed.jump(cmd.to);
        }
        d.setFeedStatus({ type: 'feed', status: 'replay', detail: feed.label ?? 'REPLAY', lastCandleTime: d.feedStatus().lastCandleTime });
        logger.info({ command: cmd, result: r }, 'command');
        return r;
      }
      if (cmd.type === 'add-instance') {
        const strategy = getStrategy(cmd.strategy, d.strategies, 'strategy');
        const params = resolveParams(strategy, cmd.params, 'params');
        if (!isTimeframe(cmd.timeframe)) return { ok: false, message: `unknown timeframe ${cmd.timeframe}` };
        const key: MarketKey = { exchange: d.exchange, symbol: cmd.symbol, timeframe: cmd.timeframe };
        if (d.needsCachedCandles && candleStore.last(key) === null) return { ok: false, message: `no cached candles for ${marketKeyString(key)}` };
        const runner = await d.instances.add(strategy, params, key, false, cmd.by);
        return { ok: true, message: `added ${runner.id} (stopped; press s to start)` };
      }
      if (cmd.type === 'delete-instance') return deleteInstance(cmd.instanceId, cmd.by);
      if (cmd.type === 'edit-instance') return await editInstance(cmd);
      if (cmd.type === 'reload-strategies') {
        if (!d.reloadStrategies) return { ok: false, message: 'no strategies folder (config strategiesDir): nothing to reload' };
        return await d.reloadStrategies(cmd.by);
      }
      const result = d.persistence.tx(() => kernel.handle(cmd));
      logger.info({ command: cmd, result }, 'command');
      return result;
    } catch (err) {
      if (err instanceof UserError) return { ok: false, message: err.toString() };
      logger.error({ err, command: cmd }, 'command failed');
      return { ok: false, message: `failed: ${errorMessage(err)}` };
    }
  }
  /** The dates a replay can restart from: every traded market (or, with none, every cached one) has candles there. */
  let rangeCache: { id: string; range: RestartRange | null } | null = null;
  function restartRange(): RestartRange | null {
    const live = [...kernel.instances.values()].map((r) => r.key);
    const keys = live.length > 0 ? live : candleStore.markets().filter((m) => m.exchange === d.exchange);
    const id = keys.map((k) => marketKeyString(k)).sort().join(',');
    if (rangeCache?.id === id) return rangeCache.range;
    const markets: RestartRange['markets'] = [];
    for (const k of keys) {
      const first = candleStore.first(k);
      const last = candleStore.last(k);
      if (first !== null && last !== null && !markets.some((m) => m.market === `${k.symbol} ${k.timeframe}`)) markets.push({ market: `${k.symbol} ${k.timeframe}`, first, last });
    }
    const range = markets.length === 0 ? null : { first: Math.max(...markets.map((m) => m.first)), last: Math.min(...markets.map((m) => m.last)), markets };
    rangeCache = { id, range };
    return range;
  }
  async function restart(to: number | undefined): Promise<CommandResult> {
    if (d.mode !== 'paper') return { ok: false, message: 'restarting the replay applies to paper trading only: a live account is never reset' };
    if (!feed.jump) return { ok: false, message: 'replay control applies to a replay feed only' };
    if (to === undefined) return { ok: false, message: 'restart needs a date' };
    const range = restartRange();
    if (!range) return { ok: false, message: 'no cached candles to replay' };
    if (to < range.first || to > range.last) {
      const each = range.markets.map((m) => `${m.market} ${day(m.first)} to ${day(m.last)}`).join('; ');
      return { ok: false, message: `no cached candles for every traded market at ${iso(to)}: a restart can start from ${day(range.first)} to ${day(range.last)} (${each}); download more with tradetui data download` };
    }
    if (!d.restartReplay) return { ok: false, message: 'restarting the replay needs the engine process (tradetui, or tradetui --headless)' };
    const r = await d.restartReplay(to, { equity: kernel.portfolio.equity(), replayAt: feed.clock ?? null });
    logger.info({ command: { type: 'replay', action: 'restart', to }, result: r }, 'command');
    return r;
  }
  /** What an instance still holds in the market: a reason it cannot be deleted, or null. */
  function holdings(id: string): string | null {
    const positions = [...kernel.portfolio.positions.values()].filter((p) => p.instanceId === id);
    if (positions.length > 0) {
      const p = positions[0]!;
      return `${id} holds an open ${p.side} position (${p.qty} ${p.symbol}): close it first (x in Positions, /close), then delete`;
    }
    const orders = kernel.pendingOrders().filter((o) => o.instanceId === id);
    if (orders.length > 0) return `${id} has ${orders.length} waiting order(s): cancel them first (o, Orders) or wait for the fill, then delete`;
    return null;
  }
  function deleteInstance(id: string, by: Command['by']): CommandResult {
    if (!kernel.instances.has(id)) return { ok: false, message: `no strategy instance "${id}"` };
    const why = holdings(id);
    if (why) return { ok: false, message: why };
    const trades = kernel.instances.get(id)!.trades.length;
    d.persistence.tx(() => d.instances.remove(id, by));
    const r = { ok: true, message: `deleted ${id}; its ${trades} trade(s) and decisions stay in the history (t)` };
    logger.info({ command: { type: 'delete-instance', instanceId: id, by }, result: r }, 'command');
    return r;
  }
  async function editInstance(cmd: Extract<Command, { type: 'edit-instance' }>): Promise<CommandResult> {
    const r = kernel.instances.get(cmd.instanceId);
    if (!r) return { ok: false, message: `no strategy instance "${cmd.instanceId}"` };
    // The strategy as listed (not the prepared copy an ML instance runs), so its params check as on add.
    const listed = d.strategies.find((s) => s.name === r.strategy.name) ?? r.strategy;
    const params = cmd.params ? resolveParams(listed, { ...r.params, ...cmd.params }, 'params') : r.params;
    if (cmd.risk) {
      const problems = riskOverrideProblems(cmd.risk, config.risk);
      if (problems.length > 0) return { ok: false, message: problems.join('; ') };
    }
    const changed = Object.keys(params).filter((k) => params[k] !== r.params[k]);
    if (changed.length === 0 && cmd.risk === undefined) return { ok: true, message: `${r.id}: nothing changed` };
    const held = holdings(r.id);
    const swap = await d.instances.replace(r.id, { params, ...(cmd.risk !== undefined ? { risk: cmd.risk as InstanceConfig['risk'] } : {}) });
    d.persistence.tx(() => swap.commit(cmd.by));
    const what = [changed.length > 0 ? changed.map((k) => `${k}=${String(params[k])}`).join(' ') : null, cmd.risk !== undefined ? (cmd.risk ? 'risk overrides set' : 'risk overrides cleared') : null].filter(Boolean).join(', ');
    const res = { ok: true, message: `${r.id} restarted with ${what}${held ? '; it keeps its open position and orders' : ''}` };
    logger.info({ command: cmd, result: res }, 'command');
    return res;
  }
  /** An instance's own risk overrides, when it has any (the edit window starts from them). */
  function riskOf(id: string): { risk?: Record<string, unknown> } {
    const risk = d.instances.riskOf(id);
    return risk && Object.keys(risk).length > 0 ? { risk: risk as Record<string, unknown> } : {};
  }
  let archives: number | undefined;
  /** Paper replays: what the J window needs to offer a restart (range, starting capital, the account's size). */
  function replayInfo(): Pick<EngineSnapshot, 'replay'> {
    if (d.mode !== 'paper' || !feed.jump || !d.restartReplay) return {};
    const range = restartRange();
    if (!range) return {};
    // archives only change by a restart, which makes a new App (and so a new API)
    archives ??= store.archives().length;
    return { replay: { first: range.first, last: range.last, startingBalance: config.account.balance, currency: config.account.currency, trades: kernel.closedTrades.length, archives } };
  }
  return {
    bus: d.bus,
    async backtest(id: string) {
      const r = kernel.instances.get(id);
      if (!r) throw new UserError(`no strategy instance "${id}"`, 'backtest');
      const candles = candleStore.read(r.key);
      const tradeFrom = Math.min(Math.max(0, Math.ceil(r.strategy.warmup(r.params))), candles.length);
      if (candles.length - tradeFrom < 2) throw new UserError(`not enough cached candles for ${marketKeyString(r.key)}`, 'backtest');
      const { id: runId, result, metrics } = backtestAndStore(d.db, { strategy: r.strategy, params: r.params, key: r.key, candles, tradeFrom, account: config.account, risk: config.risk });
      // The summary a trader reads first; `tradetui backtest show RUN_ID` has the rest.
      const keys = ['totalReturnPct', 'buyHoldReturnPct', 'cagrPct', 'maxDrawdownPct', 'sharpe', 'sortino', 'calmar', 'trades', 'winRatePct', 'profitFactor', 'expectancy', 'exposurePct', 'feesPaid', 'finalEquity'] as const;
      const numeric: Record<string, number | null> = {};
      for (const k of keys) numeric[k] = metrics[k] as number | null;
      // A chart needs a few hundred points, not every candle.
      const step = Math.max(1, Math.floor(result.equity.length / 400));
      const equity: number[] = [];
      for (let i = 0; i < result.equity.length; i += step) equity.push(result.equity[i]!);
      equity.push(result.equity[result.equity.length - 1]!);
      return { runId, metrics: numeric, equity };
    },
    async send(cmd: Command): Promise<CommandResult> {
      return d.live ? d.live.command(cmd, (c) => apply(c)) : apply(cmd);
    },
    snapshot(): EngineSnapshot {
      const p = kernel.portfolio;
      const fs = d.feedStatus();
      return {
        mode: d.mode,
        feed: { source: feed.label ?? d.feedKind, status: fs.status, detail: fs.detail, lastCandleTime: fs.lastCandleTime, lastCandleClose: d.lastCandleClose?.() ?? null, speed: feed.speed ?? null, paused: feed.paused ?? false },
        state: kernel.state,
        time: fs.lastCandleTime ?? d.now(),
        cash: p.cash,
        equity: p.equity(),
        dayStartEquity: kernel.dayStartEquity,
        exposure: p.exposure(),
        positions: [...p.positions.values()].map((x) => ({ ...x, protection: { ...x.protection } })),
        orders: kernel.pendingOrders(),
        instances: [...kernel.instances.values()].map((r) => ({ ...kernel.info(r), trades: r.trades.length, pnl: r.pnl, ...modelOf(r), ...riskOf(r.id) })),
        protections: [...kernel.risk.active()],
        recentTrades: kernel.closedTrades.slice(-50).reverse(),
        alerts: d.recentAlerts.slice(),
        signals: d.recentSignals.slice(),
        ...(d.live ? { live: d.live.status() } : {}),
        ...replayInfo(),
      };
    },
    candles(key: MarketKey, limit: number): CandleSeries {
      // A replay shows what has happened by replay time, a higher timeframe's forming candle included.
      if (typeof feed.clock === 'number') return chartCandlesAt(candleStore, key, limit, feed.clock);
      // The chart shows the cache up to the newest candle the engine has processed for this market.
      let end = d.feedStatus().lastCandleTime;
      for (const r of kernel.instances.values()) if (marketKeyString(r.key) === marketKeyString(key) && r.cursor >= 0) end = r.candles.time[r.cursor]!;
      // Read only a window ending at `end` (twice the span asked for covers gaps), not the whole market.
      const span = (limit + 64) * 2 * timeframeMs(key.timeframe);
      const all = end !== null ? candleStore.read(key, end - span, end) : candleStore.read(key);
      return seriesSlice(all, Math.max(0, all.length - limit), all.length);
    },
    indicators(id: string, limit: number): Record<string, Float64Array> {
      const r = kernel.instances.get(id);
      if (!r) return {};
      const n = r.cursor + 1;
      const out: Record<string, Float64Array> = {};
      for (const [name, values] of Object.entries(r.series().ind)) out[name] = values.subarray(Math.max(0, n - limit), n);
      return out;
    },
    trades(o = {}) {
      return store.trades(o);
    },
    dailyEquity(days: number) {
      const rows = store.dailyEquity(days);
      return [...rows, { day: d.feedStatus().lastCandleTime ?? d.now(), equity: kernel.portfolio.equity() }];
    },
    strategies: () => d.strategies,
    async validateParams(name: string, params: ParamOverrides): Promise<string | null> {
      const strategy = getStrategy(name, d.strategies, 'strategy');
      try {
        return strategy.validate?.(typedParams(strategy, params, 'params')) ?? null;
      } catch (err) {
        if (err instanceof UserError) return err.message;
        throw err;
      }
    },
    logs(o = {}) {
      return recentLog(logger, { limit: o.limit, after: o.after });
    },
    symbols() {
      // The cached markets change only by import (another process): read them once.
      if (symbolsCache) return symbolsCache;
      const by = new Map<string, Set<string>>();
      for (const m of candleStore.markets()) {
        if (m.exchange !== d.exchange) continue;
        if (!by.has(m.symbol)) by.set(m.symbol, new Set());
        by.get(m.symbol)!.add(m.timeframe);
      }
      symbolsCache = [...by].map(([symbol, tfs]) => ({ symbol, timeframes: [...tfs] }));
      return symbolsCache;
    },
  };
}
