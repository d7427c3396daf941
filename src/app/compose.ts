// Composition root: mode and config → {clock, feed, broker, store, notifiers} → kernel, exposed as the
// EngineApi that the TUI, headless mode and Telegram share. The only module that imports every layer.
// What the engine does is decided below it; here only which parts it is made of: the mode (paper or
// live) picks the broker, the config (or a test) picks the feed. The API implementation (api.ts),
// persistence (persistence.ts) and instance restore (instances.ts) are modules of their own.
import type { MarketKey } from '../core/candle.js';
import { marketKeyString, seriesFromCandles } from '../core/candle.js';
import type { Alert, Command, CommandResult } from '../core/events.js';
import { DAY_MS, iso, parseDate, timeframeMs } from '../core/time.js';
import { UserError, errorMessage } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import { dbFile } from '../config/paths.js';
import { openDb, type Db } from '../adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../adapters/store/sqlite/candle-cache.js';
import { PaperStore, type ArchivedAccount } from '../adapters/store/sqlite/paper-store.js';
import { ReplayFeed } from '../adapters/feed/replay.js';
import { createFromTemplate, ensureSeeded } from '../data/seed.js';
import { validateConfig } from '../config/validate.js';
import { EventBus } from '../engine/bus.js';
import type { Kernel } from '../engine/kernel.js';
import type { Broker, FeedSink, FeedStatus, LiveStatus, SignalRecord } from '../engine/ports.js';
import type { Portfolio } from '../engine/portfolio.js';
import { createSimulatedKernel } from '../backtest/run.js';
import { loadStrategies, resolveStrategiesDir } from '../adapters/strategy-files.js';
import { AlertDeriver } from '../alerts/derive.js';
import type { TelegramStatus } from '../adapters/notify/telegram/index.js';
import { money } from '../view/format.js';
import { createApi, type AppApi, type AppFeed, type EngineMode } from './api.js';
import { createInstances, restoreOrConfigure } from './instances.js';
import { createStrategyReloader } from './strategy-reload.js';
import { createPersistence } from './persistence.js';
import { archiveAndReset, recoverArchives } from './account-archive.js';
import type { AppHooks } from './engine-host.js';
import type { Logger } from './logger.js';

export type { EngineMode } from './api.js';

export interface AppOptions {
  config: Config;
  dataDir: string;
  logger: Logger;
  /**
   * paper (default): the simulated broker over the feed. live: the exchange broker `broker` makes (the
   * caller checks the opt-in before asking for it). A backtest does not run through the app (backtest/).
   */
  mode?: Exclude<EngineMode, 'backtest'>;
  /** Makes the broker for live mode; required there, unused in paper. */
  broker?: (ctx: { portfolio: Portfolio; nextId: (prefix: string) => string; db: Db }) => Broker;
  /** The database file; defaults to the data directory's. Live state must not share paper's file. */
  dbFile?: string;
  /** Cash of a new account (live: the exchange's quote balance, capped); default config.account.balance. */
  initialBalance?: number;
  /** live.maxCapital: the most quote currency entries are sized from. */
  capitalCap?: number | null;
  /** The live layer: answers its commands first and adds the exchange account's state to the snapshot. */
  live?: LiveHooks;
  /** Exchange of the markets traded (candle keys); defaults to config.exchange.name. */
  exchange?: string;
  /** Called before each shipped candle file is imported (first run only), so the wait can be explained. */
  onSeedFile?: (file: { name: string }) => void;
  /** How often the strategies folder is polled for changed files (ms; 0: never, reload-strategies only). Default 1000. */
  strategyPollMs?: number;
  /** The config file it came from: a relative strategiesDir is relative to it. */
  configSource?: string;
  /** Replay speed override (candles per second). */
  speed?: number;
  /** The engine process hosting this App: replay restarts, and a new App's held start (app/engine-host.ts). */
  hooks?: AppHooks;
  feed?: 'replay' | 'exchange';
  /** Feed to use instead of the configured one (tests). */
  feedOverride?: AppFeed;
  /** How often a step the database refused (disk full) is tried again, in ms (default 2000). */
  storageRetryMs?: number;
  now?: () => number;
}

export interface LiveHooks {
  /** Handles a command or passes it on with `next` (reconcile, resume while differences remain, kill). */
  command(cmd: Command, next: (cmd: Command) => Promise<CommandResult>): Promise<CommandResult>;
  status(): LiveStatus;
}

