// Interfaces only: what the kernel needs from the outside. Adapters implement them; the kernel never
// asks which mode it runs in (backtest, paper, live differ only in feed, broker and clock).
import type { Candle, CandleSeries, MarketKey } from '../core/candle.js';
import type { Actor, Alert, Command, CommandResult, EngineEvent, InstanceInfo, ProtectionEvent } from '../core/events.js';
import type { ClosedTrade, Fill, Order, Position } from '../core/trading.js';
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
  status(status: FeedStatus): void;
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

export interface Broker {
  /** Fills are reported through the handler: synchronously by the simulated broker, later by a live one. */
  onFill(handler: (fill: Fill) => void): void;
  /** `lastPrice` lets urgent orders fill now at the last known price. */
  submit(order: Order, lastPrice?: number): void;
  /** A new candle opened: pending market orders of this symbol fill at `price` (simulated broker). */
  candleOpened(symbol: string, time: number, price: number): void;
  /** Orders submitted and not yet filled. */
  pending(): Order[];
  /** Whether a waiting order matches (no copy of the queue: asked on every decision). */
  hasPending(match: (o: Order) => boolean): boolean;
  /** Cancels waiting orders of `symbol` (all when absent), or only those of one position when `positionId` is given. */
  cancelAll(symbol?: string, positionId?: string): Order[];
}

/** Everything a view needs to draw the current state; the TUI and Telegram read this and events. */
export interface EngineSnapshot {
  mode: 'backtest' | 'paper' | 'live';
  feed: { source: string; status: FeedStatus['status']; detail: string; lastCandleTime: number | null; speed: number | null };
  state: 'running' | 'paused' | 'halted' | 'stopped';
  time: number;
  cash: number;
  equity: number;
  /** Equity at the start of the current UTC day, for today's P&L. */
  dayStartEquity: number;
  exposure: number;
  positions: Position[];
  instances: Array<InstanceInfo & { trades: number; pnl: number }>;
  protections: ProtectionEvent[];
  recentTrades: ClosedTrade[];
  alerts: Alert[];
  /** Strategy decisions and risk refusals/resizes, newest first (also from before a restart). */
  signals: SignalRecord[];
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
