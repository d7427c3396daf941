// Interfaces only: what the kernel needs from the outside. Adapters implement them; the kernel never
// asks which mode it runs in (backtest, paper, live differ only in feed, broker and clock).
import type { Candle, CandleSeries, MarketKey } from '../core/candle.js';
import type { Actor, Alert, Command, CommandResult, EngineEvent, InstanceInfo, ModelSummary, ProtectionEvent } from '../core/events.js';
import type { ClosedTrade, Fill, Order, OrderStatus, Position } from '../core/trading.js';
import type { EventBus } from './bus.js';

export interface Clock {
  now(): number;
}

export type FeedStatus = Extract<EngineEvent, { type: 'feed' }>;

/** Where a feed delivers. Candles arrive closed and in order per market. */
export interface FeedSink {
  /** A new candle has opened at `price` (feeds that see forming candles call this; others need not). */
  open?(key: MarketKey, time: number, price: number): void;
  candle(key: MarketKey, candle: Candle): void;
  /**
   * Closed candles too old to trade on (caught up after an outage): they extend the strategies' history
   * without decisions, fills or exits. Feeds that never fall behind need not call it.
   */
  warmup?(key: MarketKey, candles: Candle[]): void;
  status(status: FeedStatus): void;
  /**
   * While the sink holds candles it could not store (disk full), a promise of when it can take more; null
   * otherwise. Feeds that can wait (a replay) wait rather than pile candles up behind the held ones.
   */
  drained?(): Promise<void> | null;
  /** The price polled now on a market (live feeds, between candle closes): stops the engine holds are checked on it. */
  tick?(key: MarketKey, time: number, price: number): void;
}

export interface MarketFeed {
  /** Deliver closed candles of this market from now on (idempotent). */
  watch(key: MarketKey): void;
  unwatch(key: MarketKey): void;
  /** Runs until the feed ends (history, replay) or stop() is called. */
  run(sink: FeedSink): Promise<void>;
  stop(): void;
  /** Closed candles before the first delivered one, for strategy warm-up and the chart. */
  history(key: MarketKey, limit: number): Promise<CandleSeries>;
}

/**
 * What a broker reports about an order besides fills: the exchange acknowledged it, refused it, cancelled or
 * expired it, or confirmed it fully filled. The execution layer applies it to the order record, journals it
 * and emits an `order` event. A report that does not follow the state machine (engine/execution.ts) is
 * ignored with an alert, never applied.
 */
export interface OrderUpdate {
  /** tradetui's order id (Order.id). */
  orderId: string;
  status: Exclude<OrderStatus, 'intent'>;
  /** When the broker learned it (exchange time when known). */
  time: number;
  /** The exchange's message for a rejection, why a cancel or an expiry happened, or why an order is in doubt. */
  reason?: string;
  /** The exchange's order id, once known. */
  exchangeId?: string;
}

/** The engine's side of a broker: where it reports. Calls may come synchronously from inside submit(). */
export interface BrokerEvents {
  /** A status change (see OrderUpdate). `filled` comes after the order's last fill. */
  update(update: OrderUpdate): void;
  /**
   * An execution of part or all of an order. The engine books each exchange trade once: a fill whose
   * `tradeId` it has already booked on that order is ignored, so a broker may report the same trade twice
   * safely. A fill without a trade id (simulated) is booked as given.
   * The first fill moves the order to partially_filled; only update({ status: 'filled' }) ends it.
   */
  fill(fill: Fill): void;
}

/** Context a broker may use to price an order now (simulated urgent orders); a live broker ignores it. */
export interface SubmitContext {
  /** Last known price of the order's symbol (last closed candle's close). */
  lastPrice?: number;
}

/**
 * Places orders and reports what became of them. The same port for the simulated broker (backtest, paper:
 * it answers synchronously, inside submit/marketOpened) and an exchange broker (live: it answers later,
 * partially, or after a lookup when a request timed out).
 *
 * Contract:
 * - The engine journals an order (status `submitted`, client id in SQLite) before it calls submit(); a
 *   broker must never resend an order on its own after an ambiguous outcome (timeout, 5xx, network error):
 *   it resolves it by looking the order up by `clientId` and reports what it finds.
 * - submit() and cancel() never throw for exchange outcomes (refusal, insufficient funds, rate limit): they
 *   are reported as updates with a reason. They throw only for programming errors.
 * - Every submitted order ends with evidence: fills and then `filled`, or `cancelled` / `rejected` /
 *   `expired` with a reason. Nothing is dropped silently.
 */