export interface App extends AppApi {
  readonly db: Db;
  readonly kernel: Kernel;
  /** Starts the feed; resolves when it has started. */
  start(): Promise<void>;
  /** Resolves when the feed has stopped (end of run or stop()). */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
  /** The Telegram bot's state for the status bar ('disabled' without a token). */
  telegramStatus(): TelegramStatus;
  /** Exchange of the markets this app trades (candle keys). */
  readonly exchange: string;
  /** Called after each engine step's transaction: true when it committed, false when it rolled back. */
  onSettled(listener: (committed: boolean) => void): () => void;
  /** Runs a step of the engine's own (a live broker's finding, a reconciliation) in one transaction. */
  step(fn: () => void): void;
  /** Raises an alert (pane, alerts table, Telegram) as its own step. */
  raise(alert: Omit<Alert, 'id' | 'time'>): void;
}

export async function createApp(opts: AppOptions): Promise<App> {
  const { config, logger } = opts;
  const mode = opts.mode ?? 'paper';
  if (mode === 'live' && !opts.broker) throw new UserError('live trading needs an exchange broker (run with --live)', 'mode');
  const now = opts.now ?? Date.now;
  const file = opts.dbFile ?? dbFile(opts.dataDir);
  createFromTemplate(file);
  const db = openDb(file);
  const candleStore = new SqliteCandleStore(db);
  const strategiesDir = config.strategiesDir ? resolveStrategiesDir(config.strategiesDir, opts.configSource) : null;
  const strategies = await loadStrategies({ strategiesDir });
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

  // A replay restart a kill interrupted is finished or undone before the account is read (app/account-archive.ts).
  if (mode === 'paper') for (const said of recoverArchives(store, opts.dataDir)) logger.warn(said);
  let stored = store.load();
  if (!stored) {
    store.createAccount(opts.initialBalance ?? config.account.balance, config.account.currency, now());
    stored = store.load()!;
  }
  const session = store.nextSession();
  let alertSeq = 0;
  const nextAlertId = (): string => `s${session}-a${++alertSeq}`;
  let kernelRef: Kernel | null = null;
  let feedStatus: FeedStatus = { type: 'feed', status: 'connected', detail: '', lastCandleTime: null };
  /** When the newest processed candle closed (of any market): the time alerts of its decisions carry. */
  let lastCandleClose: number | null = null;
  // While the database refuses steps, the feed's status says so (it is not stored: feed events never are).
  let feedBeforeFailure: FeedStatus | null = null;
  // A replay's events happen at replay time: every alert carries the replay clock as its time (the wall-clock
  // time beside it), so their order is the replay's, before and after a restart. Live feeds: the wall clock.
  // Set once the feed exists; storage alerts can only come from steps, which come after it.
  let replayClock: ReplayFeed | null = null;
  const eventTime = (): number => replayClock?.clock ?? now();
  const alertTimes = (): { time: number; wallTime?: number } => (replayClock ? { time: eventTime(), wallTime: now() } : { time: now() });
  const persistence = createPersistence({
    store,
    bus,
    logger,
    now,
    kernel: () => kernelRef!,
    nextAlertId,
    alertTimes,
    retryMs: opts.storageRetryMs,
    onFailure(f) {
      if (f) {
        feedBeforeFailure ??= feedStatus;
        feedStatus = { ...feedStatus, status: 'retrying', detail: `database refuses writes (${f.error}): ${f.held} step(s) held, no decisions until stored` };
      } else if (feedBeforeFailure) {
        feedStatus = { ...feedBeforeFailure, lastCandleTime: feedStatus.lastCandleTime };
        feedBeforeFailure = null;
      }
      bus.emit(feedStatus);
    },
  });
  const kernel = createSimulatedKernel({
    // A new account's cash is what it was created with (live: the exchange's balance, capped); a stored
    // one's comes back through restore.
    account: { ...config.account, balance: stored.account.cash },
    risk: config.risk,
    bus,
    now,
    idPrefix: `s${session}-`,
    restoreProtections: store.activeProtections(),
    // A broker report that arrives on its own (a live exchange) is a step like a candle.
    atomic: persistence.atomic,
    broker: mode === 'live' ? (ctx) => opts.broker!({ ...ctx, db }) : undefined,
    capitalCap: opts.capitalCap,
    // A live account's stops the exchange cannot hold are checked on every polled price (paper keeps the
    // backtest's candle-close check: one fill model).
    stopsOnTicks: mode === 'live',
  });
  kernelRef = kernel;

  const feed: AppFeed =
    opts.feedOverride ??
    (feedKind === 'replay'
      ? new ReplayFeed(candleStore, { speed: opts.hooks?.speed ?? opts.speed ?? config.paper.speed, from: store.replayFrom() ?? (config.paper.replayFrom ? parseDate(config.paper.replayFrom, 'paper.replayFrom') : undefined) })
      : await createExchangeFeedLazily(config, opts));
  const exchange = opts.exchange ?? config.exchange.name;
  // Replaying the cache can only trade markets that are in it; a live feed fetches its own history.
  const needsCachedCandles = feedKind === 'replay' && !opts.feedOverride;
  feedStatus = { type: 'feed', status: 'connected', detail: feed.label ?? feedKind, lastCandleTime: null };

  replayClock = feed instanceof ReplayFeed ? feed : null;
  // A new account made by a replay restart waits at its first candle until the trader plays it (P).
  if (opts.hooks?.held && replayClock) replayClock.pause();

  // Persistence first: every later listener (alerts, views) sees only what the store is writing.
  store.attach(bus);
  // One deriver words alerts for the pane, the alerts table and Telegram alike.
  const deriver = new AlertDeriver({ feedDownMs: config.telegram.alerts.feedDownSeconds * 1000, nextId: nextAlertId });
  let feedDownTimer: NodeJS.Timeout | null = null;
  const emitAlerts = (alerts: Alert[]): void => {
    for (const alert of alerts) bus.emit({ type: 'alert', alert: replayClock ? { ...alert, wallTime: alertTimes().wallTime } : alert });
  };
  bus.onAny((e) => {
    if (e.type === 'alert') return;
    emitAlerts(deriver.onEvent(e, eventTime()));
    const due = deriver.nextDeadline();
    if (due !== null && !feedDownTimer) {
      feedDownTimer = setTimeout(() => {
        feedDownTimer = null;
        persistence.guarded(() => emitAlerts(deriver.tick(now())));
      }, Math.max(0, due - now()));
      feedDownTimer.unref();
    }
  });
  // As many as the TUI's Signals and Alerts panes list, so a restart shows them all (not only the newest 100).
  const RECENT_ROWS = 300;
  const recentAlerts: Alert[] = store.recentAlerts(RECENT_ROWS);
  const recentSignals: SignalRecord[] = store.recentSignals(RECENT_ROWS);
  // Rows join the lists once their step has committed: a rolled-back step's decisions never happened.
  let uncommitted: Array<() => void> = [];
  persistence.onSettled((committed) => {
    if (committed) for (const add of uncommitted) add();
    uncommitted = [];
  });
  const afterCommit = (add: () => void): void => {
    if (db.inTransaction) uncommitted.push(add);
    else add();
  };
  const remember = (row: SignalRecord): void =>
    afterCommit(() => {
      recentSignals.unshift(row);
      if (recentSignals.length > RECENT_ROWS) recentSignals.pop();
    });
  bus.on('decision', (e) => remember({ time: e.time, instanceId: e.instanceId, strategy: e.strategy, symbol: e.symbol, kind: 'decision', action: e.action, reason: e.reason }));
  bus.on('risk', (e) => {
    if (e.verdict === 'accepted') return;
    const strategy = kernel.instances.get(e.instanceId)?.strategy.name ?? e.instanceId.split('@')[0]!;
    remember({ time: e.time, instanceId: e.instanceId, strategy, symbol: e.symbol, kind: 'risk', action: e.verdict, reason: e.reason });
  });
  bus.on('alert', (e) =>
    afterCommit(() => {
      recentAlerts.unshift(e.alert);
      if (recentAlerts.length > RECENT_ROWS) recentAlerts.pop();
    }),
  );

  const instanceDeps = { kernel, store, candleStore, feed, logger, now, needsCachedCandles, db, dataDir: opts.dataDir };
  const instances = createInstances(instanceDeps);
  await restoreOrConfigure({ ...instanceDeps, instances, strategies, config, exchange }, stored);

  // The trader's strategy files are watched: a changed one is swapped into its instances (app/strategy-reload.ts).
  const reloader = strategiesDir
    ? createStrategyReloader({
        dir: strategiesDir,
        strategies,
        kernel,
        instances,
        tx: (fn) => persistence.tx(fn),
        raise: (alert) => persistence.guarded(() => emitAlerts([{ ...alert, id: nextAlertId(), time: eventTime() }])),
        logger,
      })
    : null;

  const sink: FeedSink = {
    open(key, time, price) {
      persistence.step(() => kernel.candleOpened(key, time, price));
    },
    candle(key, c) {
      persistence.step(() => {
        kernel.onCandle(key, c);
        // The 'position updated' event precedes the mark at the close: store the mark itself (issue #9).
        store.markPositions(key.symbol, c.close);
        for (const r of kernel.instances.values()) if (sameMarket(r.key, key) && r.cursor >= 0) store.saveCursor(r.id, r.candles.time[r.cursor]!);
        store.saveDayEquity(Math.floor(c.time / DAY_MS) * DAY_MS, kernel.dayStartEquity);
        afterCommit(() => {
          feedStatus = { ...feedStatus, lastCandleTime: c.time };
          lastCandleClose = Math.max(lastCandleClose ?? -Infinity, c.time + timeframeMs(key.timeframe));
        });
      });
    },
    warmup(key, candles) {
      if (candles.length === 0) return;
      const series = seriesFromCandles(candles);
      const last = candles[candles.length - 1]!.time;
      persistence.step(() => {
        for (const r of kernel.instances.values()) {
          if (marketKeyString(r.key) !== marketKeyString(key)) continue;
          r.preload(series);
          r.skipTo(last + 1);
          if (r.cursor >= 0) store.saveCursor(r.id, r.candles.time[r.cursor]!);
        }
        afterCommit(() => {
          feedStatus = { ...feedStatus, lastCandleTime: last };
          lastCandleClose = Math.max(lastCandleClose ?? -Infinity, last + timeframeMs(key.timeframe));
        });
      });
    },
    drained: () => persistence.drained(),
    tick(key, time, price) {
      if (mode === 'live' && kernel.portfolio.positions.size > 0) persistence.step(() => kernel.priceTick(key.symbol, price, time));
    },
    status(s) {
      persistence.step(() => {
        afterCommit(() => {
          if (feedBeforeFailure) feedBeforeFailure = s;
          else feedStatus = s;
        });
        bus.emit(s);
        if (s.status === 'ended') emitAlerts([{ id: nextAlertId(), time: eventTime(), severity: 'info', category: 'system', message: `replay finished: ${s.detail}` }]);
      });
    },
  };

  let telegram: { stop(): Promise<void>; status(): TelegramStatus } | null = null;
  let running: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;
  let resolveFinished: () => void = () => {};
  const finished = new Promise<void>((r) => (resolveFinished = r));

  const engineApi = createApi({
    mode,
    exchange,
    bus,
    db,
    kernel,
    store,
    candleStore,
    feed,
    feedKind,
    feedStatus: () => feedStatus,
    lastCandleClose: () => lastCandleClose,
    setFeedStatus: (s) => sink.status(s),
    persistence,
    instances,
    strategies,
    config,
    logger,
    now,
    needsCachedCandles,
    recentAlerts,
    recentSignals,
    live: opts.live,
    reloadStrategies: reloader ? (by) => reloader.reload(by) : undefined,
    restartReplay:
      mode === 'paper' && opts.hooks?.restartReplay
        ? (from, before) =>
            opts.hooks!.restartReplay!(async () => {
              const a = await archiveAndReset({ dataDir: opts.dataDir, dbFile: file, from, balance: config.account.balance, currency: config.account.currency, equity: before.equity, replayAt: before.replayAt, now: now() });
              return restartMessage(a, config.account.balance);
            })
        : undefined,
  });
  const api: App = {
    ...engineApi,
    db,
    kernel,
    finished,
    exchange,
    async start() {
      if (opts.strategyPollMs !== 0) reloader?.watch(opts.strategyPollMs ?? 1000);
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
        reloader?.stop();
        feed.stop();
        persistence.close();
        await running;
        if (feedDownTimer) clearTimeout(feedDownTimer);
        await telegram?.stop();
        if (db.open) db.close();
      })();
      return stopping;
    },
    telegramStatus: () => telegram?.status() ?? TELEGRAM_DISABLED,
    onSettled: (listener) => persistence.onSettled(listener),
    step: (fn) => persistence.guarded(fn),
    raise: (alert) => persistence.guarded(() => bus.emit({ type: 'alert', alert: { ...alert, id: nextAlertId(), ...alertTimes() } })),
  };
  // Telegram is one more view over the same API, loaded only when a token is set (startup time).
  if (config.telegram.token) {
    const { startTelegram } = await import('../adapters/notify/telegram/index.js');
    telegram = startTelegram({ api, db, config: config.telegram, logger, now });
  }
  return api;
}

