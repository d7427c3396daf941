// Composition root: config → {clock, feed, broker, store, notifiers} → kernel, exposed as the EngineApi
// that the TUI, headless mode and Telegram share. The only module that imports every layer.
import type { CandleSeries, MarketKey } from '../core/candle.js';
import { marketKeyString, seriesFromCandles, seriesSlice } from '../core/candle.js';
import { UserError, errorMessage } from '../core/errors.js';
import type { Actor, Alert, Command, CommandResult } from '../core/events.js';
import { DAY_MS, isTimeframe, parseDate, timeframeMs } from '../core/time.js';
import type { Config, InstanceConfig } from '../config/schema.js';
import { dbFile } from '../config/paths.js';
import { openDb, type Db } from '../adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../adapters/store/sqlite/candle-cache.js';
import { PaperStore } from '../adapters/store/sqlite/paper-store.js';
import { ReplayFeed } from '../adapters/feed/replay.js';
import { createFromTemplate, ensureSeeded } from '../data/seed.js';
import { EventBus } from '../engine/bus.js';
import { instanceId as makeInstanceId, type Kernel } from '../engine/kernel.js';
import type { EngineApi, EngineSnapshot, FeedSink, FeedStatus, MarketFeed, SignalRecord } from '../engine/ports.js';
import type { StrategyRunner } from '../engine/strategy-runner.js';
import { createSimulatedKernel } from '../backtest/run.js';
import { backtestAndStore } from '../backtest/record.js';
import { prepareStrategy, type Params, type Strategy } from '../strategy/contract.js';
import { prepareEnv } from '../ml/env.js';
import { getStrategy, loadStrategies, resolveStrategiesDir } from '../strategy/registry.js';
import { resolveParams } from '../strategy/params.js';
import { validateConfig } from '../config/validate.js';
import { AlertDeriver } from '../alerts/derive.js';
import type { TelegramStatus } from '../adapters/notify/telegram/index.js';
import type { Logger } from './logger.js';

export interface AppOptions {
  config: Config;
  dataDir: string;
  logger: Logger;
  /** Called before each shipped candle file is imported (first run only), so the wait can be explained. */
  onSeedFile?: (file: { name: string }) => void;
  /** The config file it came from: a relative strategiesDir is relative to it. */
  configSource?: string;
  /** Replay speed override (candles per second). */
  speed?: number;
  feed?: 'replay' | 'exchange';
  /** Feed to use instead of the configured one (tests). */
  feedOverride?: MarketFeed & { label?: string; setSpeed?(n: number): void; resumeAfter?(k: MarketKey, t: number): void };
  now?: () => number;
}

export interface App extends EngineApi {
  readonly db: Db;
  readonly kernel: Kernel;
  /** Starts the feed; resolves when it has started. */
  start(): Promise<void>;
  /** Resolves when the feed has stopped (end of run or stop()). */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
  strategies(): Strategy[];
  symbols(): Array<{ symbol: string; timeframes: string[] }>;
  /** The Telegram bot's state for the status bar ('disabled' without a token). */
  telegramStatus(): TelegramStatus;
  /** Backtests an instance's strategy and params on all cached candles of its market; the run is stored. */
  backtest(instanceId: string): Promise<{ runId: number; metrics: Record<string, number | null>; equity: number[] }>;
  /** Exchange of the markets this app trades (candle keys). */
  readonly exchange: string;
}

type AnyFeed = NonNullable<AppOptions['feedOverride']>;