export interface Broker {
  /** Where to report; the kernel calls this once, before any submit. */
  connect(events: BrokerEvents): void;
  /**
   * Hands over an order the engine has journaled as `submitted`. The journal's transaction commits when
   * the engine's current step returns: an exchange broker must send nothing before submit() has returned
   * (start the request asynchronously, e.g. after an await), so a crash can never leave a sent order that
   * the journal does not know.
   */
  submit(order: Readonly<Order>, context: SubmitContext): void;
  /** Asks for an order to be cancelled (the engine has moved it to `pending_cancel`). Fills may still come. */
  cancel(order: Readonly<Order>, reason: string): void;
  /**
   * Orders journaled and not yet terminal when the engine last stopped, handed back at restart before any
   * new order: the simulated broker queues them again; a live broker looks each up by client id.
   */
  resume(orders: readonly Order[]): void;
  /**
   * A new candle opened on `symbol` at `price` (market data for brokers that simulate fills: queued market
   * orders fill at this price). A live broker does not implement it.
   */
  marketOpened?(symbol: string, time: number, price: number): void;
  /**
   * Saves what the broker holds in memory and returns how to put it back, for an engine step whose
   * transaction rolled back. A broker without it (an exchange: what it sent is sent) makes such a step
   * unrecoverable in memory; the engine then halts until a restart reloads the journal.
   */
  checkpoint?(): () => void;
  /**
   * Whether protective stops of `symbol` rest on the exchange (live brokers whose exchange has a stop order
   * type). The engine then keeps each position's stop there as a `resting` stop order. Absent: the engine
   * checks stops itself.
   */
  restingStops?(symbol: string): boolean;
}

/** Everything a view needs to draw the current state; the TUI and Telegram read this and events. */
export interface EngineSnapshot {
  mode: 'backtest' | 'paper' | 'live';
  /** lastCandleTime: open time of the newest candle; lastCandleClose: when the newest candle closed (alerts' time). */
  feed: { source: string; status: FeedStatus['status']; detail: string; lastCandleTime: number | null; lastCandleClose?: number | null; speed: number | null; paused?: boolean };
  state: 'running' | 'paused' | 'halted' | 'stopped';
  time: number;
  cash: number;
  equity: number;
  /** Equity at the start of the current UTC day, for today's P&L. */
  dayStartEquity: number;
  exposure: number;
  positions: Position[];
  /** Orders still working (waiting for a fill or a cancel), oldest first. */
  orders: Order[];
  instances: Array<InstanceInfo & { trades: number; pnl: number; model?: ModelSummary; /** Its own risk overrides (config or edited), when any. */ risk?: Record<string, unknown> }>;
  protections: ProtectionEvent[];
  recentTrades: ClosedTrade[];
  alerts: Alert[];
  /** Strategy decisions and risk refusals/resizes, newest first (also from before a restart). */
  signals: SignalRecord[];
  /** Live trading only: the exchange account behind the engine. */
  live?: LiveStatus;
  /**
   * Paper replays in an engine that can restart them: the dates a restart can start from (every traded market has
   * candles), the new account's capital, and the current account's closed trades and earlier archived accounts.
   */
  replay?: { first: number; last: number; startingBalance: number; currency: string; trades: number; archives: number };
}

/** What a view shows of a live engine: which account, what waits for the trader, how fills compare. */
export interface LiveStatus {
  exchange: string;
  /** The exchange's testnet (exchange.sandbox). */
  sandbox: boolean;
  /** Differences with the exchange waiting for the trader; live entries are halted while any remain. */
  differences: Array<{ id: number; kind: string; symbol: string | null; summary: string; actions: string[]; createdAt: number }>;
  /** Why the broker stopped live trading (API key refused), or null. */
  brokerHalt: string | null;
  /** When the account was last checked against the exchange. */
  lastReconcileAt: number | null;
  /** The most quote currency entries are sized from (live.maxCapital), or null. */
  maxCapital: number | null;
  /**
   * Where protective stops are held: `exchange`, resting there as stop orders (they hold while tradetui is
   * down); `engine`, checked by tradetui on every polled price and candle (the exchange has no stop order).
   */
  stops: 'engine' | 'exchange';
  /** Live fills against the same decisions on the shadow simulated broker (the parity meter), newest last. */
  parity: ParityRow[];
  /** Totals over every recorded decision (parity carries only the newest rows). */
  paritySummary?: ParitySummary;
}