/** What the trader is told once the replay restarted: the new account first (a footer may cut the rest), then the old one. */
function restartMessage(a: ArchivedAccount, balance: number): string {
  const cash = (x: number): string => `${money(x)} ${a.currency}`;
  return `replay restarted from ${iso(a.restartedFrom).slice(0, 16).replace('T', ' ')} on a new paper account (${cash(balance)}); the old one (equity ${cash(a.equity)}, ${a.trades} trade(s)) is archived as account ${a.id}: tradetui accounts show ${a.id}`;
}

function sameMarket(a: MarketKey, b: MarketKey): boolean {
  return a === b || (a.symbol === b.symbol && a.timeframe === b.timeframe && a.exchange === b.exchange);
}

const TELEGRAM_DISABLED: TelegramStatus = { state: 'disabled', queue: 0, lastError: null, lastSentAt: null, sent: 0, merged: 0, botUsername: null };

async function createExchangeFeedLazily(config: Config, opts: AppOptions): Promise<AppFeed> {
  const { ExchangeFeed } = await import('../adapters/feed/exchange.js');
  const feed = new ExchangeFeed(config.exchange, { pollSeconds: config.paper.pollSeconds, logger: opts.logger, now: opts.now });
  await feed.open(); // an unknown exchange.name is a config error now, not a feed retrying for ever
  return feed;
}