export async function createApp(opts: AppOptions): Promise<App> {
  const { config, logger } = opts;
  const now = opts.now ?? Date.now;
  createFromTemplate(dbFile(opts.dataDir));
  const db = openDb(dbFile(opts.dataDir));
  const candleStore = new SqliteCandleStore(db);
  const strategies = await loadStrategies({ strategiesDir: config.strategiesDir ? resolveStrategiesDir(config.strategiesDir, opts.configSource) : null });
  const feedKind = opts.feed ?? config.paper.feed;
  // The same checks as `tradetui config check`, before anything is written: the config's own first (no
  // wait for seeding), then the cached markets once the shipped candles are in.
  const checked = { ...config, paper: { ...config.paper, feed: feedKind } };
  validateConfig(checked, { strategies, now: now() });
  const seeded = await ensureSeeded(candleStore, { onFile: opts.onSeedFile });
  for (const f of seeded.failed) logger.warn({ file: f.file }, `shipped candles not seeded: ${f.error}`);
  if (!opts.feedOverride) validateConfig(checked, { strategies, lastCached: (k) => candleStore.last(k), replayExchange: 'binance', now: now() });
  const store = new PaperStore(db);
  const bus = new EventBus();
  bus.setErrorHandler((err, event) => logger.error({ err, event: event.type }, 'event listener failed'));

  let stored = store.load();
  if (!stored) {
    store.createAccount(config.account.balance, config.account.currency, now());
    stored = store.load()!;
  }
  const session = store.nextSession();
  let alertSeq = 0;
  const kernel = createSimulatedKernel({ account: config.account, risk: config.risk, bus, now, idPrefix: `s${session}-`, restoreProtections: store.activeProtections() });

  const feed: AnyFeed =
    opts.feedOverride ??
    (feedKind === 'replay'
      ? new ReplayFeed(candleStore, { speed: opts.speed ?? config.paper.speed, from: config.paper.replayFrom ? parseDate(config.paper.replayFrom, 'paper.replayFrom') : undefined })
      : await createExchangeFeedLazily(config, opts));
  const exchangeName = feedKind === 'replay' && !opts.feedOverride ? 'binance' : config.exchange.name;
  let feedStatus: FeedStatus = { type: 'feed', status: 'connected', detail: feed.label ?? feedKind, lastCandleTime: null };

  // Persistence first: every later listener (alerts, views) sees only what the store is writing.
  store.attach(bus);
  // One deriver words alerts for the pane, the alerts table and Telegram alike.
  const deriver = new AlertDeriver({ feedDownMs: config.telegram.alerts.feedDownSeconds * 1000, nextId: () => `s${session}-a${++alertSeq}` });
  let feedDownTimer: NodeJS.Timeout | null = null;
  const emitAlerts = (alerts: Alert[]): void => {
    for (const alert of alerts) bus.emit({ type: 'alert', alert });
  };
  bus.onAny((e) => {
    if (e.type === 'alert') return;
    emitAlerts(deriver.onEvent(e, now()));
    const due = deriver.nextDeadline();
    if (due !== null && !feedDownTimer) {
      feedDownTimer = setTimeout(() => {
        feedDownTimer = null;
        guarded(() => emitAlerts(deriver.tick(now())));
      }, Math.max(0, due - now()));
      feedDownTimer.unref();
    }
  });
  // As many as the TUI's Signals and Alerts panes list, so a restart shows them all (not only the newest 100).
  const RECENT_ROWS = 300;
  const recentAlerts: Alert[] = store.recentAlerts(RECENT_ROWS);
  const recentSignals: SignalRecord[] = store.recentSignals(RECENT_ROWS);
  const remember = (row: SignalRecord): void => {
    recentSignals.unshift(row);
    if (recentSignals.length > RECENT_ROWS) recentSignals.pop();
  };
  bus.on('decision', (e) => remember({ time: e.time, instanceId: e.instanceId, strategy: e.strategy, symbol: e.symbol, kind: 'decision', action: e.action, reason: e.reason }));
  bus.on('risk', (e) => {
    if (e.verdict === 'accepted') return;
    const strategy = kernel.instances.get(e.instanceId)?.strategy.name ?? e.instanceId.split('@')[0]!;
    remember({ time: e.time, instanceId: e.instanceId, strategy, symbol: e.symbol, kind: 'risk', action: e.verdict, reason: e.reason });
  });
  bus.on('alert', (e) => {
    recentAlerts.unshift(e.alert);
    if (recentAlerts.length > RECENT_ROWS) recentAlerts.pop();
  });

  // Instances: the stored ones after a restart, else those in the config.
  async function addRunner(
    strategy: Strategy,
    params: Params,
    key: MarketKey,
    running: boolean,
    by: Actor,
    restoredFrom?: { bufferStart: number | null; cursorTime: number | null },
    id?: string,
    risk?: InstanceConfig['risk'],
  ): Promise<StrategyRunner> {
    // ML strategies load their model here, once per instance (the same step backtest takes).
    strategy = await prepareStrategy(strategy, params, prepareEnv(db, opts.dataDir, key.timeframe, (m) => logger.info({ strategy: strategy.name }, m)));
    const runnerId = id ?? uniqueId(makeInstanceId(strategy.name, key));
    const runner = kernel.addInstance({ id: runnerId, strategy, params, key, running }, by);
    kernel.risk.setInstanceRisk?.(runnerId, risk);
    let bufferStart: number | null = null;
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
    store.saveInstance(
      { id: runnerId, strategy: strategy.name, exchange: key.exchange, symbol: key.symbol, timeframe: key.timeframe, params, running, bufferStart, cursorTime: restoredFrom?.cursorTime ?? (bufferStart !== null ? runner.candles.time[runner.candles.length - 1]! : null) },
      now(),
    );
    feed.watch(key);
    return runner;
  }
  function uniqueId(base: string): string {
    let id = base;
    for (let n = 2; kernel.instances.has(id); n++) id = `${base}#${n}`;
    return id;
  }

  if (stored.instances.length > 0) {
    for (const si of stored.instances) {
      const strategy = strategies.find((s) => s.name === si.strategy);
      if (!strategy || !isTimeframe(si.timeframe)) {
        logger.error({ instance: si.id }, `stored instance uses unknown strategy or timeframe; skipped`);
        continue;
      }
      // Risk overrides live in the config, not the database: the config's instance of the same market applies.
      const fromConfig = config.paper.instances.find((c) => c.strategy === si.strategy && c.symbol === si.symbol && c.timeframe === si.timeframe);
      await addRunner(strategy, si.params, { exchange: si.exchange, symbol: si.symbol, timeframe: si.timeframe }, si.running, 'system', si, si.id, fromConfig?.risk);
    }
    kernel.restore({
      cash: stored.account.cash,
      feesPaid: stored.account.feesPaid,
      realisedPnl: stored.account.realisedPnl,
      positions: stored.positions,
      pendingOrders: stored.pendingOrders,
      trades: stored.trades,
      state: stored.account.state === 'stopped' ? 'running' : stored.account.state,
    });
  } else {
    for (const [n, inst] of config.paper.instances.entries()) {
      const where = `paper.instances.${n}`;
      const strategy = getStrategy(inst.strategy, strategies, `${where}.strategy`);
      const params = resolveParams(strategy, inst.params, `${where}.params`);
      const key: MarketKey = { exchange: exchangeName, symbol: inst.symbol, timeframe: inst.timeframe as MarketKey['timeframe'] };
      await addRunner(strategy, params, key, inst.autostart, 'config', undefined, undefined, inst.risk);
    }
  }

  const sink: FeedSink = {
    open(key, time, price) {
      guarded(() => kernel.candleOpened(key, time, price));
    },
    candle(key, c) {
      guarded(() => {
        kernel.onCandle(key, c);
        for (const r of kernel.instances.values()) if (marketKeyString(r.key) === marketKeyString(key) && r.cursor >= 0) store.saveCursor(r.id, r.candles.time[r.cursor]!);
        store.saveDayEquity(Math.floor(c.time / DAY_MS) * DAY_MS, kernel.dayStartEquity);
      });
      feedStatus = { ...feedStatus, lastCandleTime: c.time };
    },
    warmup(key, candles) {
      if (candles.length === 0) return;
      const series = seriesFromCandles(candles);
      const last = candles[candles.length - 1]!.time;
      guarded(() => {
        for (const r of kernel.instances.values()) {
          if (marketKeyString(r.key) !== marketKeyString(key)) continue;
          r.preload(series);
          r.skipTo(last + 1);
          if (r.cursor >= 0) store.saveCursor(r.id, r.candles.time[r.cursor]!);
        }
      });
      feedStatus = { ...feedStatus, lastCandleTime: last };
    },
    status(s) {
      feedStatus = s;
      guarded(() => {
        bus.emit(s);
        if (s.status === 'ended') bus.emit({ type: 'alert', alert: { id: `s${session}-a${++alertSeq}`, time: now(), severity: 'info', category: 'system', message: `replay finished: ${s.detail}` } });
      });
    },
  };

  /** Applies one step in one transaction; a failure rolls it back and halts entries rather than guessing. */
  function guarded(step: () => void): void {
    try {
      store.tx(() => {
        step();
        const p = kernel.portfolio;
        store.saveAccount(p.cash, p.feesPaid, p.realisedPnl, now());
        store.syncPending(kernel.pendingOrders().map((o) => o.id));
      });
    } catch (err) {
      logger.error({ err }, 'engine step failed; halting new entries');
      try {
        store.tx(() => {
          kernel.setState('halted', `engine error: ${errorMessage(err)} (restart restores the last committed state)`, 'system');
          bus.emit({ type: 'alert', alert: { id: `s${session}-a${++alertSeq}`, time: now(), severity: 'critical', category: 'error', message: `engine error, entries halted: ${errorMessage(err)}` } });
        });
      } catch (inner) {
        logger.fatal({ err: inner }, 'could not record the halt');
      }
    }
  }

  let telegram: { stop(): Promise<void>; status(): TelegramStatus } | null = null;
  let running: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;
  let symbolsCache: Array<{ symbol: string; timeframes: string[] }> | null = null;
  let resolveFinished: () => void = () => {};
  const finished = new Promise<void>((r) => (resolveFinished = r));

  const api: App = {
    bus,
    db,
    kernel,
    finished,
    async start() {
      running ??= feed
        .run(sink)
        .catch((err) => {
          logger.error({ err }, 'feed stopped with an error');
          sink.status({ type: 'feed', status: 'down', detail: errorMessage(err), lastCandleTime: feedStatus.lastCandleTime });
        })
        .finally(resolveFinished);
    },
    stop() {
      // Idempotent: the TUI, signal handlers and the CLI may all ask.
      stopping ??= (async () => {
        feed.stop();
        await running;
        if (feedDownTimer) clearTimeout(feedDownTimer);
        await telegram?.stop();
        if (db.open) db.close();
      })();
      return stopping;
    },
    exchange: exchangeName,
    async backtest(id: string) {
      const r = kernel.instances.get(id);
      if (!r) throw new UserError(`no strategy instance "${id}"`, 'backtest');
      const candles = candleStore.read(r.key);
      const tradeFrom = Math.min(Math.max(0, Math.ceil(r.strategy.warmup(r.params))), candles.length);
      if (candles.length - tradeFrom < 2) throw new UserError(`not enough cached candles for ${marketKeyString(r.key)}`, 'backtest');
      const { id: runId, result, metrics } = backtestAndStore(db, { strategy: r.strategy, params: r.params, key: r.key, candles, tradeFrom, account: config.account, risk: config.risk });
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
    telegramStatus: () => telegram?.status() ?? TELEGRAM_DISABLED,
    async send(cmd: Command): Promise<CommandResult> {
      try {
        if (cmd.type === 'set-speed') {
          if (!feed.setSpeed) return { ok: false, message: 'the live feed has no speed' };
          const speed = Math.min(1000, Math.max(0.25, cmd.candlesPerSecond));
          feed.setSpeed(speed);
          sink.status({ type: 'feed', status: 'replay', detail: feed.label ?? `REPLAY ${speed}/s`, lastCandleTime: feedStatus.lastCandleTime });
          return { ok: true, message: `replay speed ${speed} candles/s` };
        }
        if (cmd.type === 'add-instance') {
          const strategy = getStrategy(cmd.strategy, strategies, 'strategy');
          const params = resolveParams(strategy, cmd.params, 'params');
          if (!isTimeframe(cmd.timeframe)) return { ok: false, message: `unknown timeframe ${cmd.timeframe}` };
          const key: MarketKey = { exchange: exchangeName, symbol: cmd.symbol, timeframe: cmd.timeframe };
          if (feedKind === 'replay' && !opts.feedOverride && candleStore.last(key) === null) return { ok: false, message: `no cached candles for ${marketKeyString(key)}` };
          const runner = await addRunner(strategy, params, key, false, cmd.by);
          return { ok: true, message: `added ${runner.id} (stopped; press s to start)` };
        }
        let result: CommandResult = { ok: false, message: 'not run' };
        store.tx(() => {
          result = kernel.handle(cmd);
          const p = kernel.portfolio;
          store.saveAccount(p.cash, p.feesPaid, p.realisedPnl, now());
          store.syncPending(kernel.pendingOrders().map((o) => o.id));
        });
        logger.info({ command: cmd, result }, 'command');
        return result;
      } catch (err) {
        if (err instanceof UserError) return { ok: false, message: err.toString() };
        logger.error({ err, command: cmd }, 'command failed');
        return { ok: false, message: `failed: ${errorMessage(err)}` };
      }
    },
    snapshot(): EngineSnapshot {
      const p = kernel.portfolio;
      const speed = feed instanceof ReplayFeed ? feed.speed : null;
      return {
        mode: 'paper',
        feed: { source: feed.label ?? feedKind, status: feedStatus.status, detail: feedStatus.detail, lastCandleTime: feedStatus.lastCandleTime, speed },
        state: kernel.state,
        time: feedStatus.lastCandleTime ?? now(),
        cash: p.cash,
        equity: p.equity(),
        dayStartEquity: kernel.dayStartEquity,
        exposure: p.exposure(),
        positions: [...p.positions.values()].map((x) => ({ ...x, protection: { ...x.protection } })),
        instances: [...kernel.instances.values()].map((r) => ({ ...kernel.info(r), trades: r.trades.length, pnl: r.pnl })),
        protections: [...kernel.risk.active()],
        recentTrades: kernel.closedTrades.slice(-50).reverse(),
        alerts: recentAlerts.slice(),
        signals: recentSignals.slice(),
      };
    },
    candles(key: MarketKey, limit: number): CandleSeries {
      // The chart shows the cache up to the newest candle the engine has processed for this market.
      let end = feedStatus.lastCandleTime;
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
      return [...rows, { day: feedStatus.lastCandleTime ?? now(), equity: kernel.portfolio.equity() }];
    },
    strategies: () => strategies,
    symbols() {
      // The cached markets change only by import (another process): read them once.
      if (symbolsCache) return symbolsCache;
      const by = new Map<string, Set<string>>();
      for (const m of candleStore.markets()) {
        if (m.exchange !== exchangeName) continue;
        if (!by.has(m.symbol)) by.set(m.symbol, new Set());
        by.get(m.symbol)!.add(m.timeframe);
      }
      symbolsCache = [...by].map(([symbol, tfs]) => ({ symbol, timeframes: [...tfs] }));
      return symbolsCache;
    },
  };
  // Telegram is one more view over the same API, loaded only when a token is set (startup time).
  if (config.telegram.token) {
    const { startTelegram } = await import('../adapters/notify/telegram/index.js');
    telegram = startTelegram({ api, db, config: config.telegram, logger, now });
  }
  return api;
}

const TELEGRAM_DISABLED: TelegramStatus = { state: 'disabled', queue: 0, lastError: null, lastSentAt: null, sent: 0, merged: 0, botUsername: null };

async function createExchangeFeedLazily(config: Config, opts: AppOptions): Promise<AnyFeed> {
  const { ExchangeFeed } = await import('../adapters/feed/exchange.js');
  const feed = new ExchangeFeed(config.exchange, { pollSeconds: config.paper.pollSeconds, logger: opts.logger, now: opts.now });
  await feed.open(); // an unknown exchange.name is a config error now, not a feed retrying for ever
  return feed;
}
