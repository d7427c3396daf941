// The one typed event stream. Every step of the engine is an event; views (TUI, Telegram, CLI) and the
// store subscribe. Events are plain serialisable data so they can cross a socket later.
import type { Candle } from './candle.js';
import type { ClosedTrade, Fill, Order, Position } from './trading.js';

export type Severity = 'info' | 'warn' | 'error' | 'critical';
/** Who caused a state change; shown in alerts ("stopped by telegram"). */
export type Actor = 'keyboard' | 'telegram' | 'config' | 'system' | 'cli';

export interface Alert {
  id: string;
  time: number;
  severity: Severity;
  /** trade | stop | protection | strategy | feed | error | security | summary | system */
  category: string;
  message: string;
  /** Structured detail for formatters (e.g. the trade). */
  data?: Record<string, unknown>;
  /** Replay: the wall-clock time it happened (`time` is the replay time); absent on a live feed. */
  wallTime?: number;
}

export interface ProtectionEvent {
  name: string;
  /** "global" or a symbol. */
  scope: string;
  state: 'triggered' | 'released';
  triggeredAt: number;
  releasedAt: number | null;
  reason: string;
}

/** The model an ML instance trades on, for the TUI's instance window and Telegram's /strategies. */
export interface ModelSummary {
  id: string;
  kind: string;
  /** Candles the model was fitted on (training) and chose its epoch or weights on (validation), ISO times. */
  train: { from: string; to: string };
  valid: { from: string; to: string };
  /** Out-of-sample figures: the model first, then its baselines on the same candles. */
  figures: { name: string; metrics: Record<string, number> }[];
  /** The series holding its predictions: pDown/pFlat/pUp (classifiers) or forecast (a log return). */
  series: string[];
  /** Candles ahead the prediction is about. */
  horizon: number;
  /** The newest prediction: the series' values at the newest candle the instance processed. */
  latest?: { time: number; values: Record<string, number> };
}

export interface InstanceInfo {
  id: string;
  strategy: string;
  symbol: string;
  timeframe: string;
  params: Record<string, number | string | boolean>;
  running: boolean;
}

export type EngineEvent =
  | { type: 'candle'; instanceId: string; symbol: string; timeframe: string; candle: Candle }
  | {
      type: 'decision';
      instanceId: string;
      strategy: string;
      symbol: string;
      time: number;
      action: 'enter-long' | 'enter-short' | 'exit';
      reason: string;
    }
  | {
      type: 'risk';
      instanceId: string;
      symbol: string;
      time: number;
      verdict: 'accepted' | 'resized' | 'rejected';
      reason: string;
      requested?: number;
      granted?: number;
    }
  | { type: 'order'; order: Order }
  | { type: 'fill'; fill: Fill }
  | { type: 'position'; change: 'opened' | 'updated' | 'closed'; position: Position }
  | { type: 'trade'; trade: ClosedTrade }
  | { type: 'equity'; time: number; equity: number; cash: number; exposure: number }
  | { type: 'alert'; alert: Alert }
  | { type: 'protection'; protection: ProtectionEvent }
  /** reload: 'updated' by a hot reload of its strategy's file (that reload raises the one alert, naming the file). */
  | { type: 'instance'; instance: InstanceInfo; change: 'added' | 'started' | 'stopped' | 'removed' | 'updated'; by: Actor; reload?: true }
  | { type: 'feed'; status: 'connected' | 'retrying' | 'down' | 'replay' | 'ended'; detail: string; lastCandleTime: number | null }
  | { type: 'engine'; state: 'running' | 'paused' | 'halted' | 'stopped'; reason: string; by: Actor };

export type EngineEventType = EngineEvent['type'];
export type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

/** Commands views send to the engine. Same commands for the TUI, Telegram and the CLI. */
export type Command =
  | { type: 'start'; instanceId: string; by: Actor }
  | { type: 'stop'; instanceId: string; by: Actor }
  | { type: 'add-instance'; strategy: string; symbol: string; timeframe: string; params: Record<string, number | string | boolean>; by: Actor }
  /** Closes every position on `symbol`, or only the one with `positionId` (the TUI closes the row it shows). */
  | { type: 'close'; symbol: string; positionId?: string; by: Actor }
  | { type: 'pause'; by: Actor }
  | { type: 'resume'; by: Actor }
  | { type: 'kill'; by: Actor }
  | { type: 'set-speed'; candlesPerSecond: number; by: Actor }
  /** Cancels one waiting order (the Orders window); the broker's report ends it, or a fill that came first. */
  | { type: 'cancel-order'; orderId: string; by: Actor }
  /**
   * Replay control: hold or release the replay itself, deliver the next candle(s), run forward to a time, or restart
   * from a time on a new paper account (the current one archived, never deleted).
   */
  | { type: 'replay'; action: 'pause' | 'resume' | 'step' | 'jump' | 'restart'; to?: number; by: Actor }
  /**
   * Live trading: resolves one difference with the exchange (adopt, ignore, cancel or flatten), or with no
   * differenceId checks the account against the exchange now.
   */
  /** Deletes a strategy instance: refused while it holds a position or waiting orders; its trades and decisions stay stored. */
  | { type: 'delete-instance'; instanceId: string; by: Actor }
  /**
   * Restarts an instance with new params (merged over its own) and/or risk overrides (null clears them, absent keeps
   * them). It keeps its id, candles, position, waiting orders and trades.
   */
  | { type: 'edit-instance'; instanceId: string; params?: Record<string, number | string | boolean>; risk?: Record<string, unknown> | null; by: Actor }
  /** Loads changed user strategy files again and swaps the new code into their instances (a file that fails keeps the old). */
  | { type: 'reload-strategies'; by: Actor }
  | { type: 'reconcile'; differenceId?: number; action?: 'adopt' | 'ignore' | 'cancel' | 'flatten'; by: Actor };

export interface CommandResult {
  ok: boolean;
  message: string;
}
