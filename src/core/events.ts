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
  | { type: 'instance'; instance: InstanceInfo; change: 'added' | 'started' | 'stopped' | 'removed'; by: Actor }
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
  /** Replay control: hold or release the replay itself, deliver the next candle(s), or run forward to a time. */
  | { type: 'replay'; action: 'pause' | 'resume' | 'step' | 'jump'; to?: number; by: Actor }
  /**
   * Live trading: resolves one difference with the exchange (adopt, ignore, cancel or flatten), or with no
   * differenceId checks the account against the exchange now.
   */
  | { type: 'reconcile'; differenceId?: number; action?: 'adopt' | 'ignore' | 'cancel' | 'flatten'; by: Actor };

export interface CommandResult {
  ok: boolean;
  message: string;
}
