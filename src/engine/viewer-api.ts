// What a viewer (the TUI, attached or in-process) needs from the application: the EngineApi plus optional helpers the app may expose. The TUI codes
// against the optional ones and says clearly when one is missing; it never computes trading logic itself.
import type { EngineApi } from './ports.js';
import type { ParamSpec, ParamValue } from '../strategy/contract.js';

export interface StrategyListing {
  name: string;
  description: string;
  timeframe: string;
  params: readonly ParamSpec[];
  /** Series drawn over price; when absent the chart draws every series on the price scale. */
  overlays?: readonly string[];
  /** Cross-parameter rules (fast < slow): a message naming what is wrong, or null. The strategy's own validate(). */
  validate?(params: Record<string, ParamValue>): string | null;
}

export interface SymbolListing {
  symbol: string;
  timeframes: string[];
}

export interface BacktestSummary {
  runId: number;
  metrics: Record<string, number | null>;
  equity: number[];
}

/** One line of the engine's log as the views show it (the Log window). */
export interface LogEntry {
  /** Order of writing, so a viewer can ask only for newer lines. */
  seq: number;
  time: number;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  msg: string;
  /** The line's other fields, compact (error messages, the command, the order), at most 300 characters. */
  detail: string;
}

export type TuiApi = EngineApi & {
  /** The engine's newest log lines (kept in memory as written), oldest first; absent: the log is only a file. */
  logs?(opts?: { limit?: number; after?: number }): LogEntry[];
  strategies?(): StrategyListing[];
  symbols?(): SymbolListing[];
  backtest?(instanceId: string): Promise<BacktestSummary>;
  /**
   * The engine's check of a strategy's params (spec and cross-parameter rule): a message, or null. The add/edit forms
   * ask it while typing when the listing has no validate() of its own (an attached TUI: functions do not cross the socket).
   */
  validateParams?(strategy: string, params: Record<string, ParamValue>): Promise<string | null>;
  /** The Telegram bot's state; absent or 'disabled' shows nothing. */
  telegramStatus?(): { state: string; queue: number };
  /** Where exports (trade history CSV) are written; the working directory when absent. */
  exportDir?: string;
  /** Exchange name used in MarketKeys for candles(); derived from instance ids when absent. */
  exchange?: string;
  /**
   * Told when the engine replaced its account (a replay restart): what the view accumulated from events (alerts,
   * signals, trade markers) belongs to the old account and is read again from the snapshot.
   */
  onReset?(listener: () => void): () => void;
};