/**
 * One decision's order: the live fill next to the shadow simulated broker's fill of the same decision.
 * Slippage is signed so that positive is a cost (a buy above, a sell below the price compared with).
 */
export interface ParityRow {
  /** The decision's identity (instance, purpose, side, exit reason, decision candle). */
  key: string;
  /** When the live order left (engine clock), or the decision candle's open time for a paper-only decision. */
  time: number;
  instanceId: string;
  symbol: string;
  side: 'buy' | 'sell';
  purpose: 'entry' | 'exit';
  exitReason: string | null;
  /** The decision price: the decision candle's close, a stop's level, or the last price of a manual close. */
  reference: number | null;
  /** Live quantity filled (the simulated one when only paper traded). */
  qty: number;
  /** Live average fill price; null when the live order filled nothing (see liveStatus) or was never made. */
  livePrice: number | null;
  /** How the live order ended (filled, rejected: reason, …), null while working or never made. */
  liveStatus: string | null;
  simPrice: number | null;
  simStatus: string | null;
  /** Live price against the decision price, in bps. */
  slippageBps: number | null;
  /** Live price against the simulated fill, in bps. */
  vsSimBps: number | null;
  /** Quote currency paid against the decision price (slippageBps × notional). */
  slippage: number | null;
  /** Quote currency the live fill cost more than the simulated one. */
  vsSim: number | null;
  liveFee: number | null;
  simFee: number | null;
  liveFeeBps: number | null;
  simFeeBps: number | null;
  /** From the live order leaving (the decision) to its fill being booked, engine clock, ms. */
  delayMs: number | null;
  /** Running totals of `slippage` and `vsSim` up to this row. */
  totalSlippage: number;
  totalVsSim: number;
}

export interface ParitySummary {
  /** Live orders that filled. */
  trades: number;
  /** Of them, with a simulated fill of the same decision. */
  paired: number;
  liveOnly: number;
  /** Decisions the shadow filled and the live engine did not. */
  simOnly: number;
  totalSlippage: number;
  totalVsSim: number;
  /** Realised P&L of the live account and of its shadow. */
  liveRealised: number;
  simRealised: number;
}

export interface SignalRecord {
  time: number;
  instanceId: string;
  strategy: string;
  symbol: string;
  /** decision: enter-long | enter-short | exit; risk: rejected | resized. */
  kind: 'decision' | 'risk';
  action: string;
  reason: string;
}

/** The command and event API shared by the TUI, headless mode, Telegram and a later `attach`. */
export interface EngineApi {
  readonly bus: EventBus;
  send(command: Command): Promise<CommandResult>;
  snapshot(): EngineSnapshot;
  /** Closed candles of a market the engine holds (for charts). */
  candles(key: MarketKey, limit: number): CandleSeries;
  /**
   * The indicator series of an instance over its last `limit` processed candles. They end at the same
   * candle as candles(key, limit) but may be shorter (an instance knows only its warm-up and what it has
   * processed since it started): align them to the right.
   */
  indicators(instanceId: string, limit: number): Record<string, Float64Array>;
  /** Closed trades, newest first, optionally only those exited at or after `since`. */
  trades(opts?: { since?: number; limit?: number }): ClosedTrade[];
  /** Equity at each UTC day's start (and now), oldest first, for day/week P&L. */
  dailyEquity(days: number): Array<{ day: number; equity: number }>;
}

export type { Actor };

export interface CandleWriteResult {
  /** Candles new to the cache. */
  inserted: number;
  /** Candles already cached with identical values (re-import is a no-op). */
  unchanged: number;
}

export interface MarketSummary extends MarketKey {
  first: number;
  last: number;
  count: number;
  /** Runs of missing candles between first and last, and the longest such run in candles. */
  gaps: number;
  largestGap: number;
}

/** The candle cache, keyed by (exchange, symbol, timeframe, open time). */
export interface CandleStore {
  /** Candles with from <= time <= to (both optional), ascending, in one bulk read. */
  read(key: MarketKey, from?: number, to?: number): CandleSeries;
  /**
   * Adds candles (ascending, aligned, validated) in one transaction. A candle whose time is cached with
   * other values is an error and nothing is written.
   */
  write(key: MarketKey, candles: CandleSeries): CandleWriteResult;
  /** Open time of the last cached candle, or null. */
  last(key: MarketKey): number | null;
  list(): MarketSummary[];
  /** The markets cached, without scanning candles (list() counts gaps, which reads them all). */
  markets(): MarketKey[];
}
